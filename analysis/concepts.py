"""A small cross-language lexicon of everyday community concerns.

Without a gloss, a Somali answer about ``guriga`` and an English one about ``housing`` share
no word, so a lexical method would group answers by language. This lexicon maps common words
for the concerns residents raise (housing, GP appointments, safety, parks ...) in the survey's
languages to one shared concept token, which is added beside the answer's own words. It is a
bridge, not a classifier: the theme is still decided by all of an answer's words.

Entries are normalised like the text itself. A word matches an entry exactly, or, for the
non-English entries of at least four letters, by prefix, which covers inflections (Somali
``guryaha``, Turkish ``kirası``, Polish ``mieszkaniach``).
"""

from __future__ import annotations

from functools import lru_cache

from analysis.text import normalize_text, text_words, words

# concept -> words in English, Bengali, Somali, Urdu, Arabic, Turkish, Polish, Spanish,
# Portuguese (one string per concept, space separated; inflected forms where prefixes miss).
_LEXICON: dict[str, str] = {
    "housing": """housing house houses home homes flat flats rent rents landlord landlords
        overcrowded overcrowding damp mould mold council tenancy tenant tenants evicted eviction
        homeless homelessness accommodation |
        বাড়ি বাড়ির বাড়িতে বাসা বাসার ঘর ঘরে ভাড়া বাড়িওয়ালা স্যাঁতসেঁতে
        guri guriga guryaha guryo kiro kirada kirayso aqal hoy
        گھر مکان کرایہ کرائے فلیٹ رہائش
        منزل بيت سكن ايجار شقه
        ev evi evler konut kira daire
        mieszkanie mieszkania mieszkaniu dom czynsz
        vivienda casa alquiler moradia aluguel""",
    "doctor": """doctor doctors gp gps appointment appointments surgery nurse nurses clinic
        prescription receptionist |
        ডাক্তার ডাক্তারের ডাক্তারকে অ্যাপয়েন্টমেন্ট এপয়েন্টমেন্ট জিপি
        dhakhtar dhakhtarka dhakhaatiir ballan ballanta kalkaaliso
        ڈاکٹر اپائنٹمنٹ اپوائنٹمنٹ
        طبيب دكتور موعد عياده
        doktor randevu
        lekarz lekarza wizyta wizyty przychodnia
        médico medico cita consulta""",
    "hospital": """hospital hospitals ambulance |
        হাসপাতাল হাসপাতালে
        isbitaal isbitaalka cisbitaal cisbitaalka
        ہسپتال اسپتال
        مستشفى
        hastane hastaneye
        szpital szpitala""",
    "safety": """safe safety unsafe crime crimes knife knives stabbing stabbings police gang gangs
        violence violent robbery robbed mugged mugging burglary attacked scared afraid
        drugs dealing dealers antisocial asb |
        নিরাপদ নিরাপত্তা অপরাধ ছুরি পুলিশ মাদক ডাকাতি ভয়
        ammaan nabadgelyo dambi dambiyada mindi mindiyo booliis booliska daroogo tuugo
        cabsi
        محفوظ حفاظت جرم جرائم چاقو پولیس منشیات ڈر
        امن امان جريمه سكين شرطه مخدرات
        güvenli güvenlik suç bıçak polis uyuşturucu
        bezpieczny bezpiecznie bezpieczeństwo przestępczość nóż noże policja narkotyki
        seguridad seguro crimen cuchillo policía segurança""",
    "parks": """park parks playground playgrounds garden gardens green space trees grass |
        পার্ক খেলার মাঠ বাগান
        beerta jardiin jardiinka
        پارک باغ
        حديقه حدائق
        park parkı parklar bahçe
        park parku parki ogród
        parque parques""",
    "rubbish": """rubbish litter bins bin fly tipping flytipping dirty dirt clean cleaner
        cleaning waste rats |
        ময়লা আবর্জনা নোংরা পরিষ্কার
        qashin qashinka wasakh nadiif
        کچرا کوڑا گندگی صفائی
        قمامه نفايات نظافه
        çöp kirli temiz
        śmieci brud czysto
        basura limpieza lixo""",
    "school": """school schools education teacher teachers college university |
        স্কুল শিক্ষা শিক্ষক
        dugsi dugsiga iskuul iskuulka waxbarasho macallin
        اسکول سکول تعلیم استاد
        مدرسه تعليم معلم
        okul eğitim öğretmen
        szkoła szkoły edukacja nauczyciel
        escuela educación escola""",
    "transport": """bus buses transport train trains tube station traffic roads parking |
        বাস যাতায়াত ট্রেন রাস্তা
        bas baska gaadiid tareen waddo
        بس ٹرین سڑک ٹریفک
        حافله مواصلات قطار
        otobüs ulaşım tren trafik
        autobus transport pociąg
        autobús transporte""",
    "money": """money cost costs bills bill expensive afford prices price poverty benefits
        wages income debt |
        টাকা খরচ দাম বিল
        lacag lacagta qiimaha biilasha
        پیسے پیسہ مہنگائی بل
        مال فلوس اسعار غلاء
        pahalı fatura fiyat
        pieniądze drogo rachunki ceny
        dinero caro dinheiro""",
    "jobs": """job jobs work employment unemployed unemployment |
        চাকরি কাজ বেকার
        shaqo shaqada shaqo la'aan
        نوکری ملازمت روزگار کام
        عمل وظيفه بطاله
        iş işsiz
        praca pracy bezrobocie
        trabajo empleo emprego""",
    "youth": """youth young kids children child teenagers teens youngsters |
        যুবক তরুণ বাচ্চা শিশু ছেলেমেয়ে
        dhalinyaro dhallinyarada carruur carruurta ilmo
        نوجوان بچے بچوں
        شباب اطفال
        gençler çocuklar
        młodzież dzieci
        jóvenes niños crianças""",
    "lonely": """lonely loneliness isolated isolation alone friends neighbours community |
        একাকী একা প্রতিবেশী
        kalinimo keli deris bulsho bulshada
        تنہائی اکیلا اکیلے پڑوسی
        وحده جيران
        yalnız yalnızlık komşu
        samotność samotny sąsiedzi
        soledad vecinos""",
    "pollution": """pollution air polluted fumes noise noisy |
        দূষণ বাতাস শব্দ
        wasakhowga hawada buuq
        آلودگی ہوا شور
        تلوث هواء ضجيج
        kirlilik hava gürültü
        zanieczyszczenie powietrze hałas
        contaminación ruido""",
    "mental_health": """depression anxiety stress stressed mental |
        মানসিক বিষণ্ণতা দুশ্চিন্তা
        walwal niyad
        ذہنی ڈپریشن پریشانی
        اكتئاب قلق نفسيه
        depresyon stres
        depresja stres
        ansiedad estrés""",
    "language": """english interpreter interpreters translation language |
        ইংরেজি দোভাষী ভাষা
        ingiriis turjubaan luqad luqadda
        انگریزی مترجم زبان
        مترجم لغه انجليزي
        tercüman dil ingilizce
        tłumacz język angielski
        intérprete idioma""",
}


@lru_cache(maxsize=1)
def _tables() -> tuple[dict[str, str], dict[str, list[tuple[str, str]]]]:
    exact: dict[str, str] = {}
    prefixes: list[tuple[str, str]] = []
    for concept, text in _LEXICON.items():
        english, others = text.split("|")
        for word in words(normalize_text(english)):
            exact.setdefault(word, concept)
        # English words match exactly only: as prefixes they catch too much (train/training).
        for word in words(normalize_text(others)):
            exact.setdefault(word, concept)
            if len(word) >= 4:
                prefixes.append((word, concept))
    # Longest prefixes first so "parkı" is not taken for a shorter unrelated entry; indexed
    # by their first four letters so a lookup scans a handful, not the whole lexicon.
    prefixes.sort(key=lambda item: len(item[0]), reverse=True)
    by_start: dict[str, list[tuple[str, str]]] = {}
    for prefix, concept in prefixes:
        by_start.setdefault(prefix[:4], []).append((prefix, concept))
    return exact, by_start


@lru_cache(maxsize=200_000)
def concept_of(word: str) -> str | None:
    """The concept a normalised word belongs to, or None."""
    exact, prefixes = _tables()
    if word in exact:
        return exact[word]
    if len(word) >= 5:
        for prefix, concept in prefixes.get(word[:4], ()):
            if word.startswith(prefix) and len(word) - len(prefix) <= 4:
                return concept
    return None


def concept_tokens(text: str) -> list[str]:
    """Concept tokens (``'⟨housing⟩'``) for the words of ``text`` that the lexicon knows."""
    found = []
    for word in text_words(text):
        concept = concept_of(word)
        if concept is not None:
            found.append(f"\u27e8{concept}\u27e9")
    return found


def concept_names(text: str) -> list[str]:
    """Readable names of the concepts in ``text`` (``'housing'``, ``'mental health'``)."""
    return [t.strip("\u27e8\u27e9").replace("_", " ") for t in concept_tokens(text)]
