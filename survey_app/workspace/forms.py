"""Forms of the analysis pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from .runner import MOST_THEMES


class GlossForm(FlaskForm):
    survey_id = HiddenField(validators=[DataRequired()])
    response_id = HiddenField(validators=[DataRequired()])
    question_id = HiddenField(validators=[DataRequired()])
    gloss = TextAreaField(
        _l("English gloss"),
        validators=[
            DataRequired(_l("Write the gloss in English, or leave this answer for someone else.")),
            Length(max=5000, message=_l("Keep the gloss under 5,000 characters.")),
        ],
    )


class TranscriptForm(FlaskForm):
    """What a resident said in a voice answer, in their words, and optionally in English."""

    recording_id = HiddenField(validators=[DataRequired()])
    transcript = TextAreaField(
        _l("What the resident said, in the language they spoke"),
        validators=[
            DataRequired(_l("Write down what the resident said, or leave it for someone else.")),
            Length(max=5000, message=_l("Keep the transcript under 5,000 characters.")),
        ],
    )
    gloss = TextAreaField(
        _l("English gloss"),
        validators=[Length(max=5000, message=_l("Keep the gloss under 5,000 characters."))],
    )


class CheckForm(FlaskForm):
    survey_id = HiddenField(validators=[DataRequired()])
    response_id = HiddenField(validators=[DataRequired()])
    question_id = HiddenField(validators=[DataRequired()])


class RunForm(FlaskForm):
    """Start an analysis, optionally of some answers only or with a number of themes."""

    themes_wanted = IntegerField(
        _l("Number of themes (optional)"),
        description=_l("Leave empty to let the analysis suggest a number."),
        validators=[
            Optional(),
            NumberRange(2, MOST_THEMES, message=_l("Choose between %(min)s and %(max)s themes.")),
        ],
    )
    event = SelectField(_l("Only answers from this event"), choices=[], default="")
    language = SelectField(_l("Only answers in this language"), choices=[], default="")
    since = DateField(_l("Received from (optional)"), validators=[Optional()])
    until = DateField(_l("Received until (optional)"), validators=[Optional()])


class VersionForm(FlaskForm):
    """A change to a theme carries the version the page showed."""

    version = HiddenField(validators=[DataRequired()])


class RenameForm(VersionForm):
    name = StringField(
        _l("Theme name"),
        validators=[
            DataRequired(_l("Give the theme a name.")),
            Length(max=120, message=_l("Keep the name under 120 characters.")),
        ],
    )
    description = TextAreaField(
        _l("Description"),
        description=_l("What residents said in this theme, in a sentence or two."),
        validators=[Length(max=2000, message=_l("Keep the description under 2,000 characters."))],
    )
