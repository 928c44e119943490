"""Languages: names in their own script, direction, negotiation, catalogues and review."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask

from survey_app import i18n
from survey_app.config import SETTINGS

CODES = ["en", "bn", "so", "ur", "ar", "tr", "pl", "es", "pt", "it", "lt", "zh_Hans"]


@pytest.mark.parametrize(
    ("code", "name", "direction"),
    [
        ("bn", "বাংলা", "ltr"),
        ("so", "Soomaali", "ltr"),
        ("ur", "اردو", "rtl"),
        ("ar", "العربية", "rtl"),
        ("zh_Hans", "简体中文", "ltr"),
        ("pl", "Polski", "ltr"),
    ],
)
def test_each_language_in_its_own_name_and_direction(code: str, name: str, direction: str) -> None:
    option = i18n.language(code)
    assert (option.name, option.direction) == (name, direction)


@pytest.mark.parametrize(
    ("accepted", "expected"),
    [
        (["so-SO", "en"], "so"),
        (["zh-TW"], "zh_Hans"),
        (["fr", "ar-EG"], "ar"),
        (["de"], None),
        (["not a language!"], None),
    ],
)
def test_negotiate(accepted: list[str], expected: str | None) -> None:
    assert i18n.negotiate(accepted, CODES) == expected


@pytest.mark.parametrize("code", CODES[1:])
def test_every_catalogue_is_complete_and_marked_for_review(code: str) -> None:
    pending = i18n.strings_needing_review(code)
    assert pending, "drafted translations must be listed until a fluent speaker reviews them"
    assert all(translation for _english, translation in pending)


def test_a_reviewed_string_leaves_the_list(tmp_path: Path) -> None:
    (tmp_path / "so" / "LC_MESSAGES").mkdir(parents=True)
    (tmp_path / "so" / "LC_MESSAGES" / "messages.po").write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        '#, needs-review\nmsgid "Back"\nmsgstr "Dib"\n\n'
        'msgid "Continue"\nmsgstr "Sii wad"\n\n'
        'msgid "Start"\nmsgstr ""\n',
        "utf-8",
    )
    assert i18n.strings_needing_review("so", tmp_path) == [("Back", "Dib"), ("Start", "")]


def test_catalogues_are_compiled_into_the_instance_folder(app: Flask) -> None:
    compiled = Path(app.config["BABEL_TRANSLATION_DIRECTORIES"])
    assert (compiled / "bn" / "LC_MESSAGES" / "messages.mo").is_file()


def test_review_pages_list_drafts(client: object) -> None:
    from tests.conftest import soup

    page = soup(client.get("/en/translations/"))  # type: ignore[attr-defined]
    row = page.select_one('tr[data-lang="bn"]')
    assert int(row.select_one("[data-testid=interface-count]").get_text()) > 0
    assert int(row.select_one("[data-testid=survey-count]").get_text()) > 0
    detail = soup(client.get("/en/translations/bn"))  # type: ignore[attr-defined]
    cells = [td.get_text(strip=True) for td in detail.select("td[lang=bn]")]
    assert "শুরু করুন" in cells


def test_every_setting_is_documented() -> None:
    docs = (Path(__file__).parent.parent / "docs" / "configuration.md").read_text("utf-8")
    for setting in SETTINGS:
        assert f"`{setting.name}`" in docs, setting.name
        assert f"WHATMATTERS_{setting.name}" in docs, setting.name


@pytest.mark.parametrize("code", CODES[1:])
def test_catalogues_pass_babels_own_checks(code: str) -> None:
    """Placeholders that match, and no English text that Babel mistakes for one."""
    from babel.messages.pofile import read_po

    path = i18n.CATALOGUES / code / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        catalog = read_po(handle)
    problems = [(message.id, [str(e) for e in errors]) for message, errors in catalog.check()]
    assert problems == []
