"""The purge of what is past its survey's keeping period: on demand (``flask purge``)
and once a day while the server runs (``run.py``)."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from flask import Flask

from .. import storage

log = logging.getLogger(__name__)


def purge_now(app: Flask) -> dict[str, int]:
    """Purge once, on a connection of its own; what was removed, as counts."""
    db = storage.connect(app.config["DATABASE"])
    try:
        return storage.retention.purge(db, Path(app.config["RECORDINGS_FOLDER"]))
    finally:
        db.close()


def start_daily(app: Flask, hours: float, first_after: float = 60.0) -> threading.Event:
    """Purge ``first_after`` seconds from now, then every ``hours``; set the event to stop."""
    stop = threading.Event()

    def loop() -> None:
        wait = first_after
        while not stop.wait(wait):
            wait = hours * 3600
            try:
                counts = purge_now(app)
            except Exception:  # a busy database today is tried again tomorrow
                log.exception("the daily purge failed")
                continue
            log.info("daily purge: %s", counts)

    threading.Thread(target=loop, name="daily-purge", daemon=True).start()
    return stop
