"""flask --app survey_app create-user: the first coordinator, and anyone after."""

from __future__ import annotations

import click
from flask import Flask

from .. import storage
from ..storage.accounts import ROLES, EmailTaken
from ..storage.passwords import password_problem


def init_app(app: Flask) -> None:
    @app.cli.command("create-user")
    @click.option("--email", required=True)
    @click.option("--name", required=True)
    @click.option("--role", type=click.Choice(ROLES), default="coordinator", show_default=True)
    @click.option("--languages", default="", help="Comma-separated codes, e.g. bn,en")
    @click.password_option(help="At least 8 characters; asked for if not given.")
    def create_user(email: str, name: str, role: str, languages: str, password: str) -> None:
        """Create an account that can sign in."""
        problem = password_problem(password, email=email, name=name)
        if problem:
            reasons = {
                "short": "use at least 8 characters",
                "common": "it is too easy to guess",
                "personal": "it contains the name or email address",
            }
            raise click.BadParameter(reasons[problem], param_hint="--password")
        codes = tuple(code.strip() for code in languages.split(",") if code.strip())
        try:
            user = storage.accounts.create_user(
                storage.get_db(),
                email=email,
                name=name,
                role=role,
                password=password,
                languages=codes,
            )
        except EmailTaken:
            raise click.ClickException(f"{email} already has an account") from None
        click.echo(f"Created {user.role} {user.name} <{user.email}>")
