"""Forms of the report and "you said, we did" pages."""

from __future__ import annotations

import uuid

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from ..admin.forms import CheckboxesField

SECTION_NAMES = {
    "gathering": _l("How the responses were gathered"),
    "engagement": _l("Responses and doors knocked over time (run charts)"),
    "themes": _l("Themes, with quotes"),
    "breakdowns": _l("Who said what: by language and by the questions about people"),
    "involvement": _l("People who offered to get involved (a number only)"),
    "method": _l("How the themes were found and reviewed"),
}


def _new_id() -> str:
    return uuid.uuid4().hex


class ReportForm(FlaskForm):
    # Made when the form is shown and sent back with it: saving twice saves once.
    request_id = HiddenField(default=_new_id, validators=[Length(max=64)])
    title = StringField(
        _l("Title"),
        validators=[DataRequired(_l("Give the report a title.")), Length(max=200)],
    )
    introduction = TextAreaField(
        _l("Introduction"),
        description=_l("A few words for the reader: who did this, why, and what comes next."),
        validators=[
            Length(max=10000, message=_l("Keep the introduction under 10,000 characters."))
        ],
    )
    sections = CheckboxesField(
        _l("What the report holds"),
        choices=[SelectChoice(k, v) for k, v in SECTION_NAMES.items()],
        default=list(SECTION_NAMES),
        validators=[DataRequired(_l("Choose at least one section."))],
    )


class ActionForm(FlaskForm):
    request_id = HiddenField(default=_new_id, validators=[Length(max=64)])
    text = TextAreaField(
        _l("What the team or a partner did, or will do"),
        validators=[
            DataRequired(_l("Write what was done.")),
            Length(max=2000, message=_l("Keep it under 2,000 characters.")),
        ],
    )
    happened_on = DateField(
        _l("Date"), validators=[DataRequired(_l("Give the date, for example 2026-03-14."))]
    )
