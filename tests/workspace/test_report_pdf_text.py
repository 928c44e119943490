"""Text copied out of the report's PDF is the text written, in Bengali too, and the PDF
looks exactly as WeasyPrint draws it (survey_app/report/pdf_text.py)."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pypdfium2 as pdfium
import pytest
from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfReader

from survey_app import storage
from survey_app.report import pdf_text, routes
from tests.conftest import soup
from tests.workspace.conftest import signed_in
from tests.workspace.reviewed import Reviewed, review
from tests.workspace.test_report import BENGALI, URDU, pin_new, save_report

BENGALI_WORD = re.compile(r"[\u0980-\u09FF]+")
# Conjuncts with a reph, vowel signs drawn before their consonant, ক alone and in
# clusters: glyphs that WeasyPrint alone gives the first text it met.
MORE_BENGALI = "কিছু কর্মী স্কুলে যান, প্রার্থনা আর ক্ষমা; কেউ কোর্টে গেছে"

_PLAIN_WEASYPRINT = (
    "import sys\n"
    "from weasyprint import HTML\n"
    "sys.stdout.buffer.write(HTML(string=sys.stdin.read()).write_pdf())\n"
)


@pytest.fixture
def reviewed(team: Flask) -> tuple[FlaskClient, Reviewed]:
    client = signed_in(team, "analyst@example.org")
    return client, review(team, client)


def _pdfium_text(data: bytes) -> str:
    """Text as Chrome's PDF viewer copies it (PDFium)."""
    document = pdfium.PdfDocument(data)
    return "\n".join(page.get_textpage().get_text_range() for page in document)


def _pypdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


def _bengali_report(team: Flask, client: FlaskClient) -> tuple[str, bytes]:
    pin_new(team, client, BENGALI, "bn", "We need a park in our area")
    pin_new(team, client, MORE_BENGALI, "bn", "Some workers go to school")
    pin_new(team, client, URDU, "ur", "We need a park")
    url = save_report(client, lang="bn", title="আমাদের পাড়ার কথা — প্রতিবেদন")
    reply = client.get(url + ".pdf")
    assert reply.status_code == 200 and reply.data.startswith(b"%PDF")
    return url, reply.data


def test_every_bengali_word_copies_out_of_the_pdf_as_written(
    team: Flask, reviewed: tuple[FlaskClient, Reviewed]
) -> None:
    client, _done = reviewed
    url, data = _bengali_report(team, client)
    written = set(BENGALI_WORD.findall(soup(client.get(url)).get_text(" ")))
    for copied_out in (_pypdf_text(data), _pdfium_text(data)):
        # The quotes whole, in order, with single spaces.
        for quote in (BENGALI, MORE_BENGALI, URDU):
            assert quote in copied_out
        # Every Bengali word in the PDF (the report's headings, figures' labels, the
        # method note: all in Bengali) is one the page shows as written.
        copied = BENGALI_WORD.findall(copied_out)
        assert len(copied) > 50
        assert set(copied) <= written, set(copied) - written


def _rendered(data: bytes, folder: Path) -> list[bytes]:
    """Each page as Poppler draws it (pdftoppm, as in Evince and most Linux viewers)."""
    folder.mkdir()
    (folder / "report.pdf").write_bytes(data)
    subprocess.run(
        ["pdftoppm", "-r", "100", "-gray", "report.pdf", "page"],
        cwd=folder,
        check=True,
        timeout=120,
    )
    return [page.read_bytes() for page in sorted(folder.glob("page-*.pgm"))]


def test_the_pdf_looks_exactly_as_weasyprint_draws_it(
    team: Flask, reviewed: tuple[FlaskClient, Reviewed], tmp_path: Path
) -> None:
    client, _done = reviewed
    url, data = _bengali_report(team, client)
    report_id = int(url.rsplit("/", 1)[1])
    with team.test_request_context(url + ".pdf"):
        team.preprocess_request()
        html = routes.pdf_html(storage.reports.get(storage.get_db(), "what-matters", report_id))
    # WeasyPrint as it comes, in a process of its own (without the app's hooks).
    plain = subprocess.run(
        [sys.executable, "-c", _PLAIN_WEASYPRINT],
        input=html.encode(),
        capture_output=True,
        check=True,
        timeout=120,
    ).stdout
    # The PDF the app serves is made from exactly this page.
    assert _pypdf_text(routes.to_pdf(html)) == _pypdf_text(data)
    assert _pypdf_text(plain) != _pypdf_text(data)  # WeasyPrint's own copies out otherwise
    ours, theirs = _rendered(data, tmp_path / "ours"), _rendered(plain, tmp_path / "plain")
    assert len(ours) == len(theirs) >= 2
    for page, (mine, original) in enumerate(zip(ours, theirs, strict=True)):
        assert mine == original, f"page {page + 1} is drawn differently"


def test_a_run_that_is_not_the_one_just_drawn_is_written_as_it_came() -> None:
    """The page must never change: codes are swapped only for the very glyphs whose
    texts were recorded, in order; anything else goes out as WeasyPrint wrote it."""
    font = SimpleNamespace(widths={0x28: 600, 0x83: 0}, glyph_count=700, missing={}, type="ttf")
    texts = pdf_text.ClusterTexts(font)
    pending = pdf_text._pending()
    pending.clear()
    texts[0x28] = "প"
    texts[0x28] = "পা"  # the same glyph for another text: a code of its own
    ((_glyph, code, _texts),) = pending[1:]
    assert code != 0x28 and texts.clones == {code: 0x28}
    assert pdf_text._recode("<00280028>", pending)[0] == f"<0028{code:04x}>"
    for drawn in ("<0028>", "<00280029>", "<002800280028>", "<0028>x<0028>"):
        texts[0x28] = "পা"
        texts[0x28] = "প"
        assert pdf_text._recode(drawn, pending) == (drawn, None)
        assert pending == []
    # A mark's move after it is carried in its code's width, never lost.
    texts[0x28] = "প"
    texts[0x83] = ""
    recoded, actual = pdf_text._recode("<0028>0<>225.5<0083>-225", pending)
    carried = int(recoded.split("<")[-1][:4], 16)
    assert recoded == f"<0028>0 225.5<{carried:04x}>" and texts.advances[carried] == 225
    assert actual == "প"


def test_bengali_after_right_to_left_text_copies_out_in_order() -> None:
    """After Urdu or Arabic, pypdf reads on right to left until a letter says otherwise,
    and takes a glyph standing for several letters (or none) as punctuation: কে কী came
    out as " কে" + "কী". Each glyph of a cluster stands for letters of its own."""
    html = (
        "<html lang=bn><body style='font-family: Noto Sans, Noto Sans Bengali, "
        f"Noto Naskh Arabic'><p lang=ur>{URDU}</p><h2>কে কী বলেছেন</h2>"
        "<p lang=ar>نحتاج إلى حديقة</p><p>কেউ কোর্টে গেছে, কিছু কর্মী স্কুলে যান</p></body></html>"
    )
    data = routes.to_pdf(html)
    for copied_out in (_pypdf_text(data), _pdfium_text(data)):
        assert "কে কী বলেছেন" in copied_out
        assert "কেউ কোর্টে গেছে, কিছু কর্মী স্কুলে যান" in copied_out
        assert URDU in copied_out


def test_a_cluster_is_spread_over_its_glyphs_whole_or_not_at_all() -> None:
    def font(glyph_count: int) -> SimpleNamespace:
        widths = {0x01C2: 300, 0x0014: 600}
        return SimpleNamespace(widths=widths, glyph_count=glyph_count, missing={}, type="ttf")

    pending = pdf_text._pending()
    pending.clear()
    # Codes to spare: the vowel sign drawn first stands for ক, the consonant for ে.
    texts = pdf_text.ClusterTexts(font(700))
    texts[0x01C2], texts[0x0014] = "", "কে"
    recoded, actual = pdf_text._recode("<01c2>0<0014>0", pending)
    first, second = (int(code, 16) for code in re.findall(r"<([0-9a-f]{4})>", recoded))
    assert (dict.get(texts, first), dict.get(texts, second)) == ("ক", "ে")
    assert actual is None  # no glyph stands for nothing: nothing more to say
    # One code left, two needed: the cluster stays as drawn (never half spread, which
    # would copy out ককে), and its run carries its whole text instead.
    texts = pdf_text.ClusterTexts(font(0xFFFF - pdf_text._KEEP_FREE - 1))
    texts[0x01C2], texts[0x0014] = "", "কে"
    assert pdf_text._recode("<01c2>0<0014>0", pending) == ("<01c2>0<0014>0", "কে")
