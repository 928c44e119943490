"""Text handling per script and language, non-answers, metrics and quotes."""

from __future__ import annotations

import numpy as np
import pytest

from analysis.concepts import concept_tokens
from analysis.labels import surface_terms
from analysis.metrics import accuracy, ari, nmi, scores
from analysis.nonanswers import is_non_answer
from analysis.quotes import pick_quotes
from analysis.text import (
    dominant_script,
    guess_language,
    guess_latin_collection,
    normalize_language,
    normalize_text,
    stopwords,
    tokenize,
    words,
)


def test_bengali_words_keep_their_vowel_signs_and_virama():
    # scikit-learn's \w\w+ splits these at the vowel signs.
    text = "ডাক্তারের অ্যাপয়েন্টমেন্ট পাওয়া যায় না"
    split = words(normalize_text(text))
    assert len(split) == 5
    assert "ডাক্তারের" in split
    assert "\u09cd" in split[0]  # the virama stays inside the word


def test_bengali_tokens_drop_stop_words_and_light_suffixes():
    assert tokenize("আমার বাড়ির ভাড়া", "bn") == ["বাড়ি", "ভাড়া"]
    assert tokenize("ডাক্তারের", "bn") == tokenize("ডাক্তার", "bn")


def test_somali_and_bengali_grammatical_words_are_not_label_words():
    # Labels on Somali answers once read "laga / loo / lagu": grammatical words the stop
    # lists lacked. They are gone from tokens and from the words labels are made of.
    somali = "Dadka waxaa laga qaaday guryaha, loo dhisay lagu noolaan karaan"
    assert not {"laga", "loo", "lagu", "karaan"} & set(surface_terms(somali, "so"))
    assert "dadka" in surface_terms(somali, "so")
    bengali = "বন্ধুদের সাথে পার্কে যাই, বৃষ্টির কারণে বন্ধ"
    terms = set(surface_terms(bengali, "bn"))
    assert not {normalize_text("সাথে"), normalize_text("কারণে")} & terms
    assert normalize_text("পার্কে") in terms


def test_arabic_script_variants_are_folded():
    plain = normalize_text("اسلام")
    assert normalize_text("إسلام") == plain
    assert normalize_text("أسلام") == plain
    assert normalize_text("اســــلام") == plain  # tatweel
    assert normalize_text("اِسْلَام") == plain  # harakat
    assert normalize_text("کتاب") == normalize_text("كتاب")  # keheh / kaf
    assert normalize_text("یہ") == normalize_text("يه")  # Farsi yeh, heh goal


def test_urdu_tokens_lose_stop_words():
    tokens = tokenize("ڈاکٹر کی اپائنٹمنٹ نہیں ملتی", "ur")
    assert normalize_text("ڈاکٹر") in tokens
    assert normalize_text("کی") not in tokens


def test_chinese_is_split_into_character_bigrams():
    assert tokenize("公园", "zh") == ["公园"]
    assert tokenize("需要公园", "zh") == ["需要", "要公", "公园"]


def test_latin_text_is_casefolded_stemmed_and_stop_words_removed():
    assert tokenize("The Appointments", "en") == ["appoint"]
    assert tokenize("Mieszkania są drogie", "pl")[0].startswith("mieszka")
    assert tokenize("Kiralar çok pahalı", "tr")[0].startswith("kira")
    assert tokenize("Guriga", "so") == ["guri"]


def test_numbers_and_single_letters_are_not_tokens():
    assert tokenize("3 x 2024 rent", "en") == ["rent"]


@pytest.mark.parametrize("language", ["tr", "lt", "ur"])
def test_garbled_stop_words_are_cleaned(language):
    stops = stopwords(language)
    assert stops
    if language == "tr":
        assert not any(set(w) & set("ýþðţ") for w in stops)
        assert "ve" in stops
    if language == "lt":
        assert not any("ø" in w or "à" in w for w in stops)
    if language == "ur":
        assert not any("\u064b" in w for w in stops)


def test_english_stop_words_keep_age_words_and_concepts_still_see_stop_words():
    stops = stopwords("en")
    assert {"the", "and", "because", "home", "work"} <= stops
    assert not {"young", "old", "older"} & stops
    # A stop word can still carry a concept across languages.
    assert concept_tokens("home", "en") == ["\u27e8housing\u27e9"]


def test_language_names_and_codes():
    assert normalize_language("Bengali") == "bn"
    assert normalize_language("ben_Beng") == "bn"
    assert normalize_language("bn-BD") == "bn"
    assert normalize_language("Soomaali") == "so"
    assert normalize_language("") is None


def test_guessing_a_language():
    assert guess_language("আমার বাড়ি") == "bn"
    assert guess_language("میرا گھر چھوٹا ہے") == "ur"
    assert guess_language("بيتي صغير") == "ar"
    assert guess_language("Guriga waa yar yahay iyo kirada waa qaali") == "so"
    assert guess_language("de la", fallback="en") == "en"  # a stray hit is not evidence
    assert guess_latin_collection(["bank loan interest rates", "football league cup"]) == "en"


def assert_guessed_in_english_collection(said: dict[str, str]) -> None:
    for language, text in said.items():
        assert guess_language(text, fallback="en") == language, text


def test_answers_in_a_mostly_english_collection_keep_their_own_language():
    """English's full stop-word list holds every two-letter country code ("de", "la", "na",
    "do"), which made Polish, French and Somali answers look English: each language would
    then be centred with the English answers and themed apart from them."""
    said = {
        "pl": "W parku nie ma miejsca do zabawy dla dzieci",
        "fr": "Le loyer est trop cher pour nous et les enfants",
        "yo": "Owó ilé ti pọ̀ jù fún wa, a kò lè san án",
        "so": "Kirada guriga aad bay u qaali tahay oo ma awoodno",
        "tr": "Kiralar çok yüksek ve ev sahibi hiçbir şeyi tamir etmiyor",
        "am": "ኪራዩ በጣም ውድ ነው",
    }
    assert_guessed_in_english_collection(said)
    # A name with a few foreign words in an English answer is still English.
    assert guess_language("Casa de la Musica is closed", fallback="en") == "en"


def test_a_word_said_again_and_again_is_one_piece_of_evidence():
    """Web snippets with their stop words stripped ("mit" three times: German's "with";
    "com": Portuguese's) made 51 of 12,340 English snippets look German, French or
    Portuguese, and the collection mixed: leaving the collection's language takes two
    different function words at least."""
    assert guess_language("mit edu stocks stockmaster mit mit service", fallback="en") == "en"
    assert guess_language("pcdrivers com welcome pcdrivers com drivers com", fallback="en") == "en"
    assert_guessed_in_english_collection(
        {"de": "Die Miete ist zu hoch und die Wohnung ist zu klein"}
    )


def test_a_letter_yoruba_shares_with_igbo_is_no_evidence_of_yoruba():
    """Igbo writes ọ as Yoruba does: counted as Yoruba's own letter, it made 340 of 1,940
    Igbo headlines look Yoruba, and the collection several languages."""
    igbo = "Ọgba mbọ: Onye ọkaiwu na-ere ọkpa"
    assert guess_language(igbo, fallback="en") == "en"
    assert guess_language("Ẹ ṣeun fún iranlọwọ yín", fallback="en") == "yo"


def test_letters_only_one_language_writes_count_as_evidence():
    """Short Turkish and Polish answers often hold no function word on the lists, but
    nearly always a letter only their language writes (ı ğ; ł ś ź ż ć)."""
    said = {
        "tr": "Şehirdeki turistlerin sayısı arttı",
        "pl": "Liczba turystów w mieście znacznie wzrosła",
        "ha": "Ƙungiyar ta ɗauki matakin ɓata lokaci",
    }
    assert_guessed_in_english_collection(said)
    # One such word in an English answer (a place, a name) is not enough.
    assert guess_language("The market in Kadıköy is near the bus stop", fallback="en") == "en"
    assert guess_language("Mr Łukasz from the council never called back", fallback="en") == "en"


def test_concept_tokens_bridge_languages():
    housing = "\u27e8housing\u27e9"
    for text, language in (
        ("high rent", "en"),
        ("বাড়ি ভাড়া", "bn"),
        ("Kirada guriga", "so"),
        ("گھر کا کرایہ", "ur"),
        ("Ev kirası", "tr"),
    ):
        assert housing in concept_tokens(text, language), text
    assert concept_tokens("training course", "en") == []  # English words match exactly only


def test_a_concept_matches_only_in_its_own_language():
    # "bin" is a thousand in Turkish, "park" a car park in Polish too; neither is rubbish
    # or a park to an English list, and no list answers for a language it does not have.
    assert concept_tokens("Kira bin lira oldu", "tr") == ["\u27e8housing\u27e9"]
    assert concept_tokens("the bin is full", "en") == ["\u27e8rubbish\u27e9"]
    assert concept_tokens("bin", "tr") == []
    assert concept_tokens("ev", "en") == []
    assert concept_tokens("home", None) == []
    assert concept_tokens("home", "xx") == []


@pytest.mark.parametrize(
    "text",
    [
        "Don't know",
        "dont know!",
        "Nothing really",
        "No comment.",
        "N/A",
        "-",
        "",
        "জানি না",
        "Ma garanayo",
        "کچھ نہیں",
        "لا أعرف",
        "bilmiyorum",
        "Nie wiem",
        "不知道",
    ],
)
def test_non_answers(text):
    assert is_non_answer(text)


@pytest.mark.parametrize(
    "text", ["Nothing works in this area", "I don't know where to get help with rent", "No parks"]
)
def test_answers_that_start_like_non_answers_are_answers(text):
    assert not is_non_answer(text)


def test_metrics_match_labels_one_to_one():
    truth = ["a", "a", "b", "b", "c", "c"]
    assert accuracy(truth, [2, 2, 0, 0, 1, 1]) == 1.0
    assert nmi(truth, [2, 2, 0, 0, 1, 1]) == pytest.approx(1.0)
    assert ari(truth, [2, 2, 0, 0, 1, 1]) == pytest.approx(1.0)
    assert accuracy(truth, [0, 0, 0, 0, 1, 1]) == pytest.approx(4 / 6)
    assert accuracy(truth, [0, 1, 2, 3, 4, 5]) == pytest.approx(3 / 6)
    assert set(scores(truth, [0] * 6)) == {"nmi", "ari", "accuracy"}


def test_quotes_are_central_and_different():
    rng = np.random.default_rng(0)
    centre = np.array([1.0, 0.0, 0.0])
    base = np.array([[1.0, 0.0, 0.0]] * 4 + [[0.9, 0.43, 0.0], [0.9, 0.0, 0.43], [0.0, 0.0, 1.0]])
    vectors = base + rng.normal(0, 1e-4, base.shape)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    chosen = pick_quotes(vectors, list(range(7)), centre, n_quotes=3)
    assert chosen[0] in range(4)
    assert len([c for c in chosen if c < 4]) == 1  # near-duplicates are not repeated
    assert set(chosen[1:]) == {4, 5}
    muted = pick_quotes(vectors, list(range(7)), centre, quotable=[False] * 4 + [True] * 3)
    assert set(muted) <= {4, 5, 6}


def test_the_same_words_in_another_language_are_another_voice():
    """A Bengali answer whose gloss says what an English answer says is embedded almost
    the same; it is still quoted beside it, while a repeat in one language is not."""
    centre = np.array([1.0, 0.0, 0.0])
    vectors = np.array([[1.0, 0.0, 0.0], [0.999, 0.04, 0.0], [0.999, 0.0, 0.04], [0.8, 0.6, 0]])
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    chosen = pick_quotes(vectors, range(4), centre, n_quotes=3, languages=["en", "bn", "en", "en"])
    assert chosen[:2] == [0, 1] and 2 not in chosen


def test_character_ngrams_join_the_words_once_there_are_200_answers():
    from analysis.vectorize import ResponseVectorizer, prepare

    somali = [prepare(f"Guriga {i} kirada waa qaali iyo xaafadda", "so", None) for i in range(250)]
    english = [prepare(f"The rent {i} is far too high", "en", None) for i in range(250)]
    assert ResponseVectorizer().fit(somali).char_weight_ == 1.0
    assert ResponseVectorizer().fit(english).char_weight_ == 1.0
    assert ResponseVectorizer().fit(somali[:40]).char_weight_ == 0.0  # too few to help
    assert ResponseVectorizer(char_weight=0.5).fit(english).char_weight_ == 0.5
    assert ResponseVectorizer(char_weight=0).fit(english).chars_ is None


def test_what_every_answer_shares_is_taken_out_before_grouping():
    """A word in every answer must not make answers on different topics look alike."""
    from analysis.vectorize import CENTRE_ALL_FROM, Document, ResponseVectorizer, prepare

    half = CENTRE_ALL_FROM // 2
    housing = [f"council housing rent repairs damp flat {i}" for i in range(half)]
    parks = [f"council parks green trees play benches {i}" for i in range(half)]
    docs = [prepare(t, "en", None) for t in housing + parks]

    def across(center: bool, n: int = half) -> float:
        picked = docs[:n] + docs[half : half + n]
        _, z = ResponseVectorizer(center_languages=center).fit_transform(picked)
        return float(z[:n].mean(axis=0) @ z[n:].mean(axis=0))

    assert across(center=False) > 0.1  # "council" links them
    assert across(center=True) < -0.5
    # A few dozen answers in one language are left as they are.
    assert across(center=True, n=20) == pytest.approx(across(center=False, n=20))
    # An answer in a language with too few answers of its own is centred by the mean of all.
    vectorizer = ResponseVectorizer().fit(docs)
    english = docs[0]
    somali = Document(english.text, "so", "so", list(english.tokens))
    _, alone = vectorizer.transform([somali])
    _, same = vectorizer.transform([english])
    assert np.allclose(alone, same)


def test_answers_in_plain_ascii_are_latin_only_when_they_have_letters():
    assert dominant_script("rent too high") == "latin"
    assert dominant_script("12 / 10 !!") == "other"
    assert dominant_script("") == "other"
    assert dominant_script("ok বাড়ি ভাড়া") == "bengali"


def test_function_words_are_counted_for_every_language_they_belong_to():
    """The word-to-languages index counts exactly what checking each language's list does,
    words shared by several languages (Spanish and Portuguese "para", "que") included."""
    from analysis.text import _LATIN_GUESSES, _function_word_hits, _function_words

    tokens = ["para", "que", "los", "não", "the", "waxaa", "ve", "nie", "para", "rent"]
    expected = {lang: sum(t in _function_words(lang) for t in tokens) for lang in _LATIN_GUESSES}
    assert dict(_function_word_hits(tokens)) == expected
    assert sum(expected[lang] > 0 for lang in _LATIN_GUESSES) >= 5
