"""Extension objects, made here and bound to the app in create_app."""

from flask import request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()
# Counts live in memory: one process serves the app (waitress threads).
limiter = Limiter(key_func=get_remote_address, default_limits=[], storage_uri="memory://")


@limiter.request_filter
def _counted_by_the_api() -> bool:
    # What devices send is counted by sync/limits.py, once a request; Flask-Limiter's own
    # look-up for the routes it does not limit cost a sixth of a single response's time.
    return request.path.startswith("/api/")
