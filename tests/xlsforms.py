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
