"""A volunteer's door log on a door-knocking round."""

from ..i18n import localised_blueprint

bp = localised_blueprint("rounds", __name__, "/rounds")

from . import routes  # noqa: E402,F401  (registers the views on bp)
