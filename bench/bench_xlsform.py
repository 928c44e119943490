"""Reading XLSForms: a 400-question form, and forms styled out to the sheet's last cell.

    python bench/bench_xlsform.py [--questions 400] [--repeat 5]

Prints the median time of ``xlsform.read`` (the app's checks, pyxform, the survey built),
beside openpyxl only opening the same workbook and reading its used cells (the floor), for:
a form of ``--questions`` questions in three languages with groups, skip logic and
constraints; and the same form after a spreadsheet styled its last possible cell
(XFD1048576), which makes every row 16,384 cells wide and the sheet a million rows long.
"""

from __future__ import annotations

import argparse
import io
import sys
from functools import partial
from pathlib import Path

import openpyxl
from openpyxl.styles import Font

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.timing import median_ms  # noqa: E402
from survey_app import create_app  # noqa: E402
from survey_app.surveys import xlsform  # noqa: E402

LANGUAGES = ["en", "bn", "ar"]


# Every fourth group of a "field" form uses the types KoboToolbox forms add: times, ranges,
# calculations, photos and locations (kept as notices), a filtered list.
FIELD_KINDS = ("time", "range", "calculate", "image", "geopoint", "select_one needs")


def big_form(questions: int, field: bool = False) -> bytes:
    book = openpyxl.Workbook()
    survey = book.active
    survey.title = "survey"
    survey.append(
        [
            "type",
            "name",
            "label::English (en)",
            "label::Bengali (bn)",
            "label::Arabic (ar)",
            "hint::English (en)",
            "relevant",
            "constraint",
            "required",
            "calculation",
            "parameters",
            "choice_filter",
        ]
    )
    per_group = 20
    for g in range(questions // per_group):
        survey.append(
            ["begin_group", f"g{g}", f"Part {g}", f"অংশ {g}", f"الجزء {g}", "", "", "", "", "", ""]
        )
        for q in range(per_group):
            name = f"q{g}_{q}"
            kind = ("integer", "select_one yes_no", "text", "select_multiple needs")[q % 4]
            if field and q % 3 == 1:
                kind = FIELD_KINDS[(q // 3) % len(FIELD_KINDS)]
            relevant = f"${{q{g}_{q - 1}}} != ''" if q % 5 == 4 else ""
            constraint = ". >= 0 and . < 120" if kind == "integer" else ""
            calculation = f"${{q{g}_0}} + 1" if kind == "calculate" else ""
            parameters = "start=0 end=10 step=1" if kind == "range" else ""
            choice_filter = "name != 'school'" if kind == "select_one needs" else ""
            survey.append(
                [
                    kind,
                    name,
                    f"Question {name}?",
                    f"প্রশ্ন {name}?",
                    f"سؤال {name}؟",
                    "A hint",
                    relevant,
                    constraint,
                    "yes" if q % 3 == 0 and kind != "calculate" else "",
                    calculation,
                    parameters,
                    choice_filter,
                ]
            )
        survey.append(["end_group"])
    choices = book.create_sheet("choices")
    choices.append(
        ["list_name", "name", "label::English (en)", "label::Bengali (bn)", "label::Arabic (ar)"]
    )
    for row in (
        ["yes_no", "yes", "Yes", "হ্যাঁ", "نعم"],
        ["yes_no", "no", "No", "না", "لا"],
        ["needs", "school", "School", "স্কুল", "المدرسة"],
        ["needs", "health", "Health", "স্বাস্থ্য", "الصحة"],
    ):
        choices.append(row)
    settings = book.create_sheet("settings")
    settings.append(["form_title", "form_id", "default_language"])
    settings.append(["A long form", "long-form", "English (en)"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def padded(data: bytes) -> bytes:
    book = openpyxl.load_workbook(io.BytesIO(data))
    for sheet in book.worksheets:
        sheet.cell(row=1_048_576, column=16_384).font = Font(bold=True)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def floor(data: bytes) -> None:
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    for sheet in book.worksheets:
        first = next(sheet.iter_rows(values_only=True, max_row=1), ())
        width = len([h for h in first if h is not None])
        for _row in sheet.iter_rows(min_row=2, max_col=width, values_only=True):
            pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--questions", type=int, default=400)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    import tempfile

    app = create_app({"DATABASE": str(Path(tempfile.mkdtemp()) / "b.sqlite"), "SECRET_KEY": "b"})
    form = big_form(args.questions)
    forms = {
        f"{args.questions} questions": form,
        "same, styled to XFD1048576": padded(form),
        f"{args.questions} questions, KoboToolbox-style types": big_form(args.questions, True),
    }
    print("| form | KB | xlsform.read ms | openpyxl floor ms | ratio |")
    print("| --- | ---: | ---: | ---: | ---: |")
    with app.test_request_context():
        for name, data in forms.items():
            imported = xlsform.read(data, LANGUAGES)
            assert len(list(imported.definition["steps"])) > 1
            took = median_ms(partial(xlsform.read, data, LANGUAGES), args.repeat)
            base = median_ms(partial(floor, data), args.repeat)
            print(
                f"| {name} | {len(data) / 1024:.0f} | {took:,.0f} | {base:,.0f} |"
                f" {took / base:.1f} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
