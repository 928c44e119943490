"""Residents answering a survey: start page, survey steps, thank-you page."""

from ..i18n import localised_blueprint

bp = localised_blueprint("collect", __name__)

from . import routes  # noqa: E402,F401  (registers the views on bp)
