"""Normalisation, tokenisation, stop words and stemming, per script and language.

Everything here works on one string at a time and returns plain Python values, so the
vectoriser can call it as a scikit-learn ``analyzer``.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from functools import cache, lru_cache

import regex
import snowballstemmer
import stopwordsiso

# Zero-width characters and soft hyphens change no meaning but break equality.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)

# Arabic-script letter variants that writers use interchangeably (hamza seats on alef,
# Farsi/Urdu yeh and keheh, teh marbuta, heh goal). Mapping them to one form lets the
# same word match however it was typed; Urdu's do-chashmi heh (U+06BE) stays distinct
# because it marks aspiration.
_ARABIC_MAP = str.maketrans(
    {
        "\u0623": "\u0627",  # alef with hamza above
        "\u0625": "\u0627",  # alef with hamza below
        "\u0622": "\u0627",  # alef with madda
        "\u0671": "\u0627",  # alef wasla
        "\u0649": "\u064a",  # alef maksura -> yeh
        "\u06cc": "\u064a",  # Farsi/Urdu yeh -> Arabic yeh
        "\u06a9": "\u0643",  # keheh -> kaf
        "\u0629": "\u0647",  # teh marbuta -> heh
        "\u06c1": "\u0647",  # heh goal -> heh
        "\u06c3": "\u0647",  # teh marbuta goal -> heh
        "\u06c0": "\u0647",  # heh with yeh above -> heh
    }
)
# Harakat, tanween, superscript alef, Quranic marks and tatweel carry no topic.
_ARABIC_MARKS = regex.compile(r"[\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u02bc": "'", "\u2018": "'", "`": "'"})

# A word is a letter or digit followed by letters, combining marks (Bengali vowel signs and
# virama, Devanagari matras ...) and digits, with inner apostrophes (don't, Somali la'aan).
# scikit-learn's default ``\w\w+`` would cut Bengali words at every vowel sign.
_WORD = regex.compile(r"\p{Han}+|[\p{L}\p{N}][\p{L}\p{M}\p{N}]*(?:'[\p{L}\p{M}]+)*")
_HAN = regex.compile(r"\p{Han}")
_DIGITS = regex.compile(r"\p{N}+")

_SCRIPTS = {
    "bengali": regex.compile(r"\p{Bengali}"),
    "arabic": regex.compile(r"\p{Arabic}"),
    "han": regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}]"),
    "latin": regex.compile(r"\p{Latin}"),
    "cyrillic": regex.compile(r"\p{Cyrillic}"),
    "ethiopic": regex.compile(r"\p{Ethiopic}"),
    "devanagari": regex.compile(r"\p{Devanagari}"),
}
_ASCII_LETTER = regex.compile(r"[A-Za-z]")
# Letters only found in Urdu (tteh, ddal, rreh, noon ghunna, yeh barree, gaf, do-chashmi
# heh): enough to tell Urdu from Arabic in a short answer.
_URDU_LETTERS = regex.compile(r"[\u0679\u0688\u0691\u06ba\u06d2\u06af\u06be\u06c1]")

# Names, ISO 639-1/639-3 codes and FLORES-style codes people put in a language column.
_LANGUAGE_NAMES = {
    "english": "en",
    "eng": "en",
    "bengali": "bn",
    "bangla": "bn",
    "ben": "bn",
    "sylheti": "bn",
    "syl": "bn",
    "somali": "so",
    "som": "so",
    "soomaali": "so",
    "urdu": "ur",
    "urd": "ur",
    "arabic": "ar",
    "ara": "ar",
    "arb": "ar",
    "turkish": "tr",
    "tur": "tr",
    "polish": "pl",
    "pol": "pl",
    "lithuanian": "lt",
    "lit": "lt",
    "chinese": "zh",
    "zho": "zh",
    "cmn": "zh",
    "mandarin": "zh",
    "cantonese": "zh",
    "spanish": "es",
    "spa": "es",
    "portuguese": "pt",
    "por": "pt",
    "french": "fr",
    "fra": "fr",
    "german": "de",
    "deu": "de",
    "italian": "it",
    "ita": "it",
    "romanian": "ro",
    "ron": "ro",
    "hausa": "ha",
    "hau": "ha",
    "swahili": "sw",
    "swa": "sw",
    "hindi": "hi",
    "hin": "hi",
    "russian": "ru",
    "rus": "ru",
    "persian": "fa",
    "farsi": "fa",
    "fas": "fa",
    "dutch": "nl",
    "nld": "nl",
    "yoruba": "yo",
    "yor": "yo",
    "gujarati": "gu",
    "guj": "gu",
    "punjabi": "pa",
    "pan": "pa",
    "tamil": "ta",
    "tam": "ta",
    "amharic": "am",
    "amh": "am",
    "tigrinya": "ti",
    "tir": "ti",
}
_SNOWBALL = {
    "en": "english",
    "tr": "turkish",
    "pl": "polish",
    "lt": "lithuanian",
    "ar": "arabic",
    "es": "spanish",
    "pt": "portuguese",
    "fr": "french",
    "de": "german",
    "it": "italian",
    "ro": "romanian",
    "nl": "dutch",
    "ru": "russian",
    "hi": "hindi",
    "fa": "persian",
    "id": "indonesian",
    "ta": "tamil",
    "sv": "swedish",
    "da": "danish",
    "fi": "finnish",
    "hu": "hungarian",
    "el": "greek",
    "ca": "catalan",
    "cs": "czech",
}
# Alphabets used to drop mis-decoded entries (ý, þ, ø ...) from stopwordsiso's lists.
_ALPHABETS = {
    "tr": set("abcçdefgğhıijklmnoöprsştuüvyzâîû'"),
    "lt": set("aąbcčdeęėfghiįyjklmnoprsštuųūvzž"),
}
# stopwordsiso's English list (1,298 words) is aggressive: it drops generic words (home,
# work, help, information, state ...) that blur topics, which measurably helps on the
# benchmarks. The concept lexicon still sees those words (concept tokens are taken before
# stop words are removed), so "home" and "work" still link answers about housing and jobs.
# Age words are kept because who is speaking matters in a survey.
_ENGLISH_KEEP = frozenset("young younger youngest old older elderly".split())
_ENGLISH_FUNCTION_WORDS = frozenset(
    """a about above after again against all also am an and any are aren't as at be because
    been before being below between both but by can can't cannot could couldn't did didn't do
    does doesn't doing don't dont down during each etc even ever every few for from further get
    gets got had hadn't has hasn't have haven't having he he'd he'll he's her here here's hers
    herself him himself his how how's however i i'd i'll i'm i've id ie if im in into is isn't
    it it's its itself ive just let's lot lots may me might more most much must mustn't my
    myself no nor not of off often on once one only or other ought our ours ourselves out over
    own per please quite rather really same shall shan't she she'd she'll she's should
    shouldn't so some something such than that that's the their theirs them themselves then
    there there's these they they'd they'll they're they've this those though through thus to
    too under until up upon us very via was wasn't we we'd we'll we're we've were weren't what
    what's when when's where where's whether which while who who's whom whose why why's will
    with within without won't would wouldn't yes yet you you'd you'll you're you've your yours
    yourself yourselves also like just think""".split()
)
# Somali's stopwordsiso list has only 30 words; these common function words are added.
_SOMALI_EXTRA = frozenset(
    """iyo waxaa waxay wuxuu waan wax aan ma maya haa la ah ahaa ahay ahayn in ee u uu ay
    ku ka la soo sii kale badan aad waa waxa oo ayaa ayay ayuu aniga adiga isaga iyada
    anaga annaga idinka iyaga kan kaas tan taas kuwa kuwan mid midka sidoo kale laakiin
    laakin haddii hadii markaan marka inay inuu in ay ii ina noo idin kala wuxu yahay tahay
    yihiin ahaa jira jirta jiraa karo kara doonaa ayaan ayey bay buu wuu way ama mise
    laga loo lagu lala loogu looga lagama kaga kugu kuugu noogu iska isu isugu isaga
    ahayd ahaayeen ahaan karaan karto kari karin karaa karta karay jiro jirto jireen
    leh leedahay leeyahay leeyihiin inta intaas halka halkaas kuwaas kuwii kii tii sida
    siday kasta dhamaan dhammaan waxaana waxayna wuxuuna ayaana markaas kadib kaddib
    ilaa iyadoo iyagoo isagoo ayagoo balse hadda weli wali mar markale""".split()
)
# Bengali function words the stop list lacks (postpositions and a past auxiliary).
_BENGALI_EXTRA = frozenset("সাথে সঙ্গে কারণে তুলনায় করেছিল হিসেবে হিসাবে নিয়ে দ্বারা যেমন".split())


# The Urdu list in stopwordsiso is largely mis-encoded; these common function words are
# added so that "not", "is", "of" and the like do not become theme keywords.
_URDU_EXTRA = frozenset(
    """کا کی کے ہے ہیں ہوں تھا تھی تھے نہیں نہ میں سے کو پر اور یا بھی یہ وہ ہم آپ مجھے
    ہمارا ہماری ہمارے میرا میری میرے بہت کچھ کوئی جب تک لیے لئے ساتھ ہو ہوتا ہوتی ہوتے
    کر کرنا کرتے کرتی کرتا گیا گئی جاتا جاتی جاتے رہا رہی رہے""".split()
)


def normalize_text(text: str) -> str:
    """NFKC, casefold, drop invisible characters and fold Arabic-script variants."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = text.translate(_INVISIBLE).translate(_APOSTROPHES)
    if _SCRIPTS["arabic"].search(text):
        text = _ARABIC_MARKS.sub("", text.translate(_ARABIC_MAP))
    return text


def normalize_language(language: str | None) -> str | None:
    """Map a language name or code (``'Bengali'``, ``'ben_Beng'``, ``'bn-BD'``) to ISO 639-1."""
    if not language or not language.strip():
        return None
    code = language.strip().casefold().replace("-", "_").split("_")[0]
    if len(code) == 2:
        return code
    return _LANGUAGE_NAMES.get(code, code)


def dominant_script(text: str) -> str:
    """Name of the script with most letters in ``text`` (``'other'`` when none is known)."""
    if text.isascii():  # most answers in Latin-script languages: one check, not seven
        return "latin" if _ASCII_LETTER.search(text) else "other"
    counts = {name: len(p.findall(text)) for name, p in _SCRIPTS.items()}
    best = max(counts, key=lambda name: counts[name])
    return best if counts[best] else "other"


@cache
def stopwords(language: str | None) -> frozenset[str]:
    """Cleaned, normalised stop words for an ISO 639-1 code (empty when none are known)."""
    if language == "en":
        words: Iterable[str] = (
            set(stopwordsiso.stopwords("en")) - _ENGLISH_KEEP
        ) | _ENGLISH_FUNCTION_WORDS
    elif language and stopwordsiso.has_lang(language):
        words = stopwordsiso.stopwords(language)
    else:
        words = ()
    alphabet = _ALPHABETS.get(language or "")
    cleaned = set()
    for word in words:
        if language == "ur" and _ARABIC_MARKS.search(word):
            continue  # the Urdu list's entries with tanween are mis-encoded words
        word = normalize_text(word)
        if alphabet is not None and not set(word) <= alphabet:
            continue
        cleaned.add(word)
    if language == "so":
        cleaned |= _SOMALI_EXTRA
    if language == "bn":
        cleaned |= {normalize_text(w) for w in _BENGALI_EXTRA}
    if language == "ur":
        cleaned |= {normalize_text(w) for w in _URDU_EXTRA}
    return frozenset(cleaned)


# Light suffix stripping for two languages without a Snowball stemmer that the survey meets
# often. Only unambiguous inflections are removed, so a miss leaves the word whole.
_SOMALI_SUFFIXES = sorted(
    {
        f"{c}{s}"
        for c in ("k", "t", "g", "h", "d")
        for s in ("aas", "ii", "an", "a", "u", "eeda", "eedii")
    }
    | {"yada", "yaha", "aha"},
    key=len,
    reverse=True,
)
_BENGALI_SUFFIXES = ("গুলোতে", "গুলোর", "গুলো", "গুলি", "দের", "য়ের", "েরা", "ের", "কে", "তে", "টা", "টি")
_BENGALI_VOWEL_SIGNS = set("\u09bf\u09c0\u09c1\u09c2\u09cb\u09cc")


def _stem_somali(word: str) -> str:
    for suffix in _SOMALI_SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            stem = word[: -len(suffix)]
            # xaafadda -> xaafad: the article doubles the stem's last consonant.
            if len(stem) >= 4 and stem[-1] == stem[-2] and stem[-1] not in "aeiou":
                stem = stem[:-1]
            return stem
    return word


def _stem_bengali(word: str) -> str:
    for suffix in _BENGALI_SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 2:
            return word[: -len(suffix)]
    # বাড়ির -> বাড়ি: genitive -র after a vowel sign other than -া (which ends many stems).
    if len(word) > 3 and word.endswith("র") and word[-2] in _BENGALI_VOWEL_SIGNS:
        return word[:-1]
    return word


@cache
def stemmer(language: str | None) -> Callable[[str], str]:
    """A function stemming one normalised word, or the identity when no stemmer exists."""
    if language == "so":
        return _stem_somali
    if language == "bn":
        return _stem_bengali
    name = _SNOWBALL.get(language or "")
    if name is None:
        return lambda word: word
    algorithm = snowballstemmer.stemmer(name)
    return lru_cache(maxsize=200_000)(algorithm.stemWord)


def words(text: str) -> list[str]:
    """Split normalised text into words; a run of Chinese characters stays one item."""
    return list(_WORD.findall(text))


@lru_cache(maxsize=4096)
def text_words(text: str) -> tuple[str, ...]:
    """``words(normalize_text(text))``, remembered: each answer is read by several steps
    (language guess, tokens, concepts, non-answer check) one after another."""
    return tuple(_WORD.findall(normalize_text(text)))


def tokenize(text: str, language: str | None = None) -> list[str]:
    """Normalise, split, drop stop words and numbers, and stem ``text`` in ``language``.

    Chinese runs become character bigrams (and single characters for one-character runs),
    since Chinese is written without spaces and most words are two characters long.
    """
    stops = stopwords(language)
    stem = stemmer(language)
    tokens: list[str] = []
    for word in text_words(text):
        if _HAN.match(word):
            if len(word) == 1:
                if word not in stops:
                    tokens.append(word)
            else:
                tokens.extend(word[i : i + 2] for i in range(len(word) - 1))
            continue
        if len(word) < 2 or word in stops or _DIGITS.fullmatch(word):
            continue
        tokens.append(stem(word))
    return tokens


def guess_language(text: str, fallback: str | None = None) -> str | None:
    """Guess an ISO 639-1 code from the script and, for Latin script, stop-word hits.

    Short answers carry little evidence, so ``fallback`` (say, the language most answers in
    the same script have) wins whenever no stop word decides.
    """
    script = dominant_script(text)
    if script == "bengali":
        return "bn"
    if script == "han":
        return "zh"
    if script == "arabic":
        return "ur" if _URDU_LETTERS.search(text) else "ar"
    if script == "devanagari":
        return "hi"
    if script == "cyrillic":
        return "ru"
    if script == "ethiopic":
        # Amharic is the survey's likeliest Ethiopic-script language; the guess groups the
        # answers for the engine (an Amharic answer is never the collection's English).
        return "am"
    if script != "latin":
        return fallback
    tokens = text_words(text)
    scores = _function_word_hits(tokens)
    (best, hits), (_, runner_up) = scores.most_common(2)
    if fallback is None:
        return best if hits else None
    # Names and loanwords ("de la", "la casa") give a stray hit or two in any language, so
    # leave the collection's language only on clear evidence, for one language above all:
    # two different words of it at least (a name or web address said three times, "mit"
    # or "com", German's and Portuguese's "with", is one piece of evidence, not three).
    clear = hits >= 2 and hits > runner_up and hits >= 0.2 * len(tokens)
    if clear and hits >= 2 * scores[fallback] + 1 and _function_word_hits(set(tokens))[best] >= 2:
        return best
    return fallback


def guess_latin_collection(texts: Iterable[str]) -> str:
    """The language of a collection of Latin-script answers, from all their function words.

    Falls back to English when no language has function words in at least 3% of the words
    (texts with stop words already removed, or lists of names), since English is the
    survey's lingua franca and the most likely Latin-script language here.
    """
    tokens = [w for t in texts for w in text_words(t)]
    if not tokens:
        return "en"
    hits = _function_word_hits(tokens)
    (best, top), *rest = hits.most_common(2)
    second = rest[0][1] if rest else 0
    if top >= 0.03 * len(tokens) and top >= 1.5 * second:
        return best
    return "en"


_LATIN_GUESSES = tuple("en so tr pl es pt fr de it ro lt sw ha yo".split())
# Letters that, of the languages above, only one writes: a word holding one counts for it
# as a function word does. Short Turkish and Polish sentences often have no function word
# on the lists ("Şehirdeki turistlerin sayısı arttı") but nearly always one of these.
# Left out as shared: ş (Turkish, Romanian), ą ę (Polish, Lithuanian), ń (Polish, Yoruba
# tone marks), ọ (Yoruba, Igbo: it made 340 of 1,940 Igbo headlines look Yoruba, and the
# collection several languages), ç, ó, é and the like.
_OWN_LETTERS = {
    "tr": "ığ",
    "pl": "łśźżć",
    "ro": "ășț",
    "pt": "ãõ",
    "es": "ñ",
    "de": "ß",
    "lt": "ėįųū",
    "yo": "ẹṣ",
    "ha": "ɓɗƙ",
}
_OWN_LETTER = regex.compile("[" + "".join(_OWN_LETTERS.values()) + "]")
_LANGUAGE_OF_LETTER = {ch: language for language, chs in _OWN_LETTERS.items() for ch in chs}


def _function_word_hits(tokens: Iterable[str]) -> Counter[str]:
    """How many of ``tokens`` are function words of each guessable language, or hold a
    letter only that language writes (``_OWN_LETTERS``).

    Every language is counted (0 included) in the order of ``_LATIN_GUESSES``, which breaks
    ties the same way every time.
    """
    hits: Counter[str] = Counter(dict.fromkeys(_LATIN_GUESSES, 0))
    languages_of = _function_word_languages()
    for token in tokens:
        languages = languages_of.get(token, ())
        for language in languages:
            hits[language] += 1
        letter = None if token.isascii() else _OWN_LETTER.search(token)
        if letter and (own := _LANGUAGE_OF_LETTER[letter.group()]) not in languages:
            hits[own] += 1  # once a word: a function word holding the letter counted above
    return hits


@cache
def _function_word_languages() -> dict[str, tuple[str, ...]]:
    # One look-up per word instead of one per word and language: guessing the language of
    # 100,000 answers took 6 s of a themes run.
    index: dict[str, list[str]] = {}
    for language in _LATIN_GUESSES:
        for word in _function_words(language):
            index.setdefault(word, []).append(language)
    return {word: tuple(languages) for word, languages in index.items()}


@cache
def _function_words(language: str) -> frozenset[str]:
    # English counts only its own function words here: the full stop-word list also holds
    # every two-letter country code ("de", "la", "na"), which made French, Polish and Somali
    # answers look English. Words that are function words in another language and in
    # English (so, a, in, me ...) would make every English answer look Somali or Italian;
    # they count for English alone.
    if language == "en":
        words_ = _ENGLISH_FUNCTION_WORDS
    else:
        words_ = stopwords(language) - _ENGLISH_FUNCTION_WORDS
    return frozenset(w for w in words_ if len(w) > 1)
