"""Coordinators' pages."""

from ..i18n import localised_blueprint

bp = localised_blueprint("admin", __name__, "/admin")

from . import devices, engagement, events, people, surveys  # noqa: E402,F401  (register the views)
