"""XLSForms made in the shapes ODK's documentation describes, for the authoring tests."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

import openpyxl

Rows = Sequence[Sequence[Any]]


def workbook(survey: Rows, choices: Rows | None = None, settings: Rows | None = None) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "survey"
    for row in survey:
        sheet.append(list(row))
    for name, rows in (("choices", choices), ("settings", settings)):
        if rows is not None:
            extra = book.create_sheet(name)
            for row in rows:
                extra.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


EN, BN, AR = "English (en)", "Bengali (bn)", "Arabic (ar)"

# A families' survey: groups, skip logic, constraints, three languages, Arabic right to left.
FAMILY_SURVEY = [
    [
        "type",
        "name",
        f"label::{EN}",
        f"label::{BN}",
        f"label::{AR}",
        f"hint::{EN}",
        "required",
        f"required_message::{EN}",
        "relevant",
        "constraint",
        f"constraint_message::{EN}",
        f"constraint_message::{AR}",
        "appearance",
        "records",
    ],
    [
        "acknowledge",
        "consent",
        "I agree to take part",
        "আমি অংশ নিতে রাজি",
        "أوافق على المشاركة",
        "",
        "yes",
        "",
        "",
        "",
        "",
        "",
        "",
        "consent",
    ],
    [
        "select_one yes_no",
        "has_children",
        "Do you have children?",
        "আপনার কি সন্তান আছে?",
        "هل لديك أطفال؟",
        "",
        "yes",
        "Please say yes or no",
        "",
        "",
        "",
        "",
        "",
        "",
    ],
    [
        "begin_group",
        "children",
        "Your children",
        "আপনার সন্তান",
        "أطفالك",
        "",
        "",
        "",
        "${has_children} = 'yes'",
        "",
        "",
        "",
        "field-list",
        "",
    ],
    [
        "integer",
        "children_count",
        "How many children?",
        "কতজন সন্তান?",
        "كم عدد الأطفال؟",
        "Count everyone under 18",
        "yes",
        "",
        "",
        ". > 0 and . < 20",
        "A number from 1 to 19",
        "رقم من 1 إلى 19",
        "",
        "",
    ],
    [
        "select_multiple needs",
        "needs",
        "What support do they need?",
        "কী সহায়তা দরকার?",
        "ما الدعم الذي يحتاجونه؟",
        "",
        "",
        "",
        "",
        "count-selected(.) <= 2",
        "Choose up to two",
        "",
        "",
        "",
    ],
    [
        "text",
        "needs_other",
        "What other support?",
        "অন্য কী সহায়তা?",
        "ما الدعم الآخر؟",
        "",
        "",
        "",
        "selected(${needs}, 'other')",
        "string-length(.) <= 200",
        "",
        "",
        "",
        "",
    ],
    ["end_group", "children", "", "", "", "", "", "", "", "", "", "", "", ""],
    [
        "text",
        "what_matters",
        "What matters to your family?",
        "আপনার পরিবারের কাছে কী গুরুত্বপূর্ণ?",
        "ما الذي يهم عائلتك؟",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "multiline",
        "",
    ],
    [
        "date",
        "next_visit",
        "When can we visit again?",
        "আবার কবে আসতে পারি?",
        "متى يمكننا الزيارة مرة أخرى؟",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
    ],
    ["note", "thanks_note", "Thank you", "ধন্যবাদ", "شكراً", "", "", "", "", "", "", "", "", ""],
]
FAMILY_CHOICES = [
    ["list_name", "name", f"label::{EN}", f"label::{BN}", f"label::{AR}"],
    ["yes_no", "yes", "Yes", "হ্যাঁ", "نعم"],
    ["yes_no", "no", "No", "না", "لا"],
    ["needs", "school", "School", "স্কুল", "المدرسة"],
    ["needs", "health", "Health", "স্বাস্থ্য", "الصحة"],
    ["needs", "other", "Something else", "অন্য কিছু", "شيء آخر"],
]
FAMILY_SETTINGS = [
    ["form_title", "form_id", "version", "default_language"],
    ["Families and SEND", "families-send", "2026112201", EN],
]


def family_form() -> bytes:
    return workbook(FAMILY_SURVEY, FAMILY_CHOICES, FAMILY_SETTINGS)


def sheet(columns: Sequence[str], *rows: dict[str, Any]) -> list[list[Any]]:
    """A sheet's rows from dicts, so a form reads by column name rather than position."""
    return [list(columns)] + [[row.get(column, "") for column in columns] for row in rows]


SO, UR = "Somali (so)", "Urdu (ur)"

# Work and training goals (one of the seeds' projects): English, Somali and Urdu (right to
# left), a group, decimals, a constraint on a multiple choice, dates compared with today().
WORK_SURVEY = sheet(
    [
        "type",
        "name",
        f"label::{EN}",
        f"label::{SO}",
        f"label::{UR}",
        "required",
        "relevant",
        "constraint",
        f"constraint_message::{EN}",
        f"constraint_message::{UR}",
        "default",
        "records",
    ],
    {
        "type": "acknowledge",
        "name": "agree",
        f"label::{EN}": "I agree to answer",
        f"label::{SO}": "Waan ogolahay inaan ka jawaabo",
        f"label::{UR}": "میں جواب دینے پر راضی ہوں",
        "required": "yes",
        "records": "consent",
    },
    {"type": "begin_group", "name": "now", f"label::{EN}": "Work now", f"label::{UR}": "ابھی کام"},
    {
        "type": "select_one status",
        "name": "status",
        f"label::{EN}": "Are you working now?",
        f"label::{SO}": "Hadda ma shaqaysaa?",
        f"label::{UR}": "کیا آپ ابھی کام کر رہے ہیں؟",
        "required": "yes",
        "default": "looking",
    },
    {
        "type": "decimal",
        "name": "hours",
        f"label::{EN}": "Hours a week",
        f"label::{SO}": "Saacadaha toddobaadkii",
        f"label::{UR}": "ہفتے میں گھنٹے",
        "relevant": "${status} = 'employed'",
        "constraint": ". > 0 and . <= 80",
        f"constraint_message::{EN}": "Between 0 and 80 hours",
        f"constraint_message::{UR}": "0 سے 80 گھنٹے کے درمیان",
    },
    {"type": "end_group", "name": "now"},
    {
        "type": "select_multiple goals",
        "name": "goals",
        f"label::{EN}": "What would you like to work towards?",
        f"label::{SO}": "Maxaad u shaqayn lahayd?",
        f"label::{UR}": "آپ کس چیز کی طرف کام کرنا چاہیں گے؟",
        "constraint": "not(selected(., 'none') and count-selected(.) > 1)",
        f"constraint_message::{EN}": "'Nothing for now' cannot go with other goals",
    },
    {
        "type": "text",
        "name": "training",
        f"label::{EN}": "Which course or skill?",
        f"label::{SO}": "Koorso ama xirfad noocee ah?",
        f"label::{UR}": "کون سا کورس یا ہنر؟",
        "relevant": "selected(${goals}, 'training') or selected(${goals}, 'english')",
        "constraint": "string-length(.) <= 200",
    },
    {
        "type": "date",
        "name": "start",
        f"label::{EN}": "When could you start?",
        f"label::{SO}": "Goorma ayaad bilaabi kartaa?",
        f"label::{UR}": "آپ کب شروع کر سکتے ہیں؟",
        "relevant": "not(selected(${goals}, 'none'))",
        "constraint": ". >= today()",
        f"constraint_message::{EN}": "A date from today on",
    },
    {"type": "start", "name": "started"},
    {"type": "end", "name": "ended"},
)
WORK_CHOICES = sheet(
    ["list_name", "name", f"label::{EN}", f"label::{SO}", f"label::{UR}"],
    {"list_name": "status", "name": "employed", f"label::{EN}": "Yes", f"label::{UR}": "ہاں"},
    {
        "list_name": "status",
        "name": "looking",
        f"label::{EN}": "No, looking",
        f"label::{SO}": "Maya",
    },
    {"list_name": "status", "name": "not_looking", f"label::{EN}": "No, not looking"},
    {"list_name": "goals", "name": "job", f"label::{EN}": "A job", f"label::{SO}": "Shaqo"},
    {"list_name": "goals", "name": "training", f"label::{EN}": "Training", f"label::{UR}": "تربیت"},
    {"list_name": "goals", "name": "english", f"label::{EN}": "English classes"},
    {"list_name": "goals", "name": "none", f"label::{EN}": "Nothing for now"},
)
WORK_SETTINGS = sheet(
    ["form_title", "form_id", "version", "default_language"],
    {"form_title": "Work and training goals", "form_id": "work-goals", "version": "3"}
    | {"default_language": EN},
)


def work_form() -> bytes:
    return workbook(WORK_SURVEY, WORK_CHOICES, WORK_SETTINGS)


# A co-designed wellbeing check: one answer scale shared by five questions in a group shown
# on one page, a follow-up only when any answer is 'never', English and Arabic.
FEELINGS = ["optimistic", "useful", "relaxed", "close", "decided"]
WELLBEING_SURVEY = sheet(
    ["type", "name", f"label::{EN}", f"label::{AR}", f"hint::{EN}", "relevant", "appearance"],
    {"type": "acknowledge", "name": "ok", f"label::{EN}": "I agree", f"label::{AR}": "أوافق"},
    {
        "type": "begin_group",
        "name": "feelings",
        f"label::{EN}": "Over the last two weeks",
        f"label::{AR}": "خلال الأسبوعين الماضيين",
        "appearance": "field-list",
    },
    *(
        {
            "type": "select_one often",
            "name": name,
            f"label::{EN}": f"I've been feeling {name}",
            f"label::{AR}": f"شعرت بـ {name}",
            f"hint::{EN}": "Choose one",
        }
        for name in FEELINGS
    ),
    {"type": "end_group", "name": "feelings"},
    {
        "type": "text",
        "name": "support",
        f"label::{EN}": "Would you like to tell us more?",
        f"label::{AR}": "هل تود أن تخبرنا بالمزيد؟",
        "relevant": " or ".join(f"${{{name}}} = 'never'" for name in FEELINGS),
        "appearance": "multiline",
    },
    {"type": "note", "name": "bye", f"label::{EN}": "Thank you", f"label::{AR}": "شكراً لك"},
)
WELLBEING_CHOICES = sheet(
    ["list_name", "name", f"label::{EN}", f"label::{AR}"],
    *(
        {"list_name": "often", "name": value, f"label::{EN}": english, f"label::{AR}": arabic}
        for value, english, arabic in (
            ("never", "None of the time", "لا شيء من الوقت"),
            ("rarely", "Rarely", "نادراً"),
            ("some", "Some of the time", "بعض الوقت"),
            ("often", "Often", "غالباً"),
            ("always", "All of the time", "طوال الوقت"),
        )
    ),
)
WELLBEING_SETTINGS = sheet(
    ["form_title", "form_id", "default_language"],
    {"form_title": "How are you feeling?", "form_id": "wellbeing", "default_language": EN},
)


def wellbeing_form() -> bytes:
    return workbook(WELLBEING_SURVEY, WELLBEING_CHOICES, WELLBEING_SETTINGS)
