"""Files a partner can open: responses with their themes, the codebook, contact lists."""

from ..i18n import localised_blueprint

bp = localised_blueprint("exports", __name__, "/analysis")

from . import routes  # noqa: E402,F401  (register the views)
