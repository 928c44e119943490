"""Extension objects, made here and bound to the app in create_app."""

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()
# Counts live in memory: one process serves the app (waitress threads).
limiter = Limiter(key_func=get_remote_address, default_limits=[], storage_uri="memory://")
