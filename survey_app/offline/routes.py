"""The service worker and manifest, served from the root so that they cover every page."""

from __future__ import annotations

import hashlib
from pathlib import Path

from flask import Flask, Response, current_app, render_template, url_for
from flask_babel import gettext

from .. import i18n
from ..surveys.loader import DEFAULT_SURVEY_ID
from . import bp

PACKAGE = Path(__file__).resolve().parent.parent
STATIC_FILES = [
    "css/app.css",
    "js/store.js",
    "js/outbox.js",
    "js/app.js",
    "js/survey.js",
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
    for option in i18n.offered():
        urls.append(url_for("collect.start", lang_tag=option.tag))
        survey = url_for("collect.survey_start", lang_tag=option.tag, survey_id=DEFAULT_SURVEY_ID)
        urls += [survey, survey + "?with=volunteer"]
    return urls


@bp.get("/sw.js")
def service_worker() -> Response:
    script = render_template(
        "offline/sw.js",
        version=current_app.config["ASSET_VERSION"],
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
