"""Views for residents. Thin: parse, call surveys and storage, render."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import UTC, datetime
from typing import Any

from babel import Locale
from flask import (
    Response,
    abort,
    current_app,
    g,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext, refresh
from werkzeug.wrappers import Response as BaseResponse

from .. import i18n, kiosk, storage
from ..auth.access import signed_in_id
from ..errors import UserFacingError
from ..extensions import csrf
from ..security import secure_cookies
from ..surveys import repeats
from ..surveys.answers import gather, validate_response, validate_step
from ..surveys.instances import PATTERN_NUMBER, instance_pattern
from ..surveys.loader import DEFAULT_SURVEY_ID
from ..surveys.model import MAX_INSTANCES, Step, Survey
from ..sync.payload import read_time
from ..workspace.runner import embed_soon
from . import bp, wizard
from .client import client_messages, client_survey
from .forms import SurveyPageForm

# How the language switch names a language only the form has ("form:ti").
FORM_LANGUAGE = "form:"
# The session key that carries a resident's reference to the thank-you page.
REFERENCE_KEY = "wm_reference"


@bp.after_request
def _remember_language(response: Response) -> Response:
    # The language is not personal data; remembering it spares a resident
    # choosing again on the next visit. Only a page the person opened counts,
    # not one the service worker fetched for the offline cache.
    if request.headers.get("Sec-Fetch-Mode", "navigate") != "navigate":
        return response
    response.set_cookie(
        i18n.LANGUAGE_COOKIE,
        i18n.current_language().tag,
        max_age=365 * 24 * 3600,
        samesite="Lax",
        httponly=True,
        secure=secure_cookies(),
    )
    return response


def _survey(survey_id: str, version: int | None = None) -> Survey:
    """The survey a resident answers: the published one, or the version a form names.

    Texts a bilingual volunteer corrected show at once, over the stored translation.
    """
    db = storage.get_db()
    try:
        if version is None:
            survey = storage.surveys.published(db, survey_id)
        else:
            survey = storage.surveys.get_version(db, survey_id, version)
    except storage.NotFound:
        abort(404)
    return with_corrections(survey, i18n.current_language().code)


def with_corrections(survey: Survey, language: str) -> Survey:
    """``survey`` with the reviewed corrections of ``language`` over its translations."""
    found = storage.reviews.corrections(
        storage.get_db(), language, storage.reviews.survey_domain(survey.id)
    )
    if not found:
        return survey
    if language == survey.default_language:
        return dataclasses.replace(survey, texts={**survey.texts, **found})
    translations = dict(survey.translations)
    translations[language] = {**translations.get(language, {}), **found}
    return dataclasses.replace(survey, translations=translations)


def _front_survey() -> Survey | None:
    """The default survey if it is open, else the first survey that is."""
    ids = storage.surveys.published_ids(storage.get_db())
    if not ids:
        return None
    return _survey(DEFAULT_SURVEY_ID if DEFAULT_SURVEY_ID in ids else ids[0])


def _given_response_id() -> str | None:
    """An id chosen beforehand, as the door log does to link a door to its response.

    Only while no response is stored under it: an address opened again (a reload, the
    back button, the next resident) starts a response of its own.
    """
    try:
        given = str(uuid.UUID(request.args.get("response", "")))
    except ValueError:
        return None
    return None if storage.responses.exists(storage.get_db(), given) else given


def _known_event(code: str | None) -> str | None:
    """The event code if there is such an event: a mistyped link still collects the answer."""
    if code and storage.events.exists(storage.get_db(), code):
        return code
    return None


def _known_version(survey_id: str, version: int) -> Survey | None:
    try:
        return storage.surveys.get_version(storage.get_db(), survey_id, version)
    except storage.NotFound:
        return None


def _texts_language(survey: Survey, code: str | None) -> i18n.Language | None:
    """The language only the form has (Tigrinya) that the person chose for its texts."""
    if not code:
        return None
    return next((lang for lang in i18n.form_only(survey.languages()) if lang.code == code), None)


def _languages_context(survey: Survey, shown: i18n.Language | None) -> dict[str, Any]:
    """What the pages need to show a survey's texts in a language only the form has."""
    interface = i18n.current_language()
    return {
        "survey_language": shown,
        "form_languages": i18n.form_options(survey.languages(), survey.default_language),
        # Both named in the page's language, in the sentence that explains them.
        "survey_language_name": Locale.parse(shown.code).get_display_name(interface.code)
        if shown
        else "",
        "interface_name": Locale.parse(interface.code).get_display_name(interface.code),
    }


def _kiosk() -> bool:
    """A tablet left in a reception: each person starts afresh and leaves nothing behind."""
    return kiosk.is_on()


@bp.get("/")
def start() -> str:
    survey = _front_survey()
    if survey is None:
        return render_template("collect/none_open.html", languages=i18n.offered())
    others = [
        _survey(survey_id)
        for survey_id in storage.surveys.published_ids(storage.get_db())
        if survey_id != survey.id
    ]
    return render_template(
        "collect/start.html",
        survey=survey,
        others=others,
        languages=i18n.offered(),
        kiosk=_kiosk(),
        form_languages_of={
            item.id: i18n.form_options(item.languages(), item.default_language)
            for item in (survey, *others)
        },
    )


def _render_step(
    survey: Survey,
    step: Step,
    form: SurveyPageForm,
    raw: dict[str, list[str]],
    errors: dict[str, str] | None = None,
    notice: str | None = None,
    status: int | None = None,
    client: dict[str, Any] | None = None,
) -> Response:
    form.step.data = step.id
    number, total = wizard.position(survey, step, raw)
    questions = wizard.shown_questions(survey, step, raw)
    # Questions whose page was sent before: an answer left empty there stays empty, while
    # a question never shown yet starts from the form's default answer.
    seen = set(request.form.getlist("seen"))
    shown = _texts_language(survey, form.texts.data)
    form.texts.data = shown.code if shown else ""
    page = render_template(
        "collect/step.html",
        survey=survey,
        step=step,
        form=form,
        raw=raw,
        errors=errors or {},
        notice=notice,
        questions=questions,
        carried=wizard.carried(survey, step, raw),
        seen=seen,
        seen_fields=sorted(seen | {q.id for q in questions}),
        number=number,
        total=total,
        is_first=wizard.neighbour(survey, step, raw, -1) is None,
        is_last=wizard.neighbour(survey, step, raw, +1) is None,
        languages=i18n.offered(),
        client=client,
        max_instances=MAX_INSTANCES,
        instance_pattern=instance_pattern,
        pattern_number=PATTERN_NUMBER,
        **_languages_context(survey, shown),
    )
    response = make_response(page, status or (422 if errors else 200))
    # Answers ride in this page: no cache may keep it for the next person.
    response.headers["Cache-Control"] = "no-store"
    return response


def _event_version(code: str | None, survey_id: str) -> int | None:
    """The survey version an event keeps to, if it keeps to one."""
    if code is None:
        return None
    event = storage.events.get(storage.get_db(), code)
    return event.survey_version if event.survey_id == survey_id else None


@bp.get("/s/<survey_id>/")
def survey_start(survey_id: str) -> Response:
    mode = "assisted" if request.args.get("with") == "volunteer" else "self"
    event = _known_event(request.args.get("event"))
    survey = _survey(survey_id, _event_version(event, survey_id))
    given = _given_response_id()
    form = SurveyPageForm(
        response_id=given or str(uuid.uuid4()),
        survey_version=str(survey.version),
        mode=mode,
        event=event or "",
        started=datetime.now(UTC).isoformat(timespec="seconds"),
    )
    shown = _texts_language(survey, request.args.get("texts"))
    form.texts.data = shown.code if shown else ""
    client: dict[str, Any] | None = {
        "survey": client_survey(
            survey,
            i18n.current_language(),
            mode,
            current_app.config["MAX_ANSWER_LENGTH"],
            event,
            kiosk=_kiosk(),
            response_id=given,
            texts=shown,
        ),
        "messages": client_messages(),
    }
    survey = survey.expanded({})
    return _render_step(survey, survey.steps[0], form, {}, client=client)


@bp.post("/s/<survey_id>/")
@csrf.exempt
def survey_step(survey_id: str) -> BaseResponse:
    # CSRF is checked by the form itself here (not CSRFProtect's blanket 400),
    # so that a stale token costs the resident a second press, not their answers.
    form = SurveyPageForm()
    form.validate()
    if form.tampered():
        raise UserFacingError(
            gettext("This survey page was changed or is out of date. Please start again."),
            status=400,
        )
    version = form.version()
    survey = _known_version(survey_id, version) if version is not None else None
    if survey is None:
        # The page names a version we do not have: show the current one with the
        # answers kept, and write nothing until the person presses again.
        survey = _survey(survey_id)
        raw = gather(survey, request.form.getlist)
        survey = survey.expanded(raw)
        form.survey_version.data = str(survey.version)
        step = wizard.current_step(survey, form.step.data or "", raw)
        return _render_step(
            survey,
            step,
            form,
            raw,
            status=409,
            notice=gettext(
                "This survey has changed since this page was opened. Please check your answers "
                "and press the button again."
            ),
        )
    raw = gather(survey, request.form.getlist)
    action = request.form.get("action", "next")
    if repeats.is_change(action):
        # "Add another" or "Remove": the same page again, with the instances changed.
        raw = repeats.changed(survey.expanded(raw), raw, action)
    survey = survey.expanded(raw)
    step = wizard.current_step(survey, form.step.data or "", raw)
    if form.csrf_failed():
        # Keep every answer and ask again: nothing is written on this request.
        fresh = SurveyPageForm(
            formdata=None, **{k: v for k, v in form.data.items() if k != "csrf_token"}
        )
        return _render_step(
            survey,
            step,
            fresh,
            raw,
            notice=gettext("For your safety, please press the button again."),
        )
    if repeats.is_change(action):
        return _render_step(survey, step, form, raw)
    if action == "language":
        wanted = request.form.get("switch_to", "")
        own = None
        if wanted.startswith(FORM_LANGUAGE):
            own = _texts_language(survey, wanted.removeprefix(FORM_LANGUAGE))
        if own is not None:
            chosen: i18n.Language | None = i18n.closest_offered(own.code, survey.default_language)
        else:
            chosen = i18n.by_tag(wanted)
        if chosen is not None:
            g.language = chosen
            refresh()
            form.texts.data = own.code if own else ""
        return _render_step(survey, step, form, raw)
    if action == "back":
        previous = wizard.neighbour(survey, step, raw, -1)
        return _render_step(survey, previous or step, form, raw)
    limit = current_app.config["MAX_ANSWER_LENGTH"]
    mode = form.mode.data or "self"
    errors = validate_step(survey, step, raw, mode=mode, max_length=limit)
    if errors:
        return _render_step(survey, step, form, raw, errors)
    following = wizard.neighbour(survey, step, raw, +1)
    if following is not None:
        return _render_step(survey, following, form, raw)
    shown = _texts_language(survey, form.texts.data)
    submission, errors, bad_step = validate_response(survey, raw, mode=mode, max_length=limit)
    if submission is None:
        return _render_step(survey, bad_step or step, form, raw, errors)
    try:
        storage.responses.save(
            storage.get_db(),
            response_id=form.response_id.data or "",
            survey=survey,
            # The language the resident read the questions in, which may be one only the
            # form has: the interface around them is then in the closest one the app has.
            language=shown.code if shown else i18n.current_language().code,
            mode=mode,
            submission=submission,
            event_id=_known_event(form.event.data),
            started_at=_started(form.started.data),
            collected_by=signed_in_id() if mode == "assisted" else None,
        )
        embed_soon(current_app._get_current_object(), [survey.id])  # type: ignore[attr-defined]
    except storage.ResponseConflict:
        raise UserFacingError(
            gettext(
                "These answers were sent already, with different answers. The first ones "
                "are kept. To change them, please speak to a volunteer."
            ),
            status=409,
        ) from None
    # The reference goes to the thank-you page in the session, never the address: a
    # reload (or the next person at a kiosk) does not show it again.
    session[REFERENCE_KEY] = storage.references.reference_for(form.response_id.data or "")
    where: dict[str, Any] = {"texts": shown.code} if shown else {}
    if mode == "assisted" and _known_event(form.event.data):
        where["event"] = form.event.data
    return redirect(url_for(".thanks", survey_id=survey.id, v=survey.version, **where), code=303)


def _started(value: str | None) -> str | None:
    """The first page's time as the form carried it, read as the API reads a device's;
    anything else is not kept."""
    problems: dict[str, str] = {}
    moment = read_time(value, problems, "started") if value else ""
    return None if problems or not moment else moment


def _round_of(code: str | None) -> str | None:
    """The door-knocking round a volunteer came from, to lead back to it."""
    if not code or not _known_event(code):
        return None
    event = storage.events.get(storage.get_db(), code)
    return event.id if event.kind == "door_knocking" else None


@bp.get("/s/<survey_id>/thanks")
def thanks(survey_id: str) -> Response:
    version = request.args.get("v", type=int)
    if version is not None and not 0 < version < 2**31:
        abort(404)  # no such version (and a larger number would not reach SQLite whole)
    survey = _survey(survey_id, version)
    page = render_template(
        "collect/thanks.html",
        survey=survey,
        kiosk=_kiosk(),
        round=_round_of(request.args.get("event")),
        reference=session.pop(REFERENCE_KEY, None),
        **_languages_context(survey, _texts_language(survey, request.args.get("texts"))),
    )
    response = make_response(page)
    response.headers["Cache-Control"] = "no-store"
    return response
