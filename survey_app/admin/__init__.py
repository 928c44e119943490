"""Coordinators' pages."""

from ..i18n import localised_blueprint

bp = localised_blueprint("admin", __name__, "/admin")

from . import routes  # noqa: E402,F401  (registers the views on bp)
