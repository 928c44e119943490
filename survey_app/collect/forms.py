"""Forms of the collect screens. Survey questions are data, checked by surveys.answers;
this form carries CSRF and the fields that say which response and step this is."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField
from wtforms.validators import UUID, AnyOf, DataRequired, Optional, Regexp

from ..surveys.answers import MODES


class SurveyPageForm(FlaskForm):
    response_id = HiddenField(validators=[DataRequired(), UUID()])
    survey_version = HiddenField(validators=[DataRequired(), Regexp(r"^[1-9][0-9]{0,5}$")])
    mode = HiddenField(validators=[AnyOf(MODES)])
    step = HiddenField(validators=[DataRequired()])
    event = HiddenField(validators=[Optional(), Regexp(r"^[0-9A-Z]{6}$")])
    # When the person began (ODK's "start"), carried from the first page to the last.
    started = HiddenField(validators=[Optional()])
    # A language only the form has (Tigrinya) that the survey's texts are shown in.
    texts = HiddenField(validators=[Optional(), Regexp(r"^[A-Za-z]{2,3}(_[A-Za-z0-9]{2,8}){0,2}$")])

    def tampered(self) -> bool:
        """True when the response id, mode or step is wrong: the page was changed.

        A wrong survey version is not counted: it is mended by showing the current
        version with the person's answers, as a survey changed meanwhile would be.
        """
        mended = {"csrf_token", "survey_version", "event", "texts"}
        return any(name not in mended for name in self.errors)

    def version(self) -> int | None:
        if "survey_version" in self.errors:
            return None
        return int(self.survey_version.data or 0)

    def csrf_failed(self) -> bool:
        return "csrf_token" in self.errors
