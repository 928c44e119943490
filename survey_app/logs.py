"""Log lines that stay one line each: a newline in a message (or a traceback) is written
as ``\\n``, so nothing a person types can forge a line of its own."""

from __future__ import annotations

import logging

FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"


class OneLineFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        return text.replace("\\", "\\\\").replace("\r", "\\r").replace("\n", "\\n")


def configure(level: int = logging.INFO) -> None:
    """Send every log record to standard error, one line each."""
    handler = logging.StreamHandler()
    handler.setFormatter(OneLineFormatter(FORMAT))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
