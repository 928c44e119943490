"""The service worker and manifest, served from the root so that they cover every page."""

from __future__ import annotations

import hashlib
from pathlib import Path
from urllib.parse import urlencode

from flask import Flask, Response, current_app, render_template, url_for
from flask_babel import gettext

from .. import i18n, storage
from . import bp

PACKAGE = Path(__file__).resolve().parent.parent
STATIC_FILES = [
    "css/app.css",
    "js/store.js",
    "js/outbox.js",
    "js/app.js",
    "js/expressions.js",
    "js/repeats.js",
    "js/voice.js",
    "js/survey.js",
    "js/kiosk.js",
    "js/door.js",
    "js/keep.js",
    # The analysis pages need the server, but their scripts are kept like the others: a
    # page from the browser cache then never runs without them.
    "js/run.js",
    "js/review.js",
    "icons/icon.svg",
    "icons/icon-192.png",
    "icons/icon-512.png",
]


def asset_version(app: Flask) -> str:
    """A hash of everything a tablet caches: any change makes a new service worker."""
    digest = hashlib.sha256()
    roots = [PACKAGE / "static", PACKAGE / "templates", PACKAGE / "surveys", i18n.CATALOGUES]
    for root in roots:
        for path in sorted(p for p in root.rglob("*") if p.is_file() and p.suffix != ".mo"):
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())
    digest.update(",".join(app.config["LANGUAGES"]).encode())
    digest.update(",".join(app.config["NEIGHBOURHOODS"]).encode())
    return digest.hexdigest()[:16]


def precache_urls() -> list[str]:
    """The shell and, for every language, the start page and the survey (both modes)."""
    urls = [url_for("static", filename=name) for name in STATIC_FILES]
    urls.append(url_for("offline.manifest"))
    open_ids = storage.surveys.published_ids(storage.get_db())
    db = storage.get_db()
    for option in i18n.offered():
        urls.append(url_for("collect.start", lang_tag=option.tag))
        for survey_id in open_ids:
            survey = url_for("collect.survey_start", lang_tag=option.tag, survey_id=survey_id)
            urls += [survey, survey + "?with=volunteer"]
    # Languages only a form has (Tigrinya), each with the app's words in the closest one;
    # the keys are the ones the worker looks for (?texts=ti, then &with=volunteer).
    for survey_id in open_ids:
        published = storage.surveys.published(db, survey_id)
        for own, shown_in in i18n.form_options(published.languages(), published.default_language):
            survey = url_for("collect.survey_start", lang_tag=shown_in.tag, survey_id=survey_id)
            survey += "?" + urlencode({"texts": own.code})
            urls += [survey, survey + "&with=volunteer"]
    return urls


def content_version() -> str:
    """Which surveys are open, at which version, with which reviewed texts.

    Part of the worker's version: publishing a survey or correcting a translation
    makes a new worker, so tablets fetch the changed pages the next time they are online.
    """
    db = storage.get_db()
    state = [
        (survey_id, storage.surveys.published(db, survey_id).version)
        for survey_id in storage.surveys.published_ids(db)
    ]
    (reviewed,) = db.execute("SELECT count(*), max(reviewed_at) FROM text_reviews").fetchall()
    digest = hashlib.sha256(repr((state, tuple(reviewed))).encode())
    return digest.hexdigest()[:8]


@bp.get("/sw.js")
def service_worker() -> Response:
    script = render_template(
        "offline/sw.js",
        version=current_app.config["ASSET_VERSION"] + "-" + content_version(),
        urls=precache_urls(),
        starts={
            option.tag: url_for("collect.start", lang_tag=option.tag) for option in i18n.offered()
        },
    )
    response = Response(script, mimetype="text/javascript")
    # Browsers check for a new worker on each visit; never let a cache hide one.
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/manifest.webmanifest")
def manifest() -> Response:
    language = i18n.current_language()
    data = {
        "name": gettext("What Matters"),
        "short_name": gettext("What Matters"),
        "lang": language.tag,
        "dir": language.direction,
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#005a30",
        "icons": [
            {
                "src": url_for("static", filename="icons/icon-192.png"),
                "sizes": "192x192",
                "type": "image/png",
            },
            {
                "src": url_for("static", filename="icons/icon-512.png"),
                "sizes": "512x512",
                "type": "image/png",
            },
            {
                "src": url_for("static", filename="icons/icon.svg"),
                "sizes": "any",
                "type": "image/svg+xml",
                "purpose": "any",
            },
        ],
    }
    response = current_app.response_class(
        current_app.json.dumps(data), mimetype="application/manifest+json"
    )
    return response
