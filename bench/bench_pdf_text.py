"""What making Bengali copy out of the PDF costs: WeasyPrint as it comes against WeasyPrint
with the app's hooks (survey_app/report/pdf_text.py), on the same page.

    python bench/bench_pdf_text.py [--paragraphs 400] [--repeat 5]

The page is a report-like document: headings and paragraphs of Bengali answers (reph,
conjuncts, vowel signs drawn before their consonant) with Arabic, Urdu, Chinese and English
between them. Each variant runs in a process of its own (the hooks, once installed, stay);
prints the median milliseconds of ``--repeat`` PDFs of each, their ratio, and the PDFs'
sizes.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.timing import median_ms  # noqa: E402

ANSWERS = (
    "আমাদের এলাকায় পার্ক দরকার, শিশুদের খেলার জায়গা নেই",
    "কিছু কর্মী স্কুলে যান, প্রার্থনা আর ক্ষমা; কেউ কোর্টে গেছে",
    "রাস্তা নিরাপদ নয়, রাতে আলো নেই আর গাড়ি খুব দ্রুত চলে",
    "ডাক্তারের অ্যাপয়েন্টমেন্ট পেতে তিন সপ্তাহ অপেক্ষা করতে হয়",
    "نحتاج إلى حديقة قريبة وملعب آمن للأطفال",
    "ہمیں پارک کی ضرورت ہے اور گلیوں میں روشنی",
    "我们需要公园和更近的诊所",
    "We need a park and a safer crossing by the school",
)


def page(paragraphs: int) -> str:
    body = "".join(
        (f"<h2>বিষয় {i // 20 + 1}</h2>" if i % 20 == 0 else "")
        + f"<p>{ANSWERS[i % len(ANSWERS)]} ({i})</p>"
        for i in range(paragraphs)
    )
    return (
        "<html lang=bn><head><style>body{font-family:'Noto Sans','Noto Sans Bengali',"
        "'Noto Naskh Arabic','Noto Sans CJK SC'}</style></head><body>"
        f"<h1>আপনার কাছে কী গুরুত্বপূর্ণ?</h1>{body}</body></html>"
    )


def run_one(hooked: bool, paragraphs: int, repeat: int) -> dict[str, float]:
    from weasyprint import HTML

    if hooked:
        from survey_app.report.pdf_text import install

        install()
    html = page(paragraphs)
    sizes: list[int] = []

    def make() -> None:
        sizes.append(len(HTML(string=html).write_pdf()))

    make()  # fonts loaded and hooks warm before timing
    return {"ms": median_ms(make, repeat), "bytes": float(sizes[-1])}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--paragraphs", type=int, default=400)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--variant", choices=("plain", "hooked"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.variant:
        print(json.dumps(run_one(args.variant == "hooked", args.paragraphs, args.repeat)))
        return
    figures = {}
    for variant in ("plain", "hooked"):
        out = subprocess.run(
            [
                sys.executable,
                __file__,
                "--variant",
                variant,
                "--paragraphs",
                str(args.paragraphs),
                "--repeat",
                str(args.repeat),
            ],
            capture_output=True,
            check=True,
            text=True,
        ).stdout
        figures[variant] = json.loads(out.strip().splitlines()[-1])
    plain, hooked = figures["plain"], figures["hooked"]
    print(f"{args.paragraphs} paragraphs, median of {args.repeat}:")
    print(f"  WeasyPrint as it comes  {plain['ms']:8.0f} ms  {plain['bytes'] / 1024:7.0f} KiB")
    print(f"  with the copy-out hooks {hooked['ms']:8.0f} ms  {hooked['bytes'] / 1024:7.0f} KiB")
    print(f"  ratio (hooked / plain)  {hooked['ms'] / plain['ms']:8.2f}")


if __name__ == "__main__":
    main()
