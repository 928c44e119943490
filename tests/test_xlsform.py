"""XLSForm import and export: the right survey, or every problem with its sheet and row."""

from __future__ import annotations

from typing import Any

import pytest

from survey_app.surveys import xlsform
from survey_app.surveys.loader import bundled_survey_dir, load_definition
from survey_app.surveys.model import parse_survey
from tests.xlsforms import (
    EN,
    FAMILY_CHOICES,
    FAMILY_SETTINGS,
    FAMILY_SURVEY,
    FEELINGS,
    family_form,
    wellbeing_form,
    work_form,
    workbook,
)

LANGUAGES = ["en", "bn", "so", "ur", "ar", "tr", "pl", "es", "pt", "it", "lt", "zh_Hans"]


def test_a_form_with_groups_skip_logic_and_three_languages_imports_as_written() -> None:
    imported = xlsform.read(family_form(), LANGUAGES)
    definition = imported.definition
    survey = parse_survey(definition)
    assert survey.id == "families-send" and definition["form_version"] == "2026112201"
    assert [step.id for step in survey.steps] == [
        "consent",
        "has_children",
        "children",
        "what_matters",
        "next_visit",
        "thanks_note",
    ]
    children = survey.steps[2]
    assert children.relevant is not None and children.relevant.source == "${has_children} = 'yes'"
    assert [(q.id, q.type) for q in children.questions] == [
        ("children_count", "integer"),
        ("needs", "multiple_choice"),
        ("needs_other", "short_text"),
    ]
    assert survey.question("consent").type == "consent"  # acknowledge + records=consent
    assert survey.question("what_matters").type == "long_text"  # appearance multiline
    assert survey.question("next_visit").type == "date"
    assert survey.question("thanks_note").type == "note"
    assert survey.question("has_children").required
    assert survey.text("question.has_children.required_message", "en") == "Please say yes or no"
    assert survey.text("question.children_count.hint", "en") == "Count everyone under 18"
    assert survey.text("question.children_count.label", "ar") == "كم عدد الأطفال؟"
    assert survey.text("question.children_count.constraint_message", "ar") == "رقم من 1 إلى 19"
    assert survey.text("choice.needs.health", "bn") == "স্বাস্থ্য"
    # A text missing in a language falls back to the default language.
    assert survey.text("question.children_count.hint", "bn") == "Count everyone under 18"
    assert definition["review"]["bn"] == {"status": "draft"}
    assert imported.notices == []


def test_skip_logic_and_constraints_decide_what_applies() -> None:
    survey = parse_survey(xlsform.read(family_form(), LANGUAGES).definition)
    without = {"consent": ["yes"], "has_children": ["no"]}
    assert [s.id for s in survey.applicable_steps(without)] == [
        "consent",
        "has_children",
        "what_matters",
        "next_visit",
        "thanks_note",
    ]
    with_children = {"consent": ["yes"], "has_children": ["yes"], "needs": ["school", "other"]}
    ((_step, questions),) = [
        (s, qs) for s, qs in survey.applicable(with_children) if s.id == "children"
    ]
    assert [q.id for q in questions] == ["children_count", "needs", "needs_other"]
    count = survey.question("children_count")
    assert count.constraint is not None
    assert count.constraint.holds({}, ["3"]) and not count.constraint.holds({}, ["25"])


def test_a_work_goals_form_in_somali_and_urdu_imports_as_written() -> None:
    imported = xlsform.read(work_form(), LANGUAGES)
    survey = parse_survey(imported.definition)
    assert survey.id == "work-goals" and imported.definition["form_version"] == "3"
    assert [step.id for step in survey.steps] == ["agree", "now", "goals", "training", "start"]
    assert [(q.id, q.type) for q in survey.steps[1].questions] == [
        ("status", "single_choice"),
        ("hours", "decimal"),
    ]
    assert survey.question("agree").type == "consent"
    assert survey.question("status").default == "looking"
    assert survey.text("question.hours.label", "ur") == "ہفتے میں گھنٹے"
    assert survey.text("question.hours.constraint_message", "ur") == "0 سے 80 گھنٹے کے درمیان"
    assert survey.text("question.hours.constraint_message", "so") == "Between 0 and 80 hours"
    assert survey.text("choice.status.looking", "so") == "Maya"
    # ODK's own metadata is left out, and the coordinator is told so.
    assert [n.split("'")[1] for n in imported.notices] == ["started", "ended"]

    hours = survey.question("hours").constraint
    assert hours is not None
    assert hours.holds({}, ["37.5"]) and not hours.holds({}, ["0"]) and not hours.holds({}, ["81"])
    goals = survey.question("goals").constraint
    assert goals is not None
    assert goals.holds({}, ["job", "training"]) and goals.holds({}, ["none"])
    assert not goals.holds({}, ["none", "job"])
    start = survey.question("start").constraint
    assert start is not None
    assert start.holds({}, ["2999-01-01"]) and not start.holds({}, ["2000-01-01"])

    def shown(answers: dict[str, list[str]]) -> list[str]:
        return [s.id for s in survey.applicable_steps(answers)]

    assert shown({"status": ["looking"], "goals": ["none"]}) == ["agree", "now", "goals"]
    assert shown({"status": ["employed"], "goals": ["english"]}) == [
        "agree",
        "now",
        "goals",
        "training",
        "start",
    ]
    applicable = dict(survey.applicable({"status": ["looking"]}))
    assert [q.id for q in applicable[survey.steps[1]]] == ["status"]  # no hours unless working


def test_a_wellbeing_form_with_one_scale_for_five_questions_imports_as_written() -> None:
    imported = xlsform.read(wellbeing_form(), LANGUAGES)
    survey = parse_survey(imported.definition)
    assert survey.id == "wellbeing"
    # It asks no consent of its own, so the app's consent step comes first.
    assert [step.id for step in survey.steps] == ["welcome", "ok", "feelings", "support", "bye"]
    assert survey.steps[0].questions[0].records == "consent"
    assert survey.question("ok").type == "acknowledge"
    feelings = survey.steps[2].questions
    assert [q.id for q in feelings] == FEELINGS
    assert {tuple(c.value for c in survey.choices_for(q)) for q in feelings} == {
        ("never", "rarely", "some", "often", "always")
    }
    assert survey.text("choice.often.never", "ar") == "لا شيء من الوقت"
    assert survey.text("step.feelings.title", "ar") == "خلال الأسبوعين الماضيين"
    assert survey.question("support").type == "long_text"
    everyone_fine = dict.fromkeys(FEELINGS, ["often"])
    assert "support" not in [s.id for s in survey.applicable_steps(everyone_fine)]
    one_never = everyone_fine | {"close": ["never"]}
    assert "support" in [s.id for s in survey.applicable_steps(one_never)]


@pytest.mark.parametrize("form", [family_form, work_form, wellbeing_form])
def test_every_form_survives_export_and_import(form: Any) -> None:
    first = xlsform.read(form(), LANGUAGES).definition
    again = xlsform.read(xlsform.write(first), LANGUAGES).definition
    assert again == first
    assert parse_survey(again) == parse_survey(first)


def test_the_bundled_survey_exports_to_a_form_that_imports_and_round_trips() -> None:
    exported = xlsform.write(load_definition(bundled_survey_dir()))
    imported = xlsform.read(exported, LANGUAGES).definition
    survey = parse_survey(imported)
    assert survey.recording("consent") is not None
    assert survey.question("contact_email").type == "email"
    assert survey.question("contact_email").contact == "email"
    assert survey.text("question.what_matters.label", "so")  # every language came along
    assert xlsform.read(xlsform.write(imported), LANGUAGES).definition == imported


def test_a_form_without_consent_gets_the_apps_consent_step_first() -> None:
    data = workbook([["type", "name", "label"], ["text", "idea", "Your idea"]])
    imported = xlsform.read(data, LANGUAGES)
    survey = parse_survey(imported.definition)
    assert survey.steps[0].questions[0].records == "consent"
    assert survey.text("step.welcome.title", "bn")  # translated, from the bundled survey
    assert imported.notices and "consent" in imported.notices[0]


def _problems(data: bytes) -> list[tuple[str, int | None, str]]:
    with pytest.raises(xlsform.XLSFormError) as raised:
        xlsform.read(data, LANGUAGES)
    return [(p.sheet, p.row, p.message) for p in raised.value.problems]


def test_a_file_that_is_not_a_spreadsheet_says_so() -> None:
    assert _problems(b"name,label\nq1,Hello\n") == [
        ("", None, "This file is not an XLSForm spreadsheet (.xlsx).")
    ]


def test_a_missing_survey_sheet_is_named() -> None:
    book = workbook([["type", "name", "label"], ["text", "a", "A"]])
    import io

    import openpyxl

    loaded = openpyxl.load_workbook(io.BytesIO(book))
    loaded["survey"].title = "questions"
    out = io.BytesIO()
    loaded.save(out)
    assert _problems(out.getvalue()) == [("survey", None, "The spreadsheet has no 'survey' sheet.")]


def test_every_problem_is_listed_with_sheet_and_row() -> None:
    survey = [
        ["type", "name", "label", "label::Elvish", "relevant", "constraint"],
        ["text", "name1", "A", "Qapla'", "", ""],
        ["text", "name1", "Again", "", "", ""],
        ["select_one colours", "colour", "Colour", "", "", ""],
        ["integer", "age", "Age", "", "${name1} = = 'x'", ""],
        ["integer", "later", "Later", "", "${nowhere} > 1", "regex(., '[0-9')"],
        ["geopiont", "where", "Where", "", "", ""],
    ]
    choices = [["list_name", "name", "label"], ["sizes", "s", "Small"], ["sizes", "s", "Small"]]
    problems = _problems(workbook(survey, choices))
    where = [(sheet, row) for sheet, row, _message in problems]
    assert ("survey", 1) in where  # the Elvish column
    assert ("survey", 3) in where  # name1 used twice
    assert ("survey", 4) in where  # no list 'colours'
    assert ("survey", 5) in where  # broken expression
    assert where.count(("survey", 6)) == 2  # unknown ${nowhere}; a pattern that cannot be read
    assert ("survey", 7) in where  # a misspelt type
    assert ("choices", 3) in where  # duplicate choice
    messages = " ".join(message for _sheet, _row, message in problems)
    assert "'label::Elvish' names a language the app does not know" in messages
    assert "The name 'name1' is used twice (first on row 2)." in messages
    assert "The choice list 'colours' does not exist." in messages
    assert "unexpected '='" in messages
    assert "${nowhere}, which does not exist" in messages
    assert "the pattern '[0-9' cannot be read" in messages
    assert "The question type 'geopiont' is not an XLSForm type" in messages


def test_a_condition_on_a_later_question_is_refused() -> None:
    survey = [
        ["type", "name", "label", "relevant"],
        ["text", "first", "First", "${second} = 'x'"],
        ["text", "second", "Second", ""],
    ]
    assert _problems(workbook(survey)) == [
        (
            "survey",
            2,
            "The relevant expression '${second} = 'x'' uses ${second}, which comes later: "
            "use only questions asked before this one.",
        )
    ]


def test_a_default_language_nobody_knows_is_refused() -> None:
    settings = [["form_id", "default_language"], ["x", "Elvish"]]
    problems = _problems(workbook(FAMILY_SURVEY, FAMILY_CHOICES, settings))
    assert problems == [
        (
            "settings",
            2,
            "The default_language 'Elvish' is not a language the app knows: write its name "
            "and code, as in 'Tigrinya (ti)'.",
        )
    ]


def test_a_form_in_tigrinya_amharic_and_oromo_keeps_every_text() -> None:
    ti, am, om = "Tigrinya (ti)", "Amharic (am)", "Oromo"
    survey = [
        ["type", "name", f"label::{ti}", f"label::{am}", f"label::{om}"],
        ["select_one yn", "water", "ማይ ኣሎ ድዩ?", "ውሃ አለ?", "Bishaan jiraa?"],
        ["text", "need", "እንታይ የድልየካ?", "ምን ያስፈልግዎታል?", "Maal si barbaachisa?"],
    ]
    choices = [
        ["list_name", "name", f"label::{ti}", f"label::{am}", f"label::{om}"],
        ["yn", "yes", "እወ", "አዎ", "Eeyyee"],
        ["yn", "no", "ኣይፋል", "አይ", "Lakki"],
    ]
    settings = [["form_title", "form_id", "default_language"], ["Water", "water", ti]]
    imported = xlsform.read(workbook(survey, choices, settings), LANGUAGES)
    definition = imported.definition
    survey_ = parse_survey(definition)
    assert definition["default_language"] == "ti"
    assert survey_.text("question.water.label", "en") == "ማይ ኣሎ ድዩ?"  # falls back to Tigrinya
    assert survey_.text_language("question.water.label", "en") == "ti"
    assert survey_.text("choice.yn.no", "am") == "አይ"
    assert survey_.text("question.need.label", "om") == "Maal si barbaachisa?"
    said = " ".join(imported.notices)
    for name in ("Tigrinya (ti)", "Amharic (am)", "Oromo (om)"):
        assert f"The form's texts in {name} are kept" in said
    again = xlsform.read(xlsform.write(definition), LANGUAGES)
    assert again.definition == definition


def test_languages_are_matched_by_code_or_by_name() -> None:
    assert xlsform.match_language(EN, LANGUAGES) == "en"
    assert xlsform.match_language("Bengali", LANGUAGES) == "bn"
    assert xlsform.match_language("so", LANGUAGES) == "so"
    assert xlsform.match_language("Chinese (zh-Hans)", LANGUAGES) == "zh_Hans"
    assert xlsform.match_language("Klingon (tlh)", LANGUAGES) is None  # not offered
    assert FAMILY_SETTINGS[1][3] == EN


def test_a_form_once_formatted_far_beyond_its_cells_reads_as_written() -> None:
    """A spreadsheet that styled a far cell makes every row as wide and the sheet as long
    as that cell; only the header's columns and the used rows count. (How long the
    sheet's last possible cell takes is measured in bench/bench_xlsform.py.)"""
    import io

    import openpyxl
    from openpyxl.styles import Font

    book = openpyxl.load_workbook(io.BytesIO(family_form()))
    for sheet in book.worksheets:
        sheet.cell(row=20_000, column=300).font = Font(bold=True)
    # A stray value beyond the header's columns belongs to no column: it is ignored.
    book["survey"].cell(row=3, column=40).value = "stray"
    out = io.BytesIO()
    book.save(out)
    padded = xlsform.read(out.getvalue(), LANGUAGES).definition
    assert padded == xlsform.read(family_form(), LANGUAGES).definition


def test_a_runaway_expression_in_a_form_is_a_problem_not_a_crash() -> None:
    survey = [
        ["type", "name", "label", "relevant"],
        ["integer", "n", "How many?", ""],
        ["text", "t", "Tell us", "${n} > " + "(" * 400 + "1" + ")" * 400],
    ]
    with pytest.raises(xlsform.XLSFormError) as raised:
        xlsform.read(workbook(survey, None, [["form_title", "form_id"], ["T", "t"]]), LANGUAGES)
    (problem,) = raised.value.problems
    assert problem.row == 3 and "nested more than 40 levels" in problem.message
    assert len(problem.message) < 300  # the expression is named by its start


@pytest.mark.parametrize("spelled", ["begin repeat", "begin_repeat", "begin  repeat"])
def test_a_repeat_is_read_as_a_repeat_however_it_is_spelled(spelled: str) -> None:
    end = spelled.replace("begin", "end")
    survey = [
        ["type", "name", "label"],
        ["integer", "n", "How many?"],
        [spelled, "kids", "Child"],
        ["text", "kname", "Name"],
        [end, "", ""],
    ]
    imported = xlsform.read(
        workbook(survey, None, [["form_title", "form_id"], ["T", "t"]]), LANGUAGES
    )
    survey = parse_survey(imported.definition)
    kids = survey.steps[survey.step_index("kids")]
    assert kids.repeat is not None and kids.repeat.count is None
    assert [q.id for q in kids.questions] == ["kname"]
    again = xlsform.read(xlsform.write(imported.definition), LANGUAGES).definition
    assert again == imported.definition


def test_a_begin_or_end_row_in_capitals_is_named_with_its_lower_case() -> None:
    survey = [
        ["type", "name", "label"],
        ["integer", "n", "How many?"],
        ["Begin Repeat", "kids", "Child"],
        ["text", "kname", "Name"],
        ["End Repeat", "", ""],
    ]
    with pytest.raises(xlsform.XLSFormError) as raised:
        xlsform.read(workbook(survey, None, [["form_title", "form_id"], ["T", "t"]]), LANGUAGES)
    found = [(p.row, p.message) for p in raised.value.problems]
    assert (3, "Write 'Begin Repeat' in lower case: 'begin repeat'.") in found
    assert (5, "Write 'End Repeat' in lower case: 'end repeat'.") in found


def test_a_form_id_in_capitals_is_read_and_kept_in_lower_case() -> None:
    settings = [list(FAMILY_SETTINGS[0]), list(FAMILY_SETTINGS[1])]
    settings[1][1] = "Families_SEND"
    imported = xlsform.read(workbook(FAMILY_SURVEY, FAMILY_CHOICES, settings), LANGUAGES)
    assert imported.definition["id"] == "families_send"


def test_an_empty_language_column_is_ignored_a_filled_one_still_counts() -> None:
    survey = [
        ["type", "name", "label::English (en)", "label::French (fr)", "hint::Klingon (tlh)"],
        ["integer", "n", "How many?", "", ""],
        ["text", "t", "Tell us", "", ""],
    ]
    settings = [["form_title", "form_id"], ["T", "t"]]
    imported = xlsform.read(workbook(survey, None, settings), LANGUAGES)
    assert [q["id"] for s in imported.definition["steps"] for q in s.get("questions", [])][-2:] == [
        "n",
        "t",
    ]
    survey[2][3] = "Dites-nous"
    imported = xlsform.read(workbook(survey, None, settings), LANGUAGES)
    assert imported.definition["translations"]["fr"] == {"question.t.label": "Dites-nous"}
    assert "tlh" not in imported.definition["translations"]
