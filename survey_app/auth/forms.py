"""Forms of the sign-in screens."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Length


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
