"""Forms of the coordinators' pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired


class ImportForm(FlaskForm):
    file = FileField(
        _l("File saved on a volunteer's device"),
        description=_l("The .json file made by 'Save waiting answers to a file'."),
        validators=[FileRequired(_l("Choose the file to import."))],
    )
