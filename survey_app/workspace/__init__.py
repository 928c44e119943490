"""The coproduction workspace: reading, glossing and theming the answers together."""

from ..i18n import localised_blueprint

bp = localised_blueprint("workspace", __name__, "/analysis")

from . import coding, display, home, review, runs, transcripts, translate  # noqa: E402,F401  (register the views)
