"""A survey as data: steps, questions, choice lists, skip rules and translations.

A definition is plain JSON (see ``what-matters/survey.json``). Texts are
written in the survey's default language; every other language lives in
``translations[lang][key]`` where the key names the text (``question.q.label``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from .expressions import (
    POSITION,
    Expression,
    ExpressionError,
    parse,
    today,
)

QUESTION_TYPES = frozenset(
    {
        "long_text",
        "short_text",
        "email",
        "phone",
        "single_choice",
        "multiple_choice",
        "yes_no",
        "consent",
        "integer",
        "decimal",
        "date",
        "time",
        "datetime",
        "geopoint",
        "note",
        "acknowledge",
        "calculate",
        "unsupported",
    }
)
# Questions that show something but take no answer: a note, and a question of a kind the
# app does not collect yet (a photo, a line on a map), shown as a notice.
DISPLAY_TYPES = frozenset({"note", "unsupported"})
# Worked out from other answers (XLSForm's calculate), never asked.
CALCULATED_TYPES = frozenset({"calculate"})
# The value a ticked acknowledge box gives, as in ODK.
ACKNOWLEDGED = "OK"
DEFAULT_VOICE_SECONDS = 180
MAX_VOICE_SECONDS = 600
FREE_TEXT_TYPES = frozenset({"long_text", "short_text"})
CHOICE_TYPES = frozenset({"single_choice", "multiple_choice"})
YES, NO = "yes", "no"
# What a question's answer may record on the response itself, instead of as an answer.
CONSENT_FLAGS = frozenset({"consent", "quote_consent", "contact_consent"})
# Contact questions are stored apart from the answers, in their own table.
CONTACT_FIELDS = frozenset({"name", "phone", "email"})


class SurveyDefinitionError(ValueError):
    """A survey file that cannot be used, with the reason."""


@dataclass(frozen=True)
class Choice:
    value: str
    group: str | None = None
    # The choices sheet's other columns, which a choice_filter reads ("area": "north").
    columns: tuple[tuple[str, str], ...] = ()

    def filter_columns(self) -> dict[str, str]:
        """The columns a choice_filter sees: its own, and its name."""
        return {**dict(self.columns), "name": self.value}


@dataclass(frozen=True)
class Question:
    id: str
    type: str
    required: bool = False
    choices: str | None = None
    relevant: Expression | None = None
    gloss: bool = False
    autocomplete: str | None = None
    records: str | None = None
    contact: str | None = None
    constraint: Expression | None = None
    default: str | None = None
    calculation: Expression | None = None
    # What a question the app does not collect yet asks for ("photo", "map").
    asks: str | None = None
    # An XLSForm appearance ("minimal" shows a single choice as a drop-down list).
    appearance: str = ""
    # Which choices are offered, given the answers before (XLSForm's choice_filter).
    choice_filter: Expression | None = None
    # Shown with its value (its default, or its calculation's), never answered.
    read_only: bool = False
    # Inside a repeat: which instance (1, 2 …) this copy of the form's question asks; 0 outside.
    instance: int = 0

    @property
    def free_text(self) -> bool:
        return self.type in FREE_TEXT_TYPES

    @property
    def hidden(self) -> bool:
        """Worked out, never shown: a calculation (one the app cannot work out too)."""
        if self.read_only:
            return False  # shown with its value
        return self.type in CALCULATED_TYPES or (
            self.type == "unsupported" and self.asks == "calculation"
        )


@dataclass(frozen=True)
class Repeat:
    """A step asked once for each of several things (each person in a household).

    ``count`` is XLSForm's repeat_count, worked out from the answers before; without one
    the person adds and removes instances. ``instances`` is None in the survey as stored
    and the number of instances in a survey expanded for some answers
    (:meth:`Survey.expanded`), whose step then holds one copy of each question per instance.
    """

    count: Expression | None = None
    instances: int | None = None
    # The form's own questions of an expanded repeat, which each instance copies.
    template: tuple[Question, ...] = field(default=(), compare=False, repr=False)


# At most this many instances of a repeat: a household of fifty is a hostel, not a typo.
MAX_INSTANCES = 50


def instance_key(repeat_id: str, number: int, question_id: str) -> str:
    """The field and answer name of a question in one instance: ``members[2]/age``.

    Neither ``[`` nor ``/`` may be part of an XLSForm name, so it is never a question's id.
    """
    return f"{repeat_id}[{number}]/{question_id}"


@dataclass(frozen=True)
class Step:
    id: str
    questions: tuple[Question, ...]
    intro: bool = False
    relevant: Expression | None = None
    require_one_of: tuple[str, ...] = ()
    repeat: Repeat | None = None

    def shows_nothing(self) -> bool:
        """Only calculations (after the last repeat, say, or a repeat counted to none): no
        page of its own to see. A repeat the person adds to always has its page."""
        if self.repeat is not None and self.repeat.count is None:
            return False
        return bool(self.questions) and all(q.hidden for q in self.questions)

    def instance_questions(self, number: int) -> list[Question]:
        """The questions of one instance of an expanded repeat."""
        return [q for q in self.questions if q.instance == number]


@dataclass(frozen=True)
class Survey:
    id: str
    version: int
    default_language: str
    consent_version: str
    steps: tuple[Step, ...]
    choice_lists: Mapping[str, tuple[Choice, ...]]
    texts: Mapping[str, str]
    translations: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    definition: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)
    # ODK metadata an imported form names (``{"today": "today"}``, name to type).
    metadata: Mapping[str, str] = field(default_factory=dict)
    # Longest voice answer a resident may record, in seconds; 0 asks for typing only.
    voice_seconds: int = DEFAULT_VOICE_SECONDS

    def metadata_values(self) -> dict[str, list[str]]:
        """What expressions see of the form's metadata: ``today`` is today's date; the rest
        (start, end, deviceid …) the app records on the response, not as answers."""
        return {name: [today()] for name, kind in self.metadata.items() if kind == "today"}

    def text(self, key: str, language: str) -> str:
        """The text ``key`` in ``language``, falling back to the default language."""
        translated = self.translations.get(language, {}).get(key)
        if translated:
            return translated
        if key in self.texts:
            return self.texts[key]
        from .instances import copy_text

        copied = copy_text(self, key, lambda origin: self.text(origin, language))
        return copied if copied is not None else ""

    def text_language(self, key: str, language: str) -> str:
        """The language ``text(key, language)`` is actually written in."""
        from .instances import COPY_KEY

        found = COPY_KEY.match(key)
        if found is not None:
            key = f"question.{found['id']}.{found['part']}"
        if self.translations.get(language, {}).get(key):
            return language
        return self.default_language

    def languages(self) -> set[str]:
        """Every language the survey has texts in."""
        written = (code for code, texts in self.translations.items() if texts)
        return {self.default_language, *written}

    def has_text(self, key: str) -> bool:
        if key in self.texts:
            return bool(self.texts[key])
        from .instances import copy_text

        return bool(copy_text(self, key, lambda origin: self.texts.get(origin, "")))

    def questions(self) -> Iterator[Question]:
        for step in self.steps:
            yield from step.questions

    def has_repeats(self) -> bool:
        return any(step.repeat is not None for step in self.steps)

    def expanded(self, raw: Mapping[str, list[str]]) -> Survey:
        """This survey with each repeat asked as many times as these answers say.

        Each instance's questions are copies named ``members[2]/age`` whose conditions and
        calculations name the same instance's answers; everything that reads a survey
        (checks, pages, storage) then works on the copies as on any question. A repeat
        with a count asks that many; one without asks as many as ``raw[repeat id]`` says
        (one to start with). The repeat's own id answers how many there are.
        """
        from .instances import expand  # it builds on this module

        return expand(self, raw)

    def question(self, question_id: str) -> Question:
        for question in self.questions():
            if question.id == question_id:
                return question
        raise KeyError(question_id)

    def choices_for(
        self, question: Question, answers: Mapping[str, list[str]] | None = None
    ) -> tuple[Choice, ...]:
        """The question's choices; given the answers that count, only those its filter keeps."""
        choices = self.choice_lists.get(question.choices or "", ())
        if answers is None or question.choice_filter is None:
            return choices
        flt = question.choice_filter
        return tuple(c for c in choices if flt.keeps(answers, c.filter_columns()))

    def effective_answers(self, answers: Mapping[str, list[str]]) -> dict[str, list[str]]:
        """The answers that count: those to questions that apply, decided in survey order.

        A person who said yes to "get involved", agreed to be contacted, then went
        back and said no has a contact consent that no longer counts, so nothing
        that depends on it applies either.
        """
        kept: dict[str, list[str]] = self.metadata_values()
        for step in self.steps:
            if step.repeat is not None and step.repeat.instances is None:
                continue  # the form's own copy of a repeat: only its instances are answered
            if step.relevant is not None and not step.relevant.holds(kept):
                continue
            for question in step.questions:
                if question.relevant is not None and not question.relevant.holds(kept):
                    continue
                if question.calculation is not None:
                    # Worked out here from the answers before it, whatever was sent.
                    value = question.calculation.value(kept)
                    if value:
                        kept[question.id] = [value]
                elif question.read_only:
                    if question.default:  # a read-only question keeps its default, as in ODK
                        kept[question.id] = [question.default]
                elif question.id in answers:
                    kept[question.id] = list(answers[question.id])
        return kept

    def applicable(
        self, answers: Mapping[str, list[str]], kept: Mapping[str, list[str]] | None = None
    ) -> list[tuple[Step, list[Question]]]:
        """Each step these answers lead to, with the questions of it that apply.

        ``kept`` is ``effective_answers(answers)`` when the caller has it already.
        """
        if kept is None:
            kept = self.effective_answers(answers)
        return [
            (step, [q for q in step.questions if q.relevant is None or q.relevant.holds(kept)])
            for step in self.steps
            if step.relevant is None or step.relevant.holds(kept)
        ]

    def applicable_steps(self, answers: Mapping[str, list[str]]) -> list[Step]:
        """The steps a respondent with these answers sees, in order."""
        return [step for step, _questions in self.applicable(answers)]

    def applicable_questions(self, step: Step, answers: Mapping[str, list[str]]) -> list[Question]:
        kept = self.effective_answers(answers)
        return [q for q in step.questions if q.relevant is None or q.relevant.holds(kept)]

    def recording(self, flag: str) -> Question | None:
        """The question whose answer records consent flag ``flag``."""
        return next((q for q in self.questions() if q.records == flag), None)

    def step_index(self, step_id: str) -> int:
        for index, step in enumerate(self.steps):
            if step.id == step_id:
                return index
        raise KeyError(step_id)


def content_hash(definition: Mapping[str, Any]) -> str:
    """A hash of what respondents see: review notes and the version number do not change it."""
    shown = {key: value for key, value in definition.items() if key not in {"review", "version"}}
    canonical = json.dumps(shown, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _expression(
    raw: Mapping[str, Any], key: str, where: str, columns: bool = False
) -> Expression | None:
    """A ``relevant`` or ``constraint`` expression; ``show_if`` is the older spelling."""
    source = raw.get(key)
    if key == "relevant" and source is None and raw.get("show_if") is not None:
        show_if = raw["show_if"]
        if not isinstance(show_if, dict) or set(show_if) != {"question", "equals"}:
            raise SurveyDefinitionError(f"{where}: show_if needs 'question' and 'equals'")
        source = f"selected(${{{show_if['question']}}}, '{show_if['equals']}')"
    if source is None or not str(source).strip():
        return None
    try:
        return parse(str(source), columns)
    except ExpressionError as error:
        raise SurveyDefinitionError(f"{where}: {key} {source!r}: {error}") from None


def _question(raw: Mapping[str, Any], where: str) -> Question:
    qtype = raw.get("type")
    if qtype not in QUESTION_TYPES:
        raise SurveyDefinitionError(f"{where}: unknown question type {qtype!r}")
    if qtype in CHOICE_TYPES and not raw.get("choices"):
        raise SurveyDefinitionError(f"{where}: a {qtype} question needs a choice list")
    if (qtype in CALCULATED_TYPES) != bool(raw.get("calculation")):
        raise SurveyDefinitionError(f"{where}: only a calculate question has a calculation")
    records, contact = raw.get("records"), raw.get("contact")
    if records is not None and records not in CONSENT_FLAGS:
        raise SurveyDefinitionError(f"{where}: 'records' must be one of {sorted(CONSENT_FLAGS)}")
    if contact is not None and contact not in CONTACT_FIELDS:
        raise SurveyDefinitionError(f"{where}: 'contact' must be one of {sorted(CONTACT_FIELDS)}")
    return Question(
        id=str(raw["id"]),
        type=qtype,
        required=bool(raw.get("required", False)),
        choices=raw.get("choices"),
        relevant=_expression(raw, "relevant", where),
        gloss=bool(raw.get("gloss", qtype in FREE_TEXT_TYPES)),
        autocomplete=raw.get("autocomplete"),
        records=records,
        contact=contact,
        constraint=_expression(raw, "constraint", where),
        default=None if raw.get("default") in (None, "") else str(raw["default"]),
        calculation=_expression(raw, "calculation", where),
        asks=str(raw["asks"]) if qtype == "unsupported" and raw.get("asks") else None,
        appearance=str(raw.get("appearance", "")),
        choice_filter=_expression(raw, "choice_filter", where, columns=True),
        read_only=bool(raw.get("read_only", False)),
    )


def flatten_texts(definition: Mapping[str, Any]) -> dict[str, str]:
    """Every translatable text of a definition, keyed as in translation files."""
    texts: dict[str, str] = {"title": definition["title"]}
    for key in ("description", "thanks_title", "thanks_body"):
        if definition.get(key):
            texts[key] = definition[key]
    for step in definition["steps"]:
        for part in ("title", "intro"):
            if step.get(part):
                texts[f"step.{step['id']}.{part}"] = step[part]
        for question in step.get("questions", []):
            for part in ("label", "hint", "required_message", "constraint_message"):
                if question.get(part):
                    texts[f"question.{question['id']}.{part}"] = question[part]
    for list_name, choices in definition.get("choices", {}).items():
        for choice in choices:
            texts[f"choice.{list_name}.{choice['value']}"] = choice["label"]
        for group in definition.get("choice_groups", {}).get(list_name, []):
            texts[f"group.{list_name}.{group['id']}"] = group["label"]
    return texts


def _voice_seconds(value: Any) -> int:
    """The survey's limit on a voice answer: whole seconds, 0 (no voice) to ten minutes."""
    try:
        seconds = int(str(value).strip() or DEFAULT_VOICE_SECONDS)
    except ValueError:
        raise SurveyDefinitionError("voice_seconds must be a whole number of seconds") from None
    if not 0 <= seconds <= MAX_VOICE_SECONDS:
        raise SurveyDefinitionError(f"voice_seconds must be between 0 and {MAX_VOICE_SECONDS}")
    return seconds


def parse_survey(definition: Mapping[str, Any], version: int | None = None) -> Survey:
    """Check a definition and build the :class:`Survey` it describes."""
    try:
        steps = []
        seen: set[str] = set()
        for s_index, raw_step in enumerate(definition["steps"]):
            questions = []
            for q_index, raw_q in enumerate(raw_step.get("questions", [])):
                question = _question(raw_q, f"step {s_index + 1}, question {q_index + 1}")
                if question.id in seen:
                    raise SurveyDefinitionError(f"question id {question.id!r} is used twice")
                seen.add(question.id)
                questions.append(question)
            steps.append(
                Step(
                    id=str(raw_step["id"]),
                    questions=tuple(questions),
                    intro=bool(raw_step.get("intro")),
                    relevant=_expression(raw_step, "relevant", f"step {s_index + 1}"),
                    require_one_of=tuple(raw_step.get("require_one_of", ())),
                    repeat=_repeat(raw_step, f"step {s_index + 1}"),
                )
            )
            if steps[-1].repeat is not None:
                if steps[-1].id in seen:
                    raise SurveyDefinitionError(f"question id {steps[-1].id!r} is used twice")
                seen.add(steps[-1].id)  # it answers how many instances there are
        choice_lists = {
            name: tuple(
                Choice(str(c["value"]), c.get("group"), tuple(sorted(c.get("columns", {}).items())))
                for c in choices
            )
            for name, choices in definition.get("choices", {}).items()
        }
        survey = Survey(
            id=str(definition["id"]),
            version=int(version if version is not None else definition.get("version", 1)),
            default_language=str(definition.get("default_language", "en")),
            consent_version=str(definition["consent_version"]),
            steps=tuple(steps),
            choice_lists=choice_lists,
            texts=flatten_texts(definition),
            translations=definition.get("translations", {}),
            metadata={str(m["name"]): str(m["type"]) for m in definition.get("metadata", [])},
            voice_seconds=_voice_seconds(definition.get("voice_seconds", DEFAULT_VOICE_SECONDS)),
            definition=definition,
        )
    except KeyError as missing:
        raise SurveyDefinitionError(f"the survey definition lacks {missing}") from None
    _check_consent_rules(survey)
    # ODK's metadata (start, today, deviceid …) may be named by any expression.
    earlier: set[str] = set(survey.metadata)
    for step in survey.steps:
        if step.relevant and not step.relevant.references() <= earlier:
            raise SurveyDefinitionError(
                f"step {step.id!r} depends on a question not asked before it"
            )
        if step.repeat is not None:
            _check_repeat(step, earlier)
            # After it, the repeat answers how many, and its questions may be read as sets
            # of answers (sum(${age})): Survey.expanded rewrites what reads them.
            earlier.add(step.id)
            earlier.update(q.id for q in step.questions)
            continue
        for question in step.questions:
            if question.choices and question.choices not in survey.choice_lists:
                raise SurveyDefinitionError(
                    f"question {question.id!r} uses a choice list that does not exist"
                )
            if question.relevant and not question.relevant.references() <= earlier:
                raise SurveyDefinitionError(
                    f"question {question.id!r} depends on a question not asked before it"
                )
            if question.choice_filter and not question.choice_filter.references() <= earlier:
                raise SurveyDefinitionError(
                    f"the choice filter of {question.id!r} uses a question not asked before it"
                )
            if question.calculation and not question.calculation.references() <= earlier:
                raise SurveyDefinitionError(
                    f"the calculation of {question.id!r} uses a question not asked before it"
                )
            if question.constraint and not question.constraint.references() <= earlier | {
                question.id
            }:
                raise SurveyDefinitionError(
                    f"the constraint of {question.id!r} uses a question not asked before it"
                )
            earlier.add(question.id)
    return survey


def _repeat(raw: Mapping[str, Any], where: str) -> Repeat | None:
    given = raw.get("repeat")
    if given is None:
        return None
    if not isinstance(given, dict):
        raise SurveyDefinitionError(f"{where}: 'repeat' must be an object")
    return Repeat(count=_expression(given, "count", where))


def _check_repeat(step: Step, earlier: set[str]) -> None:
    """A repeat's questions may name those before the repeat and those before them in it."""
    assert step.repeat is not None
    if step.repeat.count and not step.repeat.count.references() <= earlier:
        raise SurveyDefinitionError(
            f"the count of repeat {step.id!r} uses a question not asked before it"
        )
    inside = {*earlier, POSITION}  # position(..): the number of the instance
    own = {q.id for q in step.questions}
    for question in step.questions:
        expressions = (
            question.relevant,
            question.constraint,
            question.calculation,
            question.choice_filter,
        )
        if any(e is not None and e.indexes_into(own) for e in expressions):
            raise SurveyDefinitionError(
                f"{question.id!r} picks an instance of its own repeat with indexed-repeat(), "
                "which the app does not work out yet"
            )
        if question.contact or question.records:
            raise SurveyDefinitionError(
                f"{question.id!r} is inside a repeat: contact details and consent are asked "
                "once, outside any repeat"
            )
        for what, expression in (
            ("relevant", question.relevant),
            ("choice filter", question.choice_filter),
            ("calculation", question.calculation),
        ):
            if expression and not expression.references() <= inside:
                raise SurveyDefinitionError(
                    f"the {what} of {question.id!r} uses a question not asked before it"
                )
        if question.constraint and not question.constraint.references() <= inside | {question.id}:
            raise SurveyDefinitionError(
                f"the constraint of {question.id!r} uses a question not asked before it"
            )
        inside.add(question.id)


def _check_consent_rules(survey: Survey) -> None:
    """Refuse surveys that would take answers without consent or contacts without asking."""
    consent = survey.recording("consent")
    if consent is None or not consent.required or consent.relevant is not None:
        raise SurveyDefinitionError("the survey needs a required, unconditional consent question")
    contact_consent = survey.recording("contact_consent")
    for step in survey.steps:
        for question in step.questions:
            if question.contact is None:
                continue
            conditions = [c for c in (question.relevant, step.relevant) if c is not None]
            if contact_consent is None or not any(
                c.requires(contact_consent.id, YES) for c in conditions
            ):
                raise SurveyDefinitionError(
                    f"contact question {question.id!r} must be shown only after contact consent"
                )


def set_text(definition: dict[str, Any], key: str, text: str) -> None:
    """Write the default-language text ``key`` (as :func:`flatten_texts` names it)."""
    kind, _, rest = key.partition(".")
    if not rest:
        definition[key] = text
        return
    if kind == "step":
        step_id, part = rest.rsplit(".", 1)
        target = next(s for s in definition["steps"] if s["id"] == step_id)
    elif kind == "question":
        question_id, part = rest.rsplit(".", 1)
        target = next(
            q for s in definition["steps"] for q in s.get("questions", []) if q["id"] == question_id
        )
    elif kind == "choice":
        list_name, value = rest.split(".", 1)
        target, part = (
            next(c for c in definition["choices"][list_name] if c["value"] == value),
            "label",
        )
    else:
        list_name, group_id = rest.split(".", 1)
        target, part = (
            next(g for g in definition["choice_groups"][list_name] if g["id"] == group_id),
            "label",
        )
    if text:
        target[part] = text
    elif part != "label":
        target.pop(part, None)
