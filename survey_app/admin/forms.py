"""Forms of the coordinators' pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    DateField,
    EmailField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp
from wtforms.widgets import CheckboxInput, ListWidget

from ..surveys.loader import DEFAULT_SURVEY_ID


class ImportForm(FlaskForm):
    file = FileField(
        _l("File saved on a volunteer's device"),
        description=_l("The .json file made by 'Save waiting answers to a file'."),
        validators=[FileRequired(_l("Choose the file to import."))],
    )


KIND_NAMES = {
    "door_knocking": _l("Door-knocking round"),
    "world_cafe": _l("World Café"),
    "drop_in": _l("Drop-in (for example a GP reception)"),
    "online": _l("Online link"),
}


class CheckboxesField(SelectMultipleField):
    """Several choices as tick boxes: easy with a finger, unlike a box that needs Ctrl-click."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class EventForm(FlaskForm):
    kind = SelectField(
        _l("Kind of event"), choices=[SelectChoice(k, v) for k, v in KIND_NAMES.items()]
    )
    name = StringField(
        _l("Name"),
        validators=[DataRequired(_l("Give the event a name.")), Length(max=200)],
        description=_l("For example 'Door-knocking, Millwall, 14 March'."),
    )
    survey = SelectField(
        _l("Survey"),
        default=DEFAULT_SURVEY_ID,
        description=_l(
            "Which survey people answer at this event. Keep it on one version so that a "
            "change to the survey does not reach people half-way through the event."
        ),
    )
    starts_on = DateField(_l("Date (optional)"), validators=[Optional()])
    starts_at = TimeField(_l("Time (optional)"), validators=[Optional()])
    area = TextAreaField(_l("Area or streets (optional)"), validators=[Length(max=2000)])
    host = StringField(_l("Host (optional)"), validators=[Length(max=200)])
    tables = IntegerField(
        _l("Number of tables (World Café, optional)"),
        validators=[Optional(), NumberRange(min=1, max=200)],
    )
    volunteers = CheckboxesField(
        _l("Volunteers (door-knocking rounds)"), coerce=int, validate_choice=False
    )
    languages = CheckboxesField(
        _l("Languages for the leaflet"),
        description=_l("The leaflet and QR code show the survey's name in each of these."),
    )


EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
ROLE_NAMES = {
    "volunteer": _l("Volunteer"),
    "coordinator": _l("Coordinator"),
    "analyst": _l("Analysis team"),
}


class InviteForm(FlaskForm):
    name = StringField(
        _l("Full name"), validators=[DataRequired(_l("Give the person's name.")), Length(max=200)]
    )
    email = EmailField(
        _l("Email address"),
        validators=[
            DataRequired(_l("Give the person's email address.")),
            Regexp(EMAIL_PATTERN, message=_l("Enter an email address like name@example.com.")),
            Length(max=320),
        ],
    )
    role = SelectField(_l("Role"), choices=[SelectChoice(k, v) for k, v in ROLE_NAMES.items()])
    languages = CheckboxesField(
        _l("Languages they speak"),
        description=_l("So that doors needing a language can be matched to someone who speaks it."),
    )


class ChoicesFileForm(FlaskForm):
    """One file of choices a form reads (``select_one_from_file clinics.csv``)."""

    name = HiddenField()
    file = FileField(
        _l("The file of choices (.csv, .xml or .geojson)"),
        validators=[FileRequired(_l("Choose the file to attach."))],
    )


class XLSFormUploadForm(FlaskForm):
    file = FileField(
        _l("XLSForm spreadsheet (.xlsx)"),
        description=_l(
            "Sheets 'survey', 'choices' and 'settings', as ODK and KoboToolbox use them."
        ),
        validators=[FileRequired(_l("Choose the spreadsheet to upload."))],
    )


class RetentionForm(FlaskForm):
    answers_days = IntegerField(
        _l("Keep answers for this many days"),
        description=_l(
            "Counted from the day each person answered. After it, the answers, voice "
            "recordings and everything made from them are deleted. Leave empty to keep them "
            "until they are erased by hand."
        ),
        validators=[Optional(), NumberRange(1, 36500, _l("Give a number of days from 1."))],
    )
    contacts_days = IntegerField(
        _l("Keep contact details for this many days"),
        description=_l(
            "Names, phone numbers and emails of people who agreed to be contacted. Usually "
            "shorter than the answers. Leave empty to keep them until they are erased by hand."
        ),
        validators=[Optional(), NumberRange(1, 36500, _l("Give a number of days from 1."))],
    )
