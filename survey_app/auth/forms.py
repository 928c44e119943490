"""Forms of the sign-in screens."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from ..storage.passwords import password_problem


class SignInForm(FlaskForm):
    email = EmailField(
        _l("Email address"), validators=[DataRequired(_l("Enter your email address."))]
    )
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Enter your password."))])
    device_label = StringField(
        _l("Name of this device (optional)"),
        description=_l(
            "For example 'Tablet 3'. Volunteers: this tablet can then send answers "
            "collected offline, however long it stays offline."
        ),
        validators=[Length(max=100)],
    )


class EmptyForm(FlaskForm):
    """A POST-only button still carries a CSRF token."""


PASSWORD_MESSAGES = {
    "short": _l("Use at least 8 characters."),
    "common": _l(
        "This password is too easy to guess. Try three or four words that do not belong together."
    ),
    "personal": _l("Do not use your name or email address in your password."),
}


class WelcomeForm(FlaskForm):
    """An invited person chooses their password."""

    password = PasswordField(
        _l("Choose a password"),
        description=_l(
            "At least 8 characters. Several ordinary words together are easy to "
            "remember and hard to guess."
        ),
        validators=[DataRequired(_l("Enter your password."))],
    )
    confirm = PasswordField(
        _l("Type it again"),
        validators=[
            DataRequired(_l("Type the password again.")),
            EqualTo("password", _l("The two passwords are not the same.")),
        ],
    )

    def __init__(self, *args: object, email: str = "", name: str = "", **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self._email, self._name = email, name

    def validate_password(self, field: PasswordField) -> None:
        problem = password_problem(field.data or "", email=self._email, name=self._name)
        if problem:
            raise ValidationError(str(PASSWORD_MESSAGES[problem]))
