"""Reviewing themes as people: names, merges, splits, moves, locks, quotes, history."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user
from werkzeug.wrappers import Response as BaseResponse

from analysis.model import AnalysisError

from .. import storage
from ..auth.access import role_required
from ..auth.forms import EmptyForm
from ..i18n import current_language
from ..storage.themes import ThemeRow
from . import bp, runner
from .common import REVIEWERS, InHand, breakdown_questions, direction, in_hand, language_name
from .explain import how_many_themes
from .forms import RenameForm, RunForm, VersionForm

MEMBERS_SHOWN = 50


def stale_message() -> str:
    return gettext(
        "Someone else changed this while you were looking at it, so your change was not "
        "saved. This is how it is now; make your change again if it is still needed."
    )


def themes_page(hand: InHand, run_form: RunForm | None = None) -> str:
    from .runs import run_form as make_run_form

    db = storage.get_db()
    survey_id, question_id = hand.ids
    last_find = storage.analysis_runs.latest(db, survey_id, question_id, "find", done=True)
    themes = storage.themes.themes_for(db, survey_id, question_id)
    return render_template(
        "workspace/themes.html",
        hand=hand,
        themes=themes,
        quotes=storage.themes.quotes(db, question_id, [t.id for t in themes]),
        how_many=how_many_themes(last_find.confidence, last_find.themes_wanted)
        if last_find
        else [],
        language_name=language_name,
        direction=direction,
        progress=storage.themes.progress(db, survey_id, question_id),
        last_run=storage.analysis_runs.latest(db, survey_id, question_id),
        last_find=last_find,
        run_form=run_form or make_run_form(survey_id, question_id),
        form=EmptyForm(),
    )


@bp.get("/<survey_id>/<question_id>/themes")
@role_required(*REVIEWERS)
def themes(survey_id: str, question_id: str) -> str:
    return themes_page(in_hand(survey_id, question_id))


def _theme_or_404(hand: InHand, theme_id: str) -> ThemeRow:
    try:
        return storage.themes.get(storage.get_db(), *hand.ids, theme_id)
    except storage.NotFound:
        abort(404)


def theme_page(
    hand: InHand, theme: ThemeRow, rename_form: RenameForm | None = None, notice: str = ""
) -> str:
    db = storage.get_db()
    survey_id, question_id = hand.ids
    attributes = [q.id for q in breakdown_questions(hand.survey)]
    found = storage.answer_lists.breakdowns(db, question_id, theme.id, attributes)
    breakdowns = [(key, found[key]) for key in ("language", "event", *attributes)]
    if rename_form is None:
        rename_form = RenameForm(
            data={"version": theme.version, "name": theme.name, "description": theme.description}
        )
    return render_template(
        "workspace/theme.html",
        hand=hand,
        theme=theme,
        members=storage.themes.members(db, theme.id, question_id, limit=MEMBERS_SHOWN),
        others=[
            t for t in storage.themes.themes_for(db, survey_id, question_id) if t.id != theme.id
        ],
        breakdowns=breakdowns,
        events=dict(storage.answer_lists.events_of(db, survey_id)),
        rename_form=rename_form,
        form=EmptyForm(),
        notice=notice,
        language_name=language_name,
        direction=direction,
    )


@bp.get("/<survey_id>/<question_id>/themes/<theme_id>")
@role_required(*REVIEWERS)
def theme(survey_id: str, question_id: str, theme_id: str) -> str:
    hand = in_hand(survey_id, question_id)
    return theme_page(hand, _theme_or_404(hand, theme_id))


def _back(hand: InHand, theme_id: str | None = None) -> BaseResponse:
    survey_id, question_id = hand.ids
    if theme_id:
        return redirect(
            url_for(".theme", survey_id=survey_id, question_id=question_id, theme_id=theme_id)
        )
    return redirect(url_for(".themes", survey_id=survey_id, question_id=question_id))


def _version() -> int:
    form = VersionForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        return int(form.version.data)
    except ValueError:
        abort(400)


@bp.post("/<survey_id>/<question_id>/themes/<theme_id>/rename")
@role_required(*REVIEWERS)
def rename(survey_id: str, question_id: str, theme_id: str) -> str | tuple[str, int] | BaseResponse:
    hand = in_hand(survey_id, question_id)
    found = _theme_or_404(hand, theme_id)
    form = RenameForm()
    if not form.validate_on_submit():
        return theme_page(hand, found, form), 400
    try:
        storage.theme_changes.rename(
            storage.get_db(),
            found,
            survey_id,
            question_id,
            int(form.version.data),
            form.name.data,
            form.description.data or "",
            current_user.user.id,
            current_language().code,
        )
    except (storage.Stale, ValueError):
        # The latest state is shown, and what this person typed stays in the form.
        latest = _theme_or_404(hand, theme_id)
        form.version.data = str(latest.version)
        return theme_page(hand, latest, form, notice=stale_message()), 409
    flash(gettext("Saved."))
    return _back(hand, theme_id)


@bp.post("/<survey_id>/<question_id>/themes/<theme_id>/lock")
@role_required(*REVIEWERS)
def lock(survey_id: str, question_id: str, theme_id: str) -> BaseResponse:
    hand = in_hand(survey_id, question_id)
    found = _theme_or_404(hand, theme_id)
    locked = request.form.get("locked") == "1"
    try:
        storage.theme_changes.set_locked(
            storage.get_db(),
            found,
            survey_id,
            question_id,
            _version(),
            locked,
            current_user.user.id,
        )
    except storage.Stale:
        flash(stale_message())
        return _back(hand, theme_id)
    flash(
        gettext("Locked: a new analysis adds no answers to this theme.")
        if locked
        else gettext("Unlocked: a new analysis may add answers to this theme.")
    )
    return _back(hand, theme_id)


@bp.post("/<survey_id>/<question_id>/themes/<theme_id>/split")
@role_required(*REVIEWERS)
def split(survey_id: str, question_id: str, theme_id: str) -> BaseResponse:
    hand = in_hand(survey_id, question_id)
    found = _theme_or_404(hand, theme_id)
    version = _version()
    db = storage.get_db()
    if version != found.version:
        flash(stale_message())
        return _back(hand, theme_id)
    try:
        parts = runner.split_parts(db, survey_id, question_id, theme_id)
        storage.theme_changes.split(
            db, survey_id, question_id, found, version, parts, current_user.user.id
        )
    except AnalysisError:
        flash(gettext("This theme's answers could not be told apart into smaller themes."))
        return _back(hand, theme_id)
    except storage.Stale:
        flash(stale_message())
        return _back(hand, theme_id)
    flash(
        gettext(
            "Split into %(count)s themes. Merge back any that do not make sense, or undo the "
            "split from the history.",
            count=len(parts),
        )
    )
    return _back(hand)


@bp.post("/<survey_id>/<question_id>/merge")
@role_required(*REVIEWERS)
def merge(survey_id: str, question_id: str) -> BaseResponse:
    hand = in_hand(survey_id, question_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    chosen = request.form.getlist("theme")
    db = storage.get_db()
    seen: dict[str, int] = {}
    titles = []
    for theme_id in chosen:
        found = _theme_or_404(hand, theme_id)
        try:
            seen[theme_id] = int(request.form.get("version_" + theme_id, ""))
        except ValueError:
            abort(400)
        titles.append(found.title)
    if len(seen) < 2:
        flash(gettext("Choose at least two themes to merge."))
        return _back(hand)
    try:
        target = storage.theme_changes.merge(
            db, survey_id, question_id, seen, titles, current_user.user.id
        )
    except storage.Stale:
        flash(stale_message())
        return _back(hand)
    flash(gettext("Merged %(count)s themes into “%(name)s”.", count=len(seen), name=titles[0]))
    return _back(hand, target)


@bp.post("/<survey_id>/<question_id>/answers/<response_id>/move")
@role_required(*REVIEWERS)
def move(survey_id: str, question_id: str, response_id: str) -> BaseResponse:
    """Move an answer between themes, add a second theme, or set it aside."""
    hand = in_hand(survey_id, question_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    source = request.form.get("source") or None
    target = request.form.get("target", "")
    also = request.form.get("also") == "1"
    seen: dict[str, int] = {}
    try:
        if source:
            seen[source] = int(request.form.get("version", ""))
        if target and target != "none":
            seen[target] = _theme_or_404(hand, target).version
    except ValueError:
        abort(400)
    if not target or (also and target == "none"):
        flash(gettext("Choose where the answer should go."))
        return _back(hand, source)
    try:
        storage.theme_changes.move(
            storage.get_db(),
            survey_id,
            question_id,
            response_id,
            seen,
            source,
            None if target == "none" else target,
            current_user.user.id,
            keep_source=also,
        )
    except storage.NotFound:
        abort(404)
    except storage.Stale:
        flash(stale_message())
        return _back(hand, source)
    except storage.Refused:
        flash(gettext("The answer is already in that theme."))
        return _back(hand, source)
    flash(
        gettext("The answer is set aside as not yet themed.")
        if target == "none"
        else gettext("The answer is now in that theme too.")
        if also
        else gettext("The answer was moved.")
    )
    return (
        _back(hand, source)
        if source
        else redirect(url_for(".unthemed", survey_id=survey_id, question_id=question_id))
    )


@bp.post("/<survey_id>/<question_id>/themes/<theme_id>/pin/<response_id>")
@role_required(*REVIEWERS)
def pin(survey_id: str, question_id: str, theme_id: str, response_id: str) -> BaseResponse:
    hand = in_hand(survey_id, question_id)
    found = _theme_or_404(hand, theme_id)
    pinned = request.form.get("pinned", "1") == "1"
    try:
        storage.theme_changes.pin(
            storage.get_db(),
            survey_id,
            question_id,
            found,
            _version(),
            response_id,
            current_user.user.id,
            pinned=pinned,
        )
    except storage.NotFound:
        abort(404)
    except storage.Refused:
        flash(
            gettext(
                "This resident did not agree to be quoted, so their answer cannot be pinned "
                "as a quote. It still counts in the theme."
            )
        )
        return _back(hand, theme_id)
    except storage.Stale:
        flash(stale_message())
        return _back(hand, theme_id)
    flash(gettext("Pinned as a quote for the report.") if pinned else gettext("Quote unpinned."))
    return _back(hand, theme_id)


@bp.get("/<survey_id>/<question_id>/unthemed")
@role_required(*REVIEWERS)
def unthemed(survey_id: str, question_id: str) -> str:
    hand = in_hand(survey_id, question_id)
    db = storage.get_db()
    return render_template(
        "workspace/unthemed.html",
        hand=hand,
        rows=storage.themes.unthemed(db, survey_id, question_id, limit=MEMBERS_SHOWN),
        progress=storage.themes.progress(db, survey_id, question_id),
        themes=storage.themes.themes_for(db, survey_id, question_id),
        form=EmptyForm(),
        language_name=language_name,
        direction=direction,
    )


@bp.get("/<survey_id>/<question_id>/history")
@role_required(*REVIEWERS)
def history(survey_id: str, question_id: str) -> str:
    hand = in_hand(survey_id, question_id)
    return render_template(
        "workspace/history.html",
        hand=hand,
        entries=storage.review_log.history(storage.get_db(), survey_id, question_id),
        form=EmptyForm(),
    )


@bp.post("/<survey_id>/<question_id>/history/<int:entry_id>/undo")
@role_required(*REVIEWERS)
def undo(survey_id: str, question_id: str, entry_id: int) -> BaseResponse:
    in_hand(survey_id, question_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        storage.review_log.undo(
            storage.get_db(), survey_id, question_id, entry_id, current_user.user.id
        )
    except storage.NotFound:
        abort(404)
    except storage.Stale:
        flash(
            gettext(
                "This change cannot be undone now: the themes it touched have changed since. "
                "Undo the later changes first."
            )
        )
    else:
        flash(gettext("Undone."))
    return redirect(url_for(".history", survey_id=survey_id, question_id=question_id))
