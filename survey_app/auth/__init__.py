"""Signing in and out, roles, and registering a volunteer's device."""

from ..i18n import localised_blueprint

bp = localised_blueprint("auth", __name__)

from . import routes  # noqa: E402,F401  (registers the views on bp)
