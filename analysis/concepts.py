"""A small lexicon of everyday community concerns, word lists kept per language.

Without a gloss, a Somali answer about ``guriga`` and an English one about ``housing`` share
no word, so a lexical method would group answers by language. This lexicon maps common words
for the concerns residents raise (housing, GP appointments, safety, parks ...) in the survey's
languages to one shared concept token, which is added beside the answer's own words. It is a
bridge, not a classifier: the theme is still decided by all of an answer's words, and a
concept never names a theme (labels come from the answers' own words and glosses).

A word matches only the list of its answer's own language: the Turkish ``bin`` (thousand) is
not the English ``bin``. Entries are normalised like the text itself. A word matches an entry
exactly, or, for the non-English entries of at least four letters, by prefix, which covers
inflections (Somali ``guryaha``, Turkish ``kirası``, Polish ``mieszkaniach``).
"""

from __future__ import annotations

from functools import cache, lru_cache

from analysis.text import normalize_text, text_words, words

# concept -> {language: words}; one entry per language the lexicon knows for it.
_LEXICON: dict[str, dict[str, str]] = {
    "housing": {
        "en": """housing house houses home homes flat flats rent rents landlord landlords
            overcrowded overcrowding damp mould mold council tenancy tenant tenants evicted
            eviction homeless homelessness accommodation""",
        "bn": "বাড়ি বাড়ির বাড়িতে বাসা বাসার ঘর ঘরে ভাড়া বাড়িওয়ালা স্যাঁতসেঁতে",
        "so": "guri guriga guryaha guryo kiro kirada kirayso aqal hoy",
        "ur": "گھر مکان کرایہ کرائے فلیٹ رہائش",
        "ar": "منزل بيت سكن ايجار شقه",
        "tr": "ev evi evler konut kira daire",
        "pl": "mieszkanie mieszkania mieszkaniu dom czynsz",
        "es": "vivienda casa alquiler",
        "pt": "moradia casa aluguel",
    },
    "doctor": {
        "en": """doctor doctors gp gps appointment appointments surgery nurse nurses clinic
            prescription receptionist""",
        "bn": "ডাক্তার ডাক্তারের ডাক্তারকে অ্যাপয়েন্টমেন্ট এপয়েন্টমেন্ট জিপি",
        "so": "dhakhtar dhakhtarka dhakhaatiir ballan ballanta kalkaaliso",
        "ur": "ڈاکٹر اپائنٹمنٹ اپوائنٹمنٹ",
        "ar": "طبيب دكتور موعد عياده",
        "tr": "doktor randevu",
        "pl": "lekarz lekarza wizyta wizyty przychodnia",
        "es": "médico medico cita consulta",
        "pt": "médico medico consulta",
    },
    "hospital": {
        "en": "hospital hospitals ambulance",
        "bn": "হাসপাতাল হাসপাতালে",
        "so": "isbitaal isbitaalka cisbitaal cisbitaalka",
        "ur": "ہسپتال اسپتال",
        "ar": "مستشفى",
        "tr": "hastane hastaneye",
        "pl": "szpital szpitala",
        "es": "hospital",
        "pt": "hospital",
    },
    "safety": {
        "en": """safe safety unsafe crime crimes knife knives stabbing stabbings police gang
            gangs violence violent robbery robbed mugged mugging burglary attacked scared
            afraid drugs dealing dealers antisocial asb""",
        "bn": "নিরাপদ নিরাপত্তা অপরাধ ছুরি পুলিশ মাদক ডাকাতি ভয়",
        "so": """ammaan nabadgelyo dambi dambiyada mindi mindiyo booliis booliska daroogo
            tuugo cabsi""",
        "ur": "محفوظ حفاظت جرم جرائم چاقو پولیس منشیات ڈر",
        "ar": "امن امان جريمه سكين شرطه مخدرات",
        "tr": "güvenli güvenlik suç bıçak polis uyuşturucu",
        "pl": """bezpieczny bezpiecznie bezpieczeństwo przestępczość nóż noże policja
            narkotyki""",
        "es": "seguridad seguro crimen cuchillo policía",
        "pt": "segurança seguro crime polícia",
    },
    "parks": {
        "en": "park parks playground playgrounds garden gardens green space trees grass",
        "bn": "পার্ক খেলার মাঠ বাগান",
        "so": "beerta jardiin jardiinka",
        "ur": "پارک باغ",
        "ar": "حديقه حدائق",
        "tr": "park parkı parklar bahçe",
        "pl": "park parku parki ogród",
        "es": "parque parques",
        "pt": "parque parques",
    },
    "rubbish": {
        "en": """rubbish litter bins bin fly tipping flytipping dirty dirt clean cleaner
            cleaning waste rats""",
        "bn": "ময়লা আবর্জনা নোংরা পরিষ্কার",
        "so": "qashin qashinka wasakh nadiif",
        "ur": "کچرا کوڑا گندگی صفائی",
        "ar": "قمامه نفايات نظافه",
        "tr": "çöp kirli temiz",
        "pl": "śmieci brud czysto",
        "es": "basura limpieza",
        "pt": "lixo limpeza",
    },
    "school": {
        "en": "school schools education teacher teachers college university",
        "bn": "স্কুল শিক্ষা শিক্ষক",
        "so": "dugsi dugsiga iskuul iskuulka waxbarasho macallin",
        "ur": "اسکول سکول تعلیم استاد",
        "ar": "مدرسه تعليم معلم",
        "tr": "okul eğitim öğretmen",
        "pl": "szkoła szkoły edukacja nauczyciel",
        "es": "escuela educación",
        "pt": "escola educação",
    },
    "transport": {
        "en": "bus buses transport train trains tube station traffic roads parking",
        "bn": "বাস যাতায়াত ট্রেন রাস্তা",
        "so": "bas baska gaadiid tareen waddo",
        "ur": "بس ٹرین سڑک ٹریفک",
        "ar": "حافله مواصلات قطار",
        "tr": "otobüs ulaşım tren trafik",
        "pl": "autobus transport pociąg",
        "es": "autobús transporte",
        "pt": "ônibus transporte",
    },
    "money": {
        "en": """money cost costs bills bill expensive afford prices price poverty benefits
            wages income debt""",
        "bn": "টাকা খরচ দাম বিল",
        "so": "lacag lacagta qiimaha biilasha",
        "ur": "پیسے پیسہ مہنگائی بل",
        "ar": "مال فلوس اسعار غلاء",
        "tr": "pahalı fatura fiyat",
        "pl": "pieniądze drogo rachunki ceny",
        "es": "dinero caro",
        "pt": "dinheiro caro",
    },
    "jobs": {
        "en": "job jobs work employment unemployed unemployment",
        "bn": "চাকরি কাজ বেকার",
        "so": "shaqo shaqada",
        "ur": "نوکری ملازمت روزگار کام",
        "ar": "عمل وظيفه بطاله",
        "tr": "iş işsiz",
        "pl": "praca pracy bezrobocie",
        "es": "trabajo empleo",
        "pt": "trabalho emprego",
    },
    "youth": {
        "en": "youth young kids children child teenagers teens youngsters",
        "bn": "যুবক তরুণ বাচ্চা শিশু ছেলেমেয়ে",
        "so": "dhalinyaro dhallinyarada carruur carruurta ilmo",
        "ur": "نوجوان بچے بچوں",
        "ar": "شباب اطفال",
        "tr": "gençler çocuklar",
        "pl": "młodzież dzieci",
        "es": "jóvenes niños",
        "pt": "jovens crianças",
    },
    "lonely": {
        "en": "lonely loneliness isolated isolation alone friends neighbours community",
        "bn": "একাকী একা প্রতিবেশী",
        "so": "kalinimo keli deris bulsho bulshada",
        "ur": "تنہائی اکیلا اکیلے پڑوسی",
        "ar": "وحده جيران",
        "tr": "yalnız yalnızlık komşu",
        "pl": "samotność samotny sąsiedzi",
        "es": "soledad vecinos",
        "pt": "solidão vizinhos",
    },
    "pollution": {
        "en": "pollution air polluted fumes noise noisy",
        "bn": "দূষণ বাতাস শব্দ",
        "so": "wasakhowga hawada buuq",
        "ur": "آلودگی ہوا شور",
        "ar": "تلوث هواء ضجيج",
        "tr": "kirlilik hava gürültü",
        "pl": "zanieczyszczenie powietrze hałas",
        "es": "contaminación ruido",
        "pt": "poluição ruído barulho",
    },
    "mental_health": {
        "en": "depression anxiety stress stressed mental",
        "bn": "মানসিক বিষণ্ণতা দুশ্চিন্তা",
        "so": "walwal niyad",
        "ur": "ذہنی ڈپریشن پریشانی",
        "ar": "اكتئاب قلق نفسيه",
        "tr": "depresyon stres",
        "pl": "depresja stres",
        "es": "ansiedad estrés",
        "pt": "ansiedade estresse",
    },
    "language": {
        "en": "english interpreter interpreters translation language",
        "bn": "ইংরেজি দোভাষী ভাষা",
        "so": "ingiriis turjubaan luqad luqadda",
        "ur": "انگریزی مترجم زبان",
        "ar": "مترجم لغه انجليزي",
        "tr": "tercüman dil ingilizce",
        "pl": "tłumacz język angielski",
        "es": "intérprete idioma",
        "pt": "intérprete idioma",
    },
}


Table = tuple[dict[str, str], dict[str, list[tuple[str, str]]]]


@cache
def _tables(language: str) -> Table:
    """Exact words and prefixes of one language's lists."""
    exact: dict[str, str] = {}
    prefixes: list[tuple[str, str]] = []
    for concept, by_language in _LEXICON.items():
        for word in words(normalize_text(by_language.get(language, ""))):
            exact.setdefault(word, concept)
            # English words match exactly only: as prefixes they catch too much
            # (train/training).
            if language != "en" and len(word) >= 4:
                prefixes.append((word, concept))
    # Longest prefixes first so "parkı" is not taken for a shorter unrelated entry; indexed
    # by their first four letters so a lookup scans a handful, not the whole lexicon.
    prefixes.sort(key=lambda item: len(item[0]), reverse=True)
    by_start: dict[str, list[tuple[str, str]]] = {}
    for prefix, concept in prefixes:
        by_start.setdefault(prefix[:4], []).append((prefix, concept))
    return exact, by_start


def languages() -> frozenset[str]:
    """The languages the lexicon has word lists for (ISO 639-1)."""
    return frozenset(code for by_language in _LEXICON.values() for code in by_language)


@lru_cache(maxsize=200_000)
def concept_of(word: str, language: str | None) -> str | None:
    """The concept a normalised word of ``language`` belongs to, or None.

    A language the lexicon has no list for (or None) matches nothing: a guess across
    languages is how a Turkish "bin" became rubbish.
    """
    if language is None or language not in languages():
        return None
    exact, prefixes = _tables(language)
    if word in exact:
        return exact[word]
    if len(word) >= 5:
        for prefix, concept in prefixes.get(word[:4], ()):
            if word.startswith(prefix) and len(word) - len(prefix) <= 4:
                return concept
    return None


def is_concept_token(token: str) -> bool:
    """Whether ``token`` is one :func:`concept_tokens` made, not a word of the answer."""
    return token.startswith("\u27e8") and token.endswith("\u27e9")


def concept_tokens(text: str, language: str | None) -> list[str]:
    """Concept tokens (``'⟨housing⟩'``) for the words of ``text`` in ``language``."""
    found = []
    for word in text_words(text):
        concept = concept_of(word, language)
        if concept is not None:
            found.append(f"\u27e8{concept}\u27e9")
    return found
