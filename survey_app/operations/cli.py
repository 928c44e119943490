"""Commands for whoever runs the server: ``flask --app survey_app purge``, ``backup``
and ``restore``."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app

from . import backups
from .purging import purge_now


def _passphrase(path: str | None, confirm: bool) -> str:
    """From a file (for a scheduled backup: readable by the service's user alone), or asked."""
    if path:
        return Path(path).read_text(encoding="utf-8").strip()
    return str(click.prompt("Passphrase", hide_input=True, confirmation_prompt=confirm))


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

    @app.cli.command("backup")
    @click.argument("output", type=click.Path(dir_okay=False))
    @click.option("--passphrase-file", type=click.Path(exists=True, dir_okay=False))
    def backup(output: str, passphrase_file: str | None) -> None:
        """Write an encrypted copy of the database and recordings to OUTPUT (the app may run)."""
        try:
            made = backups.make(
                Path(current_app.config["DATABASE"]),
                Path(current_app.config["RECORDINGS_FOLDER"]),
                Path(output),
                _passphrase(passphrase_file, confirm=True),
            )
        except backups.BackupError as error:
            raise click.ClickException(str(error)) from None
        click.echo(
            f"Backup written to {made.path}: the database and {made.recordings} voice "
            f"recordings, {made.bytes} bytes, encrypted."
        )

    @app.cli.command("restore")
    @click.argument("backup_file", type=click.Path(exists=True, dir_okay=False))
    @click.option("--passphrase-file", type=click.Path(exists=True, dir_okay=False))
    @click.option("--replace", is_flag=True, help="Replace the database there now (app stopped).")
    def restore(backup_file: str, passphrase_file: str | None, replace: bool) -> None:
        """Put a backup's database and recordings in place of the configured ones."""
        try:
            done = backups.restore(
                Path(backup_file),
                _passphrase(passphrase_file, confirm=False),
                Path(current_app.config["DATABASE"]),
                Path(current_app.config["RECORDINGS_FOLDER"]),
                replace,
            )
        except backups.BackupError as error:
            raise click.ClickException(str(error)) from None
        click.echo(f"Restored the database and {done.recordings} voice recordings.")
        if done.erased_again:
            click.echo(
                f"Erased again {done.erased_again} responses erased after the backup was made."
            )
        click.echo("Start the app again.")
