"""What Matters: a multilingual community survey app.

``create_app`` sets the defaults, reads the instance config, the environment
or the test mapping, binds the extensions and registers the blueprints.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask, Response, abort, jsonify, redirect, request, url_for
from werkzeug.routing import IntegerConverter, Map
from werkzeug.wrappers import Response as BaseResponse

from . import config, errors, i18n, security, storage
from .extensions import csrf, limiter
from .surveys.loader import bundled_survey_dir, load_definition


def _secret_key(instance: Path) -> str:
    """The key kept in the instance folder, made on first start; never in the repository."""
    path = instance / "secret_key"
    if not path.exists():
        instance.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
    return path.read_text().strip()


class RowId(IntegerConverter):
    """``<int:...>`` in every route: a number SQLite can hold, or the page is not found
    (a larger one reached SQLite and failed as a server error)."""

    def __init__(self, url_map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", 2**63 - 1)
        super().__init__(url_map, *args, **kwargs)


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app. ``test_config`` replaces the instance config and environment."""
    app = Flask(__name__, instance_relative_config=True)
    app.url_map.converters["int"] = RowId
    instance = Path(app.instance_path)
    app.config.from_mapping(config.defaults())
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        # A resident may take longer than an hour on a doorstep; the token
        # still lives only as long as the browser session.
        WTF_CSRF_TIME_LIMIT=None,
        MAX_CONTENT_LENGTH=1024 * 1024,
        # A refused sign-in says when to try again (Retry-After).
        RATELIMIT_HEADERS_ENABLED=True,
    )
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.update(config.from_environment())
    else:
        app.config.update(test_config)
    if not app.config.get("DATABASE"):
        app.config["DATABASE"] = str(instance / "whatmatters.sqlite")
    if not app.config.get("RECORDINGS_FOLDER"):
        # Beside its own database, so that another database (a test's) never sweeps it.
        database = Path(app.config["DATABASE"])
        app.config["RECORDINGS_FOLDER"] = str(database.with_name(database.stem + "-recordings"))
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _secret_key(instance)

    storage.init_app(app)
    i18n.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    errors.init_app(app)
    security.init_app(app)

    with app.app_context():
        definition = load_definition(
            bundled_survey_dir(), neighbourhoods=app.config["NEIGHBOURHOODS"]
        )
        storage.surveys.seed_bundled(storage.get_db(), definition)
        # A run that was going when the server stopped never finishes: say so, and let a
        # new one start.
        storage.analysis_runs.fail_interrupted(storage.get_db())
        # A crash between a recording's file and its row leaves a file nobody names.
        storage.recordings.sweep(storage.get_db(), Path(app.config["RECORDINGS_FOLDER"]))

    from .admin import bp as admin_bp
    from .auth import access, cli
    from .auth import bp as auth_bp
    from .collect import bp as collect_bp
    from .exports import bp as exports_bp
    from .kiosk import bp as kiosk_bp
    from .kiosk import init_app as kiosk_init
    from .offline import bp as offline_bp
    from .offline.routes import asset_version
    from .operations import cli as operations_cli
    from .report import bp as report_bp
    from .rights import bp as rights_bp
    from .rounds import bp as rounds_bp
    from .sync import bp as sync_bp
    from .translations_review import bp as review_bp
    from .voice import listen
    from .voice.upload import bp as voice_upload_bp
    from .workspace import bp as workspace_bp

    app.register_blueprint(collect_bp)
    app.register_blueprint(review_bp)
    app.register_blueprint(sync_bp)
    app.register_blueprint(offline_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(rounds_bp)
    app.register_blueprint(kiosk_bp)
    app.register_blueprint(workspace_bp)
    app.register_blueprint(exports_bp)
    app.register_blueprint(report_bp)
    app.register_blueprint(rights_bp)
    app.register_blueprint(voice_upload_bp)
    app.register_blueprint(listen.bp)
    from .workspace.display import init_app as display_init

    display_init(app)
    kiosk_init(app)
    access.init_app(app)
    cli.init_app(app)
    operations_cli.init_app(app)
    app.config["ASSET_VERSION"] = asset_version(app)

    @app.get("/")
    def index() -> BaseResponse:
        """Send a visitor on to a language: ``?lang=``, their last choice, or the browser's."""
        chosen = i18n.by_tag(request.args.get("lang", "")) or i18n.preferred_language()
        response = redirect(url_for("collect.start", lang_tag=chosen.tag))
        response.headers["Vary"] = "Accept-Language, Cookie"
        return response

    @app.get("/e/<code>")
    def short_link(code: str) -> BaseResponse:
        """An event's short link (and QR code): the survey, in the person's language."""
        try:
            event = storage.events.get(storage.get_db(), code.upper())
        except storage.NotFound:
            abort(404)
        chosen = i18n.by_tag(request.args.get("lang", "")) or i18n.preferred_language()
        target = url_for(
            "collect.survey_start", lang_tag=chosen.tag, survey_id=event.survey_id, event=event.id
        )
        response = redirect(target)
        response.headers["Vary"] = "Accept-Language, Cookie"
        return response

    @app.get("/healthz")
    def healthz() -> tuple[Response, int]:
        ok = storage.is_reachable(storage.get_db())
        return jsonify(status="ok" if ok else "unavailable", database=ok), 200 if ok else 503

    return app
