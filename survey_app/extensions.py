"""Extension objects, made here and bound to the app in create_app."""

from hashlib import sha256

from flask import current_app, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()
# Counts live in memory: one process serves the app (waitress threads).
limiter = Limiter(key_func=get_remote_address, default_limits=[], storage_uri="memory://")


def sending_key() -> str:
    """What a device's sending limit counts by: its key (hashed, never kept)."""
    token = request.headers.get("Authorization", "").partition(" ")[2].strip()
    return "device:" + sha256(token.encode("utf-8")).hexdigest()[:32]


def no_device_key() -> bool:
    return not request.headers.get("Authorization", "").partition(" ")[2].strip()


def _limit(name: str) -> str:
    return str(current_app.config[name])


# Every route a device sends by (answers, doors, voice chunks) shares two allowances: one
# per device key, one per address. A busy morning (20 tablets behind one community
# centre's connection) stays far below both; a runaway or hostile sender does not.
send_per_device = limiter.shared_limit(
    lambda: _limit("SEND_LIMIT_PER_DEVICE"),
    scope="send-device",
    key_func=sending_key,
    exempt_when=no_device_key,
)
send_per_address = limiter.shared_limit(
    lambda: _limit("SEND_LIMIT_PER_ADDRESS"), scope="send-address"
)
