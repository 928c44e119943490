""" "You said, we did": the team writes what is being done about each theme; a public
page shows residents the themes, a few consented quotes and those actions."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import format_date, format_decimal, gettext
from flask_login import current_user
from werkzeug.wrappers import Response as BaseResponse

from .. import storage
from ..admin.events import LOCAL_HOSTS, public_url
from ..admin.qr import qr_svg
from ..auth.access import role_required
from ..auth.forms import EmptyForm
from ..i18n import Language, by_tag, current_language
from ..i18n import language as language_of
from ..surveys.model import Survey
from ..workspace.common import GLOSSERS, REVIEWERS, direction, language_name, survey_or_404
from . import bp
from .forms import ActionForm


def _published(survey_id: str) -> Survey:
    try:
        return storage.surveys.published(storage.get_db(), survey_id)
    except storage.NotFound:
        abort(404)


@bp.route("/analysis/<survey_id>/you-said-we-did", methods=["GET", "POST"])
@role_required(*REVIEWERS)
def team(survey_id: str) -> str | BaseResponse:
    """The team's page: which reviewed themes residents see, and what is being done."""
    survey = survey_or_404(survey_id)
    db = storage.get_db()
    form = ActionForm()
    theme_id = request.form.get("theme_id", "")
    if request.method == "POST" and form.validate_on_submit():
        try:
            storage.actions.add(
                db,
                survey_id,
                theme_id,
                (form.text.data or "").strip(),
                form.happened_on.data.isoformat() if form.happened_on.data else "",
                int(current_user.user.id),
                current_language().code,
                form.request_id.data or None,
            )
        except storage.NotFound:
            abort(404)
        flash(gettext("Saved. Residents see it on the public page if the theme is shown there."))
        return redirect(url_for(".team", survey_id=survey_id) + f"#theme-{theme_id}")
    link = public_url(url_for(".public", survey_id=survey_id))
    return render_template(
        "report/said_did_team.html",
        survey=survey,
        link=link,
        qr=qr_svg(link, gettext("QR code for %(link)s", link=link)),
        address_unset=not current_app.config["PUBLIC_URL"],
        local_address=request.host.split(":")[0] in LOCAL_HOSTS,
        themes=storage.actions.reviewed_themes(db, survey_id),
        form=form,
        failed_theme=theme_id if form.errors else "",
        # Each theme's form carries its own id, so that a double click adds one update.
        new_request_id=lambda: uuid.uuid4().hex,
        button=EmptyForm(),
        languages=[
            option
            for option in _offered(survey)
            if option.code != current_app.config["DEFAULT_LANGUAGE"]
        ],
    )


@bp.post("/analysis/<survey_id>/you-said-we-did/<theme_id>/show")
@role_required(*REVIEWERS)
def show(survey_id: str, theme_id: str) -> BaseResponse:
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        storage.actions.set_public(
            storage.get_db(), survey_id, theme_id, request.form.get("public") == "1"
        )
    except storage.NotFound:
        abort(404)
    return redirect(url_for(".team", survey_id=survey_id) + f"#theme-{theme_id}")


@bp.post("/analysis/<survey_id>/you-said-we-did/actions/<int:action_id>/remove")
@role_required(*REVIEWERS)
def remove(survey_id: str, action_id: int) -> BaseResponse:
    if not EmptyForm().validate_on_submit():
        abort(400)
    if not storage.actions.remove(storage.get_db(), survey_id, action_id):
        abort(404)
    flash(gettext("Removed."))
    return redirect(url_for(".team", survey_id=survey_id))


MAX_TEXT = 2000


@bp.route("/analysis/<survey_id>/you-said-we-did/in/<language_tag>", methods=["GET", "POST"])
@role_required(*GLOSSERS)
def translate(survey_id: str, language_tag: str) -> str | BaseResponse:
    """The public page's texts in one residents' language: by the team, or by a volunteer
    who speaks it."""
    survey_or_404(survey_id)
    target = by_tag(language_tag)
    if target is None or target.code == current_app.config["DEFAULT_LANGUAGE"]:
        abort(404)
    user = current_user.user
    if user.role == "volunteer" and target.code not in user.languages:
        abort(403)
    db = storage.get_db()
    themes = storage.actions.reviewed_themes(db, survey_id, only_public=True)
    errors: dict[str, str] = {}
    if request.method == "POST":
        if not EmptyForm().validate_on_submit():
            abort(400)
        texts = {
            item: request.form.get(item, "").strip() for item, _ in storage.actions.items(themes)
        }
        errors = {
            item: gettext("Keep it under %(num)s characters.", num=format_decimal(MAX_TEXT))
            for item, text in texts.items()
            if len(text) > MAX_TEXT
        }
        if not errors:
            storage.actions.save_translations(db, survey_id, target.code, texts, user.id)
            flash(gettext("Saved. Residents who read the page in this language see it now."))
            return redirect(url_for(".translate", survey_id=survey_id, language_tag=language_tag))
    saved = storage.actions.translations(db, survey_id, target.code)
    return render_template(
        "report/said_did_translate.html",
        survey_id=survey_id,
        target=target,
        themes=[(theme, _fields(theme)) for theme in themes],
        values={item: request.form.get(item, saved.get(item, "")) for item in request.form}
        if errors
        else saved,
        errors=errors,
        direction=direction,
        form=EmptyForm(),
    )


@dataclass(frozen=True)
class Field:
    item: str
    label: str
    source: str
    multiline: bool
    language: str | None

    @property
    def html_id(self) -> str:
        return "t-" + self.item.replace(":", "-")


def _fields(theme: storage.actions.PublicTheme) -> list[Field]:
    fields = [Field(f"theme:{theme.id}:name", gettext("Name"), theme.name, False, theme.language)]
    if theme.description:
        fields.append(
            Field(
                f"theme:{theme.id}:description",
                gettext("Description"),
                theme.description,
                True,
                theme.language,
            )
        )
    fields += [
        Field(
            f"action:{a.id}",
            gettext(
                "What is being done (%(date)s)",
                date=format_date(date.fromisoformat(a.happened_on), "long"),
            ),
            a.text,
            True,
            a.language,
        )
        for a in theme.actions
    ]
    return fields


@bp.get("/you-said/<survey_id>")
def public(survey_id: str) -> str:
    """For residents: no names, no door, no contact details; only themes the team chose
    to show and quotes from residents who agreed to be quoted."""
    survey = _published(survey_id)
    return render_template(
        "report/said_did.html",
        survey=survey,
        themes=storage.actions.reviewed_themes(storage.get_db(), survey_id, only_public=True),
        texts=storage.actions.translations(storage.get_db(), survey_id, current_language().code),
        languages=_offered(survey),
        direction=direction,
        language_name=language_name,
    )


def _offered(survey: Survey) -> list[Language]:
    """The languages the survey was offered in, as far as the app offers them."""
    codes = [survey.default_language, *sorted(survey.translations)]
    return [language_of(code) for code in codes if code in current_app.config["LANGUAGES"]]
