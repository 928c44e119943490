"""Which interface strings and survey texts still wait for a fluent speaker's review."""

from ..i18n import localised_blueprint

bp = localised_blueprint("translations_review", __name__, "/translations")

from . import routes  # noqa: E402,F401  (registers the views on bp)
