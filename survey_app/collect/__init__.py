"""Residents answering a survey: start page, survey steps, thank-you page."""

from flask import Blueprint

bp = Blueprint("collect", __name__, url_prefix="/<lang_tag>")

from . import routes  # noqa: E402,F401  (registers the views on bp)
