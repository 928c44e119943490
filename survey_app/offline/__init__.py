"""Installable and offline: the web app manifest and the service worker."""

from flask import Blueprint

bp = Blueprint("offline", __name__)

from . import routes  # noqa: E402,F401  (registers the views on bp)
