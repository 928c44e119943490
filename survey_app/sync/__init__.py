"""The sync API: devices send queued responses and get a receipt for each."""

from flask import Blueprint

bp = Blueprint("sync", __name__, url_prefix="/api/v1")

from . import routes  # noqa: E402,F401  (registers the views on bp)
