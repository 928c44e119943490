"""How fast a sender may send answers, doors and voice chunks.

A known device (its key is valid and not revoked) has an allowance of its own,
``SEND_LIMIT_PER_DEVICE``; everything else (a resident's own phone, an unknown or made-up
key) shares its address's, ``SEND_LIMIT_PER_ADDRESS``. The allowances are read by the
``limits`` library (Flask-Limiter's own); the counting is a fixed window in a dict under a
lock: Flask-Limiter's decorator, and ``limits``' memory storage with its expiry timers,
cost each request 0.1–0.2 ms, a tenth of the ingest rate (docs/benchmarks.md).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from functools import lru_cache, wraps
from typing import Any, TypeVar, cast

from flask import current_app, g, request
from flask_limiter.util import get_remote_address
from limits import RateLimitItem, parse
from werkzeug.exceptions import TooManyRequests

from .. import storage
from ..storage.accounts import Device

F = TypeVar("F", bound=Callable[..., Any])


class _FixedWindows:
    """Requests per key in the current window; in memory, as the sign-in limits (one
    process serves the app)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: dict[str, tuple[int, int]] = {}

    def hit(self, key: str, amount: int, seconds: int) -> int | None:
        """Count a request; None when allowed, else the seconds until the next window."""
        now = time.time()
        window = int(now // seconds)
        with self._lock:
            start, count = self._counts.get(key, (window, 0))
            if start != window:
                start, count = window, 0
                if len(self._counts) > 10_000:  # forget keys of windows gone by
                    self._counts = {k: v for k, v in self._counts.items() if v[0] == window}
            count += 1
            self._counts[key] = (start, count)
        if count <= amount:
            return None
        return max(1, int((start + 1) * seconds - now) + 1)


@lru_cache(maxsize=8)
def _allowance(text: str) -> RateLimitItem:
    return parse(text)


def known_device() -> Device | None:
    """The sending device when its key is good, looked up once a request."""
    if "wm_device" not in g:
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        device = None
        if scheme.lower() == "bearer" and token.strip():
            device = storage.accounts.device_for_token(storage.get_db(), token.strip())
        g.wm_device = device if device is not None and not device.revoked else None
    found: Device | None = g.wm_device
    return found


def _check() -> None:
    if not current_app.config.get("RATELIMIT_ENABLED", True):
        return
    device = known_device()
    if device is not None:
        key, name = f"device:{device.id}", "SEND_LIMIT_PER_DEVICE"
    else:
        key, name = f"address:{get_remote_address()}", "SEND_LIMIT_PER_ADDRESS"
    item = _allowance(str(current_app.config[name]))
    # Counts belong to the app (a new app, a test's, never inherits another's).
    windows = current_app.extensions.setdefault("send_limits", _FixedWindows())
    wait = windows.hit(key, item.amount, item.get_expiry())
    if wait is not None:
        raise TooManyRequests(retry_after=wait)


def send_limit(view: F) -> F:
    """Count the request against its sender's allowance before the view runs."""

    @wraps(view)
    def limited(*args: Any, **kwargs: Any) -> Any:
        _check()
        return view(*args, **kwargs)

    return cast(F, limited)
