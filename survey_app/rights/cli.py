"""``flask --app survey_app purge``: remove what is past its keeping period, and say what."""

from __future__ import annotations

import click
from flask import Flask, current_app

from .purging import purge_now


def init_app(app: Flask) -> None:
    @app.cli.command("purge")
    def purge() -> None:
        """Delete answers and contact details kept past their survey's period."""
        counts = purge_now(current_app._get_current_object())  # type: ignore[attr-defined]
        click.echo(
            f"Removed responses: {counts['responses']} (answers: {counts['answers']}, voice "
            f"recordings: {counts['recordings']}, quotes in saved reports: "
            f"{counts['report_quotes']}). Contact details removed from more responses: "
            f"{counts['contacts']}."
        )
