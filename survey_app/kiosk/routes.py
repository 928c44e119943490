"""Turning kiosk mode on and off: staff only."""

from __future__ import annotations

from flask import make_response, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as BaseResponse

from ..auth.access import end_session, role_required
from ..auth.forms import EmptyForm
from . import bp, is_on, turn_off, turn_on


@bp.route("/", methods=["GET", "POST"])
@role_required("volunteer", "coordinator")
def settings() -> BaseResponse:
    form = EmptyForm()
    if form.validate_on_submit() and request.form.get("action") == "on":
        # The tablet is about to be left for the public: no staff session stays on it.
        end_session()
        response = redirect(url_for("collect.start"), code=303)
        turn_on(response)
        return response
    if form.validate_on_submit() and request.form.get("action") == "off":
        # Rendered, not redirected: this page's script clears the device's own mark.
        page = make_response(
            render_template("kiosk/settings.html", form=form, on=False, kiosk_state="off")
        )
        turn_off(page)
        page.headers["Cache-Control"] = "no-store"
        return page
    page = make_response(render_template("kiosk/settings.html", form=form, on=is_on()))
    page.headers["Cache-Control"] = "no-store"
    return page
