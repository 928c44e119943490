"""Events: door-knocking rounds, World Cafés, drop-ins and online links, with QR codes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from itertools import groupby
from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import force_locale, format_date, format_time, gettext
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response as BaseResponse
from wtforms.fields.choices import SelectChoice

from .. import i18n, storage
from ..auth.access import role_required
from ..auth.forms import EmptyForm
from ..storage.events import Event
from ..surveys.loader import DEFAULT_SURVEY_ID
from ..surveys.model import Survey
from . import bp
from .forms import KIND_NAMES, EventForm
from .qr import qr_svg


def public_url(path: str) -> str:
    base = current_app.config["PUBLIC_URL"] or request.host_url
    return base.rstrip("/") + path


OUTCOME_NAMES = {
    "no_answer": _l("No answer"),
    "come_back": _l("Come back later"),
    "declined": _l("Declined"),
    "completed": _l("Completed with a volunteer"),
    "online_later": _l("Will fill in online"),
    "needs_language": _l("Needs another language"),
    "do_not_knock": _l("Do not knock again"),
}


def _language_name(code: str) -> str:
    known = i18n.by_tag(code.replace("_", "-"))
    return known.name if known else code


def door_round(event_id: str) -> dict[str, object]:
    """What a coordinator needs about a round: counts, doors to revisit, who speaks what."""
    db = storage.get_db()
    follow_ups = storage.doors.follow_ups(db, event_id)
    needed = sorted({f.language for f in follow_ups if f.language})
    return {
        "summary": storage.doors.summary(db, event_id),
        "streets": [
            (street, list(doors)) for street, doors in groupby(follow_ups, key=lambda f: f.street)
        ],
        "matches": [(_language_name(code), storage.doors.speakers(db, code)) for code in needed],
        "by_volunteer": storage.doors.by_volunteer(db, event_id),
        "by_hour": storage.doors.by_hour(db, event_id),
        "outcomes": OUTCOME_NAMES,
        "language_name": _language_name,
    }


def _survey_choices() -> list[SelectChoice]:
    """Each open survey as it is published, and each of its versions to stay on."""
    db = storage.get_db()
    choices = []
    for survey_id in storage.surveys.published_ids(db):
        survey = storage.surveys.published(db, survey_id)
        title = survey.text("title", i18n.current_language().code)
        choices.append(
            SelectChoice(survey_id, gettext("%(title)s: the published version", title=title))
        )
        for version, _published, _count in storage.surveys.versions(db, survey_id):
            choices.append(
                SelectChoice(
                    f"{survey_id}@{version}",
                    gettext("%(title)s: version %(version)s", title=title, version=version),
                )
            )
    return choices


def _chosen_survey(value: str) -> tuple[str, int | None]:
    survey_id, _at, version = value.partition("@")
    return survey_id or DEFAULT_SURVEY_ID, int(version) if version else None


def _event_form(obj: Event | None = None) -> tuple[EventForm, set[int]]:
    form = EventForm()
    if obj is not None and not form.is_submitted():
        form = EventForm(
            data={
                "kind": obj.kind,
                "name": obj.name,
                "survey": obj.survey_id + (f"@{obj.survey_version}" if obj.survey_version else ""),
                "starts_on": date.fromisoformat(obj.starts_on) if obj.starts_on else None,
                "starts_at": time.fromisoformat(obj.starts_at) if obj.starts_at else None,
                "area": obj.area,
                "host": obj.host,
                "tables": obj.tables,
                "languages": list(obj.languages),
                "volunteers": storage.events.volunteer_ids(storage.get_db(), obj.id),
            }
        )
    form.languages.choices = [
        SelectChoice(o.code, o.name, render_kw={"lang": o.tag}) for o in i18n.offered()
    ]
    volunteers = storage.accounts.volunteers(storage.get_db())
    form.volunteers.choices = [SelectChoice(str(v.id), v.name) for v in volunteers]
    form.survey.choices = _survey_choices()
    return form, {v.id for v in volunteers}


def _details(form: EventForm, known: set[int]) -> dict[str, Any]:
    survey_id, version = _chosen_survey(form.survey.data or "")
    return {
        "name": form.name.data or "",
        "survey_id": survey_id,
        "survey_version": version,
        "starts_on": form.starts_on.data.isoformat() if form.starts_on.data else None,
        "starts_at": form.starts_at.data.strftime("%H:%M") if form.starts_at.data else None,
        "area": form.area.data or "",
        "host": form.host.data or "",
        "tables": form.tables.data,
        "languages": tuple(form.languages.data or ()),
        "volunteer_ids": tuple(v for v in form.volunteers.data or () if v in known),
    }


@bp.route("/events", methods=["GET", "POST"])
@role_required("coordinator")
def events() -> BaseResponse | str:
    form, known = _event_form()
    if form.validate_on_submit():
        event = storage.events.create(
            storage.get_db(), kind=form.kind.data or "online", **_details(form, known)
        )
        return redirect(url_for(".event", event_id=event.id))
    return render_template(
        "admin/events.html",
        form=form,
        kinds=KIND_NAMES,
        events=storage.events.all_events(storage.get_db()),
    )


@bp.get("/events/<event_id>")
@role_required("coordinator")
def event(event_id: str) -> str:
    db = storage.get_db()
    try:
        found = storage.events.get(db, event_id)
    except storage.NotFound:
        abort(404)
    survey = storage.surveys.latest(db, found.survey_id)
    link = public_url(url_for("short_link", code=found.id))
    languages = [i18n.language(code) for code in found.languages] or [i18n.current_language()]
    leaflet = [_leaflet_part(found, survey, option, link) for option in languages]
    return render_template(
        "admin/event.html",
        event=found,
        kinds=KIND_NAMES,
        link=link,
        leaflet=leaflet,
        qr=qr_svg(link, gettext("QR code for %(link)s", link=link)),
        door_round=door_round(found.id) if found.kind == "door_knocking" else None,
        volunteers=storage.events.volunteer_names(db, found.id),
        form=EmptyForm(),
        survey_title=survey.text("title", i18n.current_language().code),
        address_unset=not current_app.config["PUBLIC_URL"],
        local_address=request.host.split(":")[0] in LOCAL_HOSTS,
    )


# Addresses that mean "this machine": printed on a leaflet they lead nowhere.
LOCAL_HOSTS = {"localhost", "127.0.0.1", "[::1]", "0.0.0.0"}


def _leaflet_part(event: Event, survey: Survey, option: i18n.Language, link: str) -> LeafletPart:
    """What a resident reads on the leaflet in one language: all in that language."""
    when = None
    with force_locale(option.code):
        invitation = gettext(
            "Tell us what matters to you. Scan the code with your phone's camera, or type "
            "the address. It takes about five minutes, and you can answer in your own language."
        )
        if event.starts_on:
            day = date.fromisoformat(event.starts_on)
            when = format_date(day, "full")
            if event.starts_at:
                when = gettext(
                    "%(day)s at %(time)s",
                    day=when,
                    time=format_time(time.fromisoformat(event.starts_at), "short"),
                )
    return LeafletPart(
        language=option,
        title=survey.text("title", option.code),
        invitation=invitation,
        when=when,
        url=f"{link}?lang={option.tag}",
    )


@dataclass(frozen=True)
class LeafletPart:
    language: i18n.Language
    title: str
    invitation: str
    when: str | None
    url: str


@bp.post("/events/<event_id>/clear-doors")
@role_required("coordinator")
def clear_doors(event_id: str) -> BaseResponse:
    """Forget which doors were knocked, once a round is over; the counts stay."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    cleared = storage.doors.clear_door_labels(storage.get_db(), event_id)
    flash(gettext("Door labels cleared: %(count)s.", count=cleared))
    return redirect(url_for(".event", event_id=event_id))


def _get_event(event_id: str) -> Event:
    try:
        return storage.events.get(storage.get_db(), event_id)
    except storage.NotFound:
        abort(404)


@bp.route("/events/<event_id>/edit", methods=["GET", "POST"])
@role_required("coordinator")
def edit_event(event_id: str) -> BaseResponse | str:
    """Change an event's details; its kind and short link (on printed leaflets) stay."""
    found = _get_event(event_id)
    form, known = _event_form(found)
    form.kind.data = found.kind
    if form.validate_on_submit():
        storage.events.update(storage.get_db(), found.id, **_details(form, known))
        flash(gettext("Saved."))
        return redirect(url_for(".event", event_id=found.id))
    return render_template("admin/event_edit.html", form=form, event=found, kinds=KIND_NAMES)


@bp.post("/events/<event_id>/cancel")
@role_required("coordinator")
def cancel_event(event_id: str) -> BaseResponse:
    """Cancel an event, or take the cancellation back. Its answers stay either way."""
    found = _get_event(event_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    cancel = request.form.get("action") == "cancel"
    storage.events.set_cancelled(storage.get_db(), found.id, cancel)
    flash(gettext("Event cancelled.") if cancel else gettext("Event restored."))
    return redirect(url_for(".event", event_id=found.id))
