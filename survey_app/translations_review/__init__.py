"""Which interface strings and survey texts still wait for a fluent speaker's review."""

from flask import Blueprint

bp = Blueprint("translations_review", __name__, url_prefix="/<lang_tag>/translations")

from . import routes  # noqa: E402,F401  (registers the views on bp)
