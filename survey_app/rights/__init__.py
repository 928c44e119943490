"""Residents' data rights (find, give, withdraw, erase) and the audit log: coordinators only."""

from ..i18n import localised_blueprint

bp = localised_blueprint("rights", __name__, "/admin/residents")

from . import audit, routes  # noqa: E402,F401  (register the views)
