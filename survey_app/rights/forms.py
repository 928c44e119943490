"""Forms of the residents' requests page."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, StringField
from wtforms.validators import DataRequired, Length


class FindForm(FlaskForm):
    # Posted, never in the address: a phone number or email must not reach a log or history.
    typed = StringField(
        _l("Reference, email, phone number or name"),
        description=_l(
            "The reference on the resident's thank-you screen or card (like K7QM-4TXD), or "
            "the contact details exactly as they gave them."
        ),
        validators=[
            DataRequired(_l("Type a reference or contact detail.")),
            Length(max=200, message=_l("This is too long.")),
        ],
    )


class ResponseForm(FlaskForm):
    response = HiddenField(validators=[DataRequired(), Length(max=100)])


class EraseForm(ResponseForm):
    confirm = BooleanField(
        _l("I have checked this is the resident's own response, and it cannot be undone"),
        validators=[DataRequired(_l("Tick the box to confirm the erasure."))],
    )
