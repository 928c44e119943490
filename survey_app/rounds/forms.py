"""The door log form: a few taps per door."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import UUID, DataRequired, Length, Optional, ValidationError

from ..admin.events import OUTCOME_NAMES


class DoorForm(FlaskForm):
    id = HiddenField(validators=[DataRequired(), UUID()])
    street = StringField(
        _l("Street"), validators=[DataRequired(_l("Say which street.")), Length(max=200)]
    )
    door = StringField(
        _l("Door (optional)"),
        validators=[Optional(), Length(max=200)],
        description=_l("The number or name the coordinator asked for."),
    )
    outcome = RadioField(
        _l("What happened?"),
        choices=[SelectChoice(key, name) for key, name in OUTCOME_NAMES.items()],
        validators=[DataRequired(_l("Say what happened at the door."))],
    )
    # No Optional(): it would stop the chain before validate_language could ask for one.
    language = SelectField(_l("Which language is needed?"), validate_choice=False)

    def validate_language(self, field: SelectField) -> None:
        offered = {choice.value for choice in field.choices or () if choice.value}
        if self.outcome.data == "needs_language" and field.data not in offered:
            raise ValidationError(str(_l("Say which language is needed.")))
