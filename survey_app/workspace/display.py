"""Large text for a shared screen: a World Café table reads the review from a distance."""

from __future__ import annotations

from flask import Flask, abort, redirect, request
from werkzeug.wrappers import Response as BaseResponse

from ..auth.access import role_required
from ..auth.forms import EmptyForm
from . import bp
from .common import GLOSSERS

COOKIE = "wm_large_text"


@bp.post("/display")
@role_required(*GLOSSERS)
def display() -> BaseResponse:
    if not EmptyForm().validate_on_submit():
        abort(400)
    back = request.form.get("next", "")
    # Only a path on this site: never a redirect elsewhere.
    if not back.startswith("/") or back.startswith("//"):
        back = "/"
    response = redirect(back)
    if request.form.get("large") == "1":
        response.set_cookie(COOKIE, "1", max_age=60 * 60 * 24 * 365, httponly=True, samesite="Lax")
    else:
        response.delete_cookie(COOKIE)
    return response


def init_app(app: Flask) -> None:
    @app.context_processor
    def _large_text() -> dict[str, object]:
        return {"large_text": request.cookies.get(COOKIE) == "1"}
