"""The team's report, and "you said, we did": what was heard and what is being done."""

from ..i18n import localised_blueprint

bp = localised_blueprint("report", __name__)

from . import routes, said_did  # noqa: E402,F401  (register the views)
