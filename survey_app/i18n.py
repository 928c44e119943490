"""Languages: which are offered, how each is named and laid out, and the catalogues.

Interface strings live in Babel catalogues under ``translations/``; they are
compiled into the instance folder when the app starts, so no build step is
needed. A drafted translation carries the ``needs-review`` flag until a fluent
speaker has checked it.
"""

from __future__ import annotations

import copy
import os
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Blueprint, Flask, abort, current_app, g, request
from flask_babel import Babel, Domain, format_date, format_datetime, get_locale

from .surveys import choice_filter, geopoint, not_collected, piping

CATALOGUES = Path(__file__).resolve().parent.parent / "translations"
NEEDS_REVIEW = "needs-review"
LANGUAGE_COOKIE = "lang"


@dataclass(frozen=True)
class Language:
    """A language as offered: its Babel code, URL tag, own name and direction."""

    code: str
    tag: str
    name: str
    direction: str


def language(code: str) -> Language:
    locale = Locale.parse(code)
    name = locale.display_name or code
    # Babel names Simplified Chinese "中文 (简体)"; residents know it as 简体中文.
    if code == "zh_Hans":
        name = "简体中文"
    return Language(
        code=code,
        tag=code.replace("_", "-"),
        name=name[:1].upper() + name[1:],
        direction=locale.text_direction,
    )


def offered() -> list[Language]:
    return [language(code) for code in current_app.config["LANGUAGES"]]


def by_tag(tag: str) -> Language | None:
    """The offered language whose URL tag is ``tag``, if any."""
    for option in offered():
        if option.tag == tag:
            return option
    return None


def form_only(languages: Iterable[str]) -> list[Language]:
    """Languages a survey has texts in that the app's own words are not offered in
    (Tigrinya, Amharic): residents answer in them with the interface in the closest
    offered language. A column name Babel does not know stays in the form, unoffered."""
    offered = set(current_app.config["LANGUAGES"])
    found = []
    for code in sorted(set(languages) - offered):
        try:
            found.append(language(code))
        except (ValueError, UnknownLocaleError):
            continue
    return found


def closest_offered(code: str, also: str = "") -> Language:
    """The offered language nearest ``code``: the same language (Portuguese for Brazilian
    Portuguese), else ``also`` (the form's own default language) or the same as it, else the
    app's default. The same answer for everyone, so a tablet can keep the page offline."""
    found = negotiate([code, also], current_app.config["LANGUAGES"])
    return language(found or current_app.config["DEFAULT_LANGUAGE"])


def form_options(languages: Iterable[str], default: str) -> list[tuple[Language, Language]]:
    """Each language only a form has, with the offered language its pages are shown in."""
    return [(own, closest_offered(own.code, default)) for own in form_only(languages)]


def negotiate(accepted: Iterable[str], codes: Sequence[str]) -> str | None:
    """The first offered code that fits the browser's languages, best first.

    An exact match wins; otherwise the language alone decides, so a browser
    asking for ``zh-CN`` gets Simplified Chinese and ``pt-BR`` gets Portuguese.
    """
    for wanted in accepted:
        # A browser may send anything here ("xx", "*", a typo): what Babel cannot read
        # is skipped, so the visitor falls back to an offered language, never an error.
        try:
            asked = Locale.parse(wanted.replace("-", "_"))
        except (ValueError, TypeError, UnknownLocaleError):
            continue
        for code in codes:
            if str(asked) == code:
                return code
        for code in codes:
            if Locale.parse(code).language == asked.language:
                return code
    return None


def preferred_language() -> Language:
    """The language for a visitor who has not picked one in the URL."""
    codes = current_app.config["LANGUAGES"]
    remembered = by_tag(request.cookies.get(LANGUAGE_COOKIE, ""))
    if remembered is not None:
        return remembered
    accepted = [value for value, _quality in request.accept_languages]
    code = negotiate(accepted, codes) or current_app.config["DEFAULT_LANGUAGE"]
    return language(code)


def current_language() -> Language:
    chosen: Language | None = g.get("language")
    return chosen if chosen is not None else preferred_language()


def localised_blueprint(name: str, import_name: str, url_prefix: str = "") -> Blueprint:
    """A blueprint whose pages live under ``/<lang>/``: the URL decides the language.

    Links made with url_for keep the current language unless told another.
    """
    bp = Blueprint(name, import_name, url_prefix="/<lang_tag>" + url_prefix)

    @bp.url_value_preprocessor
    def _language_from_url(_endpoint: str | None, values: dict[str, Any] | None) -> None:
        chosen = by_tag(values.pop("lang_tag", "") if values else "")
        if chosen is None:
            abort(404)
        g.language = chosen

    @bp.url_defaults
    def _language_into_urls(_endpoint: str, values: dict[str, Any]) -> None:
        values.setdefault("lang_tag", current_language().tag)

    return bp


def _select_locale() -> str:
    return current_language().code


def compile_catalogues(source: Path, target: Path) -> None:
    """Compile each ``.po`` under ``source`` into ``target`` when it is newer.

    Drafts are compiled too: a resident is better served by a drafted Bengali
    sentence than by English, and the review flag keeps it on the review list.
    """
    for po_path in source.glob("*/LC_MESSAGES/messages.po"):
        mo_path = target / po_path.relative_to(source).with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        mo_path.parent.mkdir(parents=True, exist_ok=True)
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file)
        # Write then rename, so that a second worker never reads half a file.
        handle, temporary = tempfile.mkstemp(dir=mo_path.parent, suffix=".mo")
        with os.fdopen(handle, "wb") as mo_file:
            write_mo(mo_file, catalog, use_fuzzy=False)
        os.replace(temporary, mo_path)


def strings_needing_review(code: str, source: Path = CATALOGUES) -> list[tuple[str, str]]:
    """``(English, translation)`` for interface strings not yet reviewed in ``code``."""
    po_path = source / code / "LC_MESSAGES" / "messages.po"
    if not po_path.exists():
        return []
    with po_path.open("rb") as po_file:
        catalog = read_po(po_file)
    pending = []
    for message in catalog:
        if not message.id:
            continue
        english = message.id if isinstance(message.id, str) else message.id[0]
        text = message.string if isinstance(message.string, str) else (message.string or [""])[0]
        if NEEDS_REVIEW in message.flags or not text:
            pending.append((english, text or ""))
    return pending


def catalogue(code: str, source: Path = CATALOGUES) -> Any:
    """The shipped Babel catalogue of ``code``, or None."""
    po_path = source / code / "LC_MESSAGES" / "messages.po"
    if not po_path.exists():
        return None
    with po_path.open("rb") as po_file:
        return read_po(po_file)


class ReviewedDomain(Domain):
    """The compiled catalogues, with bilingual volunteers' corrections over them.

    Corrections live in the database so that they show at once, without a release.
    """

    def get_translations(self) -> Any:
        base = super().get_translations()
        if not g:
            return base
        locale = str(get_locale())
        cached = g.get("reviewed_translations")
        if cached is not None and cached[0] == locale:
            return cached[1]
        from . import storage  # storage imports this module's neighbours; import late

        found = storage.reviews.corrections(storage.get_db(), locale, storage.reviews.INTERFACE)
        translations = base
        if found and hasattr(base, "_catalog"):
            translations = copy.copy(base)
            translations._catalog = {**base._catalog, **found}
        g.reviewed_translations = (locale, translations)
        return translations


def init_app(app: Flask) -> None:
    compiled = Path(app.instance_path) / "locale"
    compile_catalogues(CATALOGUES, compiled)
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(compiled)
    app.config["BABEL_DEFAULT_TIMEZONE"] = app.config["TIMEZONE"]
    babel = Babel(app, locale_selector=_select_locale)
    babel.domain_instance = ReviewedDomain()

    @app.template_filter("local_time")
    def _local_time(value: str) -> str:
        """A stored UTC time as people read it: their language, the app's time zone."""
        try:
            moment = datetime.fromisoformat(value)
        except (TypeError, ValueError):
            return str(value)
        return format_datetime(moment, "short")

    @app.template_filter("local_date")
    def _local_date(value: str) -> str:
        """A stored date (or the date of a stored time) in the reader's language."""
        try:
            day = date.fromisoformat(str(value)[:10])
        except (TypeError, ValueError):
            return str(value)
        return format_date(day, "long")

    @app.context_processor
    def _language_context() -> dict[str, object]:
        return {
            "language": current_language(),
            "tag_of": lambda code: code.replace("_", "-"),
            "not_collected": not_collected.notice,
            "piped": piping.piped,
            "plain": piping.plain,
            "choice_filter": choice_filter,
            "location_parts": geopoint.split,
        }
