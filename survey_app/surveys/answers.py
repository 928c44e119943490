"""Check a respondent's answers against a survey: clean data out, or messages per field.

Used by the web form now and by the sync API later, so it takes plain mappings
of field name to submitted values. Messages are translated into the language
of the current request, which is the respondent's.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time

from flask import current_app
from flask_babel import format_decimal, get_locale, gettext
from flask_babel import lazy_gettext as _l

from . import geopoint
from .model import (
    ACKNOWLEDGED,
    CALCULATED_TYPES,
    CHOICE_TYPES,
    DISPLAY_TYPES,
    NO,
    YES,
    Question,
    Step,
    Survey,
)

GLOSS_SUFFIX = "__gloss"
# The language a free-text answer was given in, when a volunteer says it is not the
# screen's: one of the offered languages, or "other".
LANGUAGE_SUFFIX = "__language"
OTHER_LANGUAGE = "other"
MODES = ("self", "assisted")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^\+?[0-9 ()\-]{7,20}$")
_INTEGER = re.compile(r"^-?[0-9]+$")
_DECIMAL = re.compile(r"^-?[0-9]+(\.[0-9]+)?$")
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
# What the browser's time and date-and-time inputs send: 14:30, 14:30:15, 2026-12-04T14:30.
_TIME = re.compile(r"^[0-9]{2}:[0-9]{2}(:[0-9]{2})?$")
_DATETIME = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2})?$")
NUMBER_TYPES = frozenset({"integer", "decimal"})

Raw = Mapping[str, list[str]]

# One place for every message about an answer: the server formats them, and the
# survey page hands the same translations to the offline client.
MESSAGES = {
    "consent": _l("Please tick the box to say you agree, or close this page to stop."),
    "choose": _l("Please choose an answer."),
    "answer": _l("Please answer this question."),
    "only_one": _l("Please choose only one answer."),
    "unknown_choice": _l("Please choose one of the answers shown."),
    "email": _l("Please enter an email address like name@example.com."),
    "phone": _l("Please enter a phone number using only digits, spaces and a +."),
    "one_of": _l("Please give a phone number or an email address."),
    "too_long": _l("Please shorten this to %(limit)s characters or fewer. It has %(count)s."),
    "integer": _l("Please enter a whole number, using digits only."),
    "decimal": _l("Please enter a number, using digits and a decimal point if needed."),
    "date": _l("Please enter a real date: year, month and day."),
    "time": _l("Please enter a time of day: hours and minutes."),
    "datetime": _l("Please enter a real date and a time of day."),
    "geopoint": _l(
        "Please give a latitude between -90 and 90 and a longitude between -180 and 180, "
        "as numbers with a decimal point."
    ),
    "acknowledge": _l("Please tick the box to go on."),
    "constraint": _l("This answer is not one the survey can accept. Please check it."),
    "language": _l("Please choose one of the languages shown."),
}


def _message(key: str) -> str:
    return str(MESSAGES[key])


@dataclass
class Submission:
    """A valid response, split the way storage keeps it."""

    answers: dict[str, list[str]] = field(default_factory=dict)
    glosses: dict[str, str] = field(default_factory=dict)
    # Answers given in another language than the screen's, by question.
    languages: dict[str, str] = field(default_factory=dict)
    flags: dict[str, bool] = field(default_factory=dict)
    contact: dict[str, str] = field(default_factory=dict)


def clean_text(value: str) -> str:
    """Normalise what a person typed without changing what they said."""
    value = unicodedata.normalize("NFC", value.replace("\r\n", "\n").replace("\r", "\n"))
    return _CONTROL.sub("", value).strip()


def ascii_number(value: str) -> str:
    """Digits in any script (৩, ٣) as 0-9, and a decimal comma as a point, for a number."""
    digits = "".join(
        str(unicodedata.digit(char)) if unicodedata.digit(char, None) is not None else char
        for char in value
    )
    return digits.replace(",", ".").replace("٫", ".").replace(" ", "")


def _location_part(value: str) -> str:
    return ascii_number(clean_text(value))


def gather(survey: Survey, getlist: Callable[[str], list[str]]) -> dict[str, list[str]]:
    """Every question's submitted values (and glosses), cleaned, from form-like data.

    A survey with repeats is read twice: the answers outside them, with how many instances
    each repeat has, say which copies of its questions (``members[2]/age``) to read.
    """
    raw = _gather(survey, getlist)
    if not survey.has_repeats():
        return raw
    for step in survey.steps:
        if step.repeat is not None:
            raw[step.id] = [v for v in (clean_text(v) for v in getlist(step.id)) if v][:1]
    return _gather(survey.expanded(raw), getlist)


def _gather(survey: Survey, getlist: Callable[[str], list[str]]) -> dict[str, list[str]]:
    raw: dict[str, list[str]] = {}
    answered = (
        q
        for step in survey.steps
        if step.repeat is None or step.repeat.instances is not None
        for q in step.questions
    )
    for question in answered:
        if question.type in DISPLAY_TYPES or question.read_only:
            continue
        if question.type == "geopoint":
            raw[question.id] = geopoint.compose(question.id, getlist, _location_part)
            continue
        values = [clean_text(v) for v in getlist(question.id)]
        if question.type in NUMBER_TYPES:
            values = [ascii_number(v) for v in values]
        raw[question.id] = [v for v in values if v]
        if question.gloss:
            for suffix in (GLOSS_SUFFIX, LANGUAGE_SUFFIX):
                extra = [clean_text(v) for v in getlist(question.id + suffix)]
                raw[question.id + suffix] = [v for v in extra if v]
    return raw


def answer_languages(survey: Survey) -> set[str]:
    """The codes an answer's language may take: the app's languages, those only the
    survey's form has (Tigrinya), and "another language"."""
    return {*current_app.config["LANGUAGES"], *survey.languages(), OTHER_LANGUAGE}


def _too_long(text: str, limit: int) -> str | None:
    if len(text) <= limit:
        return None
    return _message("too_long") % {
        "limit": format_decimal(limit),
        "count": format_decimal(len(text)),
    }


def _real(pattern: re.Pattern[str], read: Callable[[str], object], value: str) -> bool:
    """Whether ``value`` has the browser's format and names a real date or time."""
    if not pattern.match(value):
        return False
    try:
        read(value)
    except ValueError:
        return False
    return True


def _is_date(value: str) -> bool:
    return _real(_DATE, date.fromisoformat, value)


def _is_time(value: str) -> bool:
    return _real(_TIME, time.fromisoformat, value)


def _is_datetime(value: str) -> bool:
    return _real(_DATETIME, datetime.fromisoformat, value)


def _own_text(survey: Survey, question: Question, part: str) -> str | None:
    """A question's own message (``required_message``, ``constraint_message``), translated."""
    key = f"question.{question.id}.{part}"
    return survey.text(key, get_locale_code()) if survey.has_text(key) else None


def get_locale_code() -> str:
    locale = get_locale()
    return str(locale.language) if locale is not None else "en"


def _question_error(
    survey: Survey,
    question: Question,
    values: list[str],
    limit: int,
    answers: Raw | None = None,
) -> str | None:
    if question.type in DISPLAY_TYPES or question.type in CALCULATED_TYPES or question.read_only:
        return None
    if not values:
        if not question.required:
            return None
        if _own_text(survey, question, "required_message"):
            return _own_text(survey, question, "required_message")
        if question.type == "consent":
            return _message("consent")
        if question.type == "acknowledge":
            return _message("acknowledge")
        if question.type in CHOICE_TYPES or question.type == "yes_no":
            return _message("choose")
        return _message("answer")
    if question.type not in {"multiple_choice"} and len(values) > 1:
        return _message("only_one")
    if question.type == "consent" and values != [YES]:
        return _message("consent")
    if question.type == "yes_no" and values[0] not in {YES, NO}:
        return _message("unknown_choice")
    if question.type in CHOICE_TYPES:
        allowed = {choice.value for choice in survey.choices_for(question, answers or {})}
        if any(value not in allowed for value in values) or len(set(values)) != len(values):
            return _message("unknown_choice")
    if question.type == "email" and not _EMAIL.match(values[0]):
        return _message("email")
    if question.type == "phone" and not _PHONE.match(values[0]):
        return _message("phone")
    if question.type == "acknowledge" and values != [ACKNOWLEDGED]:
        return _message("acknowledge")
    if question.type == "integer" and not _INTEGER.match(values[0]):
        return _message("integer")
    if question.type == "decimal" and not _DECIMAL.match(values[0]):
        return _message("decimal")
    if question.type == "date" and not _is_date(values[0]):
        return _message("date")
    if question.type == "time" and not _is_time(values[0]):
        return _message("time")
    if question.type == "datetime" and not _is_datetime(values[0]):
        return _message("datetime")
    if question.type == "geopoint" and not geopoint.is_location(values[0]):
        return _message("geopoint")
    too_long = _too_long(values[0], limit)
    if too_long:
        return too_long
    if question.constraint is not None and not question.constraint.holds(answers or {}, values):
        return _own_text(survey, question, "constraint_message") or _message("constraint")
    return None


def validate_step(
    survey: Survey,
    step: Step,
    raw: Raw,
    *,
    mode: str,
    max_length: int,
    questions: list[Question] | None = None,
    kept: Raw | None = None,
    voiced: frozenset[str] = frozenset(),
) -> dict[str, str]:
    """Messages for the fields of one step that need mending, keyed by field name.

    ``questions`` are the step's applicable questions and ``kept`` the answers that
    count, when the caller knows them (a batch of responses saves working them out again).
    """
    errors: dict[str, str] = {}
    if questions is None:
        questions = survey.applicable_questions(step, raw)
    if kept is None:
        kept = survey.effective_answers(raw)
    for question in questions:
        values = raw.get(question.id, [])
        # A voice answer answers a free-text question as typing does.
        message = (
            None
            if not values and question.id in voiced and question.free_text
            else _question_error(survey, question, values, max_length, kept)
        )
        if message:
            errors[question.id] = message
        gloss = raw.get(question.id + GLOSS_SUFFIX, [])
        if question.gloss and mode == "assisted" and gloss:
            message = _too_long(gloss[0], max_length)
            if message:
                errors[question.id + GLOSS_SUFFIX] = message
        spoken = raw.get(question.id + LANGUAGE_SUFFIX, [])
        if question.gloss and mode == "assisted" and spoken:
            if len(spoken) > 1 or spoken[0] not in answer_languages(survey):
                errors[question.id + LANGUAGE_SUFFIX] = _message("language")
    if step.require_one_of and not any(raw.get(qid) for qid in step.require_one_of):
        first = step.require_one_of[0]
        errors.setdefault(first, _message("one_of"))
    return errors


def validate_response(
    survey: Survey,
    raw: Raw,
    *,
    mode: str,
    max_length: int,
    applicable: list[tuple[Step, list[Question]]] | None = None,
    kept: Raw | None = None,
    voiced: frozenset[str] = frozenset(),
) -> tuple[Submission | None, dict[str, str], Step | None]:
    """Check every step a respondent saw.

    Returns the submission, or ``None`` with the messages and the first step
    that needs mending. Answers to questions that no longer apply (a person
    said yes, gave a phone number, went back and said no) are dropped, so
    nothing is kept that the person did not mean to give.
    """
    errors: dict[str, str] = {}
    first_bad: Step | None = None
    submission = Submission()
    if kept is None:
        kept = survey.effective_answers(raw)
    if applicable is None:
        applicable = survey.applicable(raw, kept)
    for step, questions in applicable:
        step_errors = validate_step(
            survey,
            step,
            raw,
            mode=mode,
            max_length=max_length,
            questions=questions,
            kept=kept,
            voiced=voiced,
        )
        if step_errors and first_bad is None:
            first_bad = step
        errors.update(step_errors)
        for question in questions:
            # A calculated value is the server's own working, never what was sent.
            source = kept if question.type in CALCULATED_TYPES or question.read_only else raw
            values = list(source.get(question.id, []))
            if question.records:
                # Consent answers live on the response row, not among the answers.
                submission.flags[question.records] = values == [YES]
                continue
            if not values:
                continue
            if question.contact:
                submission.contact[question.contact] = values[0]
                continue
            submission.answers[question.id] = values
            gloss = raw.get(question.id + GLOSS_SUFFIX, [])
            if question.gloss and mode == "assisted" and gloss:
                submission.glosses[question.id] = gloss[0]
            spoken = raw.get(question.id + LANGUAGE_SUFFIX, [])
            if question.gloss and mode == "assisted" and spoken:
                submission.languages[question.id] = spoken[0]
    if errors:
        return None, errors, first_bad
    for flag in ("consent", "quote_consent", "contact_consent"):
        submission.flags.setdefault(flag, False)
    if not submission.flags["contact_consent"]:
        submission.contact = {}
    return submission, {}, None


def unexpected_answers(
    survey: Survey,
    raw: Raw,
    *,
    mode: str,
    applicable: list[tuple[Step, list[Question]]] | None = None,
) -> dict[str, str]:
    """Fields that name no question, or a question these answers do not lead to.

    The web form drops such fields; a device sending JSON is told, so that a
    client and the server that disagree about the survey find out at once.
    """
    known = {q.id: q for q in survey.questions()}
    steps = applicable if applicable is not None else survey.applicable(raw)
    applies = {q.id for _step, questions in steps for q in questions}
    errors: dict[str, str] = {}
    for name, values in raw.items():
        if not values:
            continue
        question_id = name.removesuffix(GLOSS_SUFFIX).removesuffix(LANGUAGE_SUFFIX)
        question = known.get(question_id)
        if question is None or (name != question_id and not question.gloss):
            errors[name] = gettext("This survey has no such question.")
        elif question_id not in applies:
            errors[name] = gettext("This question does not apply, given the other answers.")
        elif name.endswith(GLOSS_SUFFIX) and mode != "assisted":
            errors[name] = gettext("Only a volunteer-assisted response can have a gloss.")
        elif name.endswith(LANGUAGE_SUFFIX) and mode != "assisted":
            errors[name] = gettext(
                "Only a volunteer-assisted response can name an answer's language."
            )
    return errors
