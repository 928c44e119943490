"""A form as KoboToolbox and ODK users write it: metadata, media, maps, ranges, times,
calculations, or_other, a choice filter, appearances, an external list and a repeat.

It has no form_id (KoboToolbox makes one on upload), so the app must make one up.
"""

from __future__ import annotations

from tests.xlsforms import AR, EN, workbook

SO = "Somali (so)"

COLUMNS = [
    "type",
    "name",
    f"label::{EN}",
    f"label::{AR}",
    f"label::{SO}",
    f"hint::{EN}",
    "required",
    "relevant",
    "constraint",
    "calculation",
    "appearance",
    "parameters",
    "choice_filter",
    "read_only",
    "default",
]


def _row(kind: str, name: str, en: str = "", ar: str = "", so: str = "", **extra: str) -> list[str]:
    values = {"type": kind, "name": name, f"label::{EN}": en, f"label::{AR}": ar}
    values[f"label::{SO}"] = so
    values.update({key.replace("hint", f"hint::{EN}"): value for key, value in extra.items()})
    return [values.get(column, "") for column in COLUMNS]


FIELD_SURVEY = [
    COLUMNS,
    _row("start", "start"),
    _row("end", "end"),
    _row("today", "today"),
    _row("deviceid", "deviceid"),
    _row("username", "username"),
    _row("audit", ""),
    _row("calculate", "visit_id", calculation="once(uuid())"),
    _row("acknowledge", "agree", "I agree to take part", "أوافق على المشاركة", "Waan ogolahay"),
    _row(
        "select_one area or_other",
        "area",
        "Which area do you live in?",
        "في أي منطقة تسكن؟",
        "Xaafaddee ku nooshahay?",
        required="yes",
        appearance="minimal",
    ),
    _row(
        "select_multiple block",
        "blocks",
        "Which blocks do you use?",
        "ما المباني التي تستخدمها؟",
        "Dhismayaasha aad isticmaasho?",
        choice_filter="area=${area}",
    ),
    _row(
        "range",
        "safety",
        "How safe do you feel?",
        "ما مدى شعورك بالأمان؟",
        "Ammaan?",
        parameters="start=0 end=10 step=1",
        hint="0 is not at all, 10 is completely",
    ),
    _row("time", "best_time", "When is a good time to call?", "متى يناسبك الاتصال؟", "Goorma?"),
    _row(
        "dateTime",
        "last_visit",
        "When did you last see a doctor?",
        "متى رأيت الطبيب آخر مرة؟",
        "Goorma?",
    ),
    _row(
        "integer",
        "adults",
        "How many adults live with you?",
        "كم بالغاً يعيش معك؟",
        "Immisa qof oo waaweyn?",
        constraint=". >= 0 and . < 30",
    ),
    _row("integer", "children", "How many children?", "كم طفلاً؟", "Immisa carruur ah?"),
    _row("calculate", "household", calculation="${adults} + ${children}"),
    _row(
        "note",
        "household_note",
        "Your household has ${household} people.",
        "أسرتك فيها ${household} أشخاص.",
        "Qoyskaagu waa ${household} qof.",
    ),
    _row(
        "text",
        "office",
        "Where to find the team",
        "أين تجد الفريق",
        "Halka kooxda",
        read_only="yes",
        default="Town Hall",
    ),
    _row(
        "text",
        "size_label",
        "Household size",
        "حجم الأسرة",
        "Tirada qoyska",
        read_only="yes",
        calculation="concat(${household}, ' people')",
    ),
    _row("image", "photo", "A photo of the damp, if you like", "صورة للرطوبة", "Sawir"),
    _row("geopoint", "where", "Where is the problem?", "أين المشكلة؟", "Halkee?"),
    _row("barcode", "meter", "Scan the meter", "امسح العداد", "Mitirka"),
    _row("select_one_from_file clinics.csv", "clinic", "Which clinic?", "أي عيادة؟", "Rugta?"),
    _row("rank block", "priorities", "Put the blocks in order", "رتب المباني", "Kala horrei"),
    _row("begin_repeat", "person", "Each person in the home", "كل شخص في المنزل", "Qof kasta"),
    _row("text", "person_name", "Name", "الاسم", "Magaca"),
    _row("begin_group", "person_health", "Health", "الصحة", "Caafimaad"),
    _row("select_one yes_no", "person_ill", "Long-term illness?", "مرض مزمن؟", "Xanuun?"),
    _row("end_group", ""),
    _row("calculate", "person_number", calculation="position(..)"),
    _row("end_repeat", ""),
    _row(
        "text",
        "matters",
        "What matters most to you here?",
        "ما الأهم بالنسبة لك هنا؟",
        "Maxaa kuugu muhiimsan?",
        appearance="multiline w3",
    ),
]

FIELD_CHOICES = [
    ["list_name", "name", f"label::{EN}", f"label::{AR}", f"label::{SO}", "area"],
    ["area", "north", "North", "الشمال", "Waqooyi", ""],
    ["area", "south", "South", "الجنوب", "Koonfur", ""],
    ["block", "ash", "Ash House", "بيت آش", "Ash House", "north"],
    ["block", "elm", "Elm House", "بيت إلم", "Elm House", "south"],
    ["yes_no", "yes", "Yes", "نعم", "Haa", ""],
    ["yes_no", "no", "No", "لا", "Maya", ""],
]

FIELD_SETTINGS = [["form_title", "default_language"], ["Damp and safety", EN]]

FIELD_LANGUAGES = ["en", "ar", "so"]


def field_form() -> bytes:
    return workbook(FIELD_SURVEY, FIELD_CHOICES, FIELD_SETTINGS)
