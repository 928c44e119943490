"""One path for problems a person should read: a translated message, as a page or JSON."""

from __future__ import annotations

import logging
import uuid

from flask import Flask, g, render_template, request
from flask_babel import gettext
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from .storage.errors import Busy


class UserFacingError(Exception):
    """A problem to show the person, in their language, with an HTTP status."""

    def __init__(self, message: str, status: int = 400, title: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.title = title


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def _render(title: str, message: str, status: int) -> tuple[str | dict[str, str], int]:
    if _wants_json():
        return {"error": message}, status
    return render_template("error.html", title=title, message=message), status


log = logging.getLogger(__name__)


def request_id() -> str:
    """This request's id: on a server error's page and in its log line, to match them."""
    if "request_id" not in g:
        g.request_id = uuid.uuid4().hex[:12]
    return str(g.request_id)


def _logged_by_the_handler(_exc_info: object) -> None:
    """Flask logs every unhandled exception before its 500 handler runs, with the raw path
    and no request id; ``_server_error`` logs it once, with both it needs and no more."""


def init_app(app: Flask) -> None:
    app.log_exception = _logged_by_the_handler  # type: ignore[method-assign,assignment]

    @app.before_request
    def _pages_take_forms() -> None:
        # Flask-WTF reads a JSON body as form data, and a list or a number there breaks it:
        # pages take forms, only the API takes JSON.
        if request.method == "POST" and request.is_json and not request.path.startswith("/api/"):
            raise UserFacingError(gettext("This page takes a form, not JSON."), status=400)

    @app.errorhandler(UserFacingError)
    def _user_facing(error: UserFacingError) -> tuple[str | dict[str, str], int]:
        return _render(error.title or gettext("Something went wrong"), error.message, error.status)

    @app.errorhandler(Busy)
    def _busy(_error: Busy) -> tuple[str | dict[str, str], int, dict[str, str]]:
        # Nothing was written; a device's outbox keeps the answers and sends them again.
        body, status = _render(
            gettext("Please wait"),
            gettext("The server is busy. Nothing was lost: please try again in a moment."),
            503,
        )
        return body, status, {"Retry-After": "2"}

    @app.errorhandler(403)
    def _forbidden(_error: HTTPException) -> tuple[str | dict[str, str], int]:
        return _render(gettext("Not allowed"), gettext("Your account cannot open this page."), 403)

    @app.errorhandler(429)
    def _too_many(error: HTTPException) -> tuple[str | dict[str, str], int, dict[str, str]]:
        body, status = _render(
            gettext("Please wait"),
            gettext("Too many tries. Please wait a minute before trying again."),
            429,
        )
        # The send limits say when to try again here; Flask-Limiter adds its own later.
        retry = getattr(error, "retry_after", None)
        return body, status, {"Retry-After": str(retry)} if retry else {}

    @app.errorhandler(404)
    def _not_found(_error: HTTPException) -> tuple[str | dict[str, str], int]:
        return _render(
            gettext("Page not found"),
            gettext("We cannot find that page. Check the address, or go back to the start."),
            404,
        )

    @app.errorhandler(CSRFError)
    def _csrf(_error: CSRFError) -> tuple[str | dict[str, str], int]:
        return _render(
            gettext("Something went wrong"),
            gettext("This page was open too long or was changed. Please go back and try again."),
            400,
        )

    @app.errorhandler(413)
    def _too_large(_error: HTTPException) -> tuple[str | dict[str, str], int]:
        return _render(
            gettext("Too much to send"),
            gettext("What you sent is too large. Please shorten your answers and try again."),
            413,
        )

    @app.errorhandler(500)
    def _server_error(error: Exception) -> tuple[str | dict[str, str], int]:
        # The trace goes to the log (one line, no request body or form), never the page.
        original = getattr(error, "original_exception", None) or error
        log.error(
            "request %s: %s %s failed",
            request_id(),
            request.method,
            request.url_rule.rule if request.url_rule else "(no route)",
            exc_info=original,
        )
        message = gettext(
            "Something went wrong on our side. Please try again in a moment. If it happens "
            "again, tell the team this reference: %(reference)s",
            reference=request_id(),
        )
        return _render(gettext("Something went wrong"), message, 500)
