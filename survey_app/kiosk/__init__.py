"""Kiosk mode: a tablet left in a reception, where each person starts afresh.

A property of the device, not of an address: a signed-in staff member turns it on
(a cookie for the server, a mark in IndexedDB for pages served offline) and only a
signed-in staff member turns it off.
"""

from __future__ import annotations

from flask import Flask, request
from werkzeug.wrappers import Response

from ..i18n import localised_blueprint
from ..security import secure_cookies

COOKIE = "wm_kiosk"
TEN_YEARS = 10 * 365 * 24 * 3600

bp = localised_blueprint("kiosk", __name__, "/kiosk")


def is_on() -> bool:
    """Whether the device sending this request was made a kiosk."""
    return request.cookies.get(COOKIE) == "1"


def turn_on(response: Response) -> None:
    response.set_cookie(
        COOKIE,
        "1",
        max_age=TEN_YEARS,
        samesite="Lax",
        httponly=True,
        secure=secure_cookies(),
    )


def turn_off(response: Response) -> None:
    response.delete_cookie(COOKIE, samesite="Lax", httponly=True)


def init_app(app: Flask) -> None:
    @app.context_processor
    def _kiosk_state() -> dict[str, object]:
        # "on" tells the page's script to mark the device; pages without it leave the
        # mark as it is, since a page served from the offline cache knows no cookie.
        return {"kiosk_state": "on" if is_on() else None}


from . import routes  # noqa: E402,F401  (registers the views on bp)
