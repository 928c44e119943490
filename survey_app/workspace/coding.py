"""Coding on one's own: two or more people place the same sample of answers in themes
without seeing each other's choices (or the analysis's); the app shows where they agree
and lets them settle each disagreement together."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user
from werkzeug.wrappers import Response as BaseResponse

from analysis.agreement import agreement

from .. import storage
from ..auth.access import role_required
from ..auth.forms import EmptyForm
from ..storage.coding import NONE
from . import bp
from .common import REVIEWERS, InHand, direction, in_hand, language_name

SAMPLE_SIZES = (10, 20, 30, 50, 100)


def _round(hand: InHand, round_id: int) -> storage.coding.Round:
    try:
        return storage.coding.get(storage.get_db(), *hand.ids, round_id)
    except storage.NotFound:
        abort(404)


def _answers(hand: InHand, round_id: int) -> dict[str, storage.themes.AnswerRow]:
    db = storage.get_db()
    wanted = [rid for rid, _, _ in storage.coding.items(db, round_id)]
    return storage.answer_lists.by_ids(db, *hand.ids, wanted)


@bp.route("/<survey_id>/<question_id>/coding", methods=["GET", "POST"])
@role_required(*REVIEWERS)
def coding(survey_id: str, question_id: str) -> str | BaseResponse:
    hand = in_hand(survey_id, question_id)
    db = storage.get_db()
    form = EmptyForm()
    if request.method == "POST":
        size = request.form.get("size", type=int)
        if not form.validate_on_submit() or size not in SAMPLE_SIZES:
            abort(400)
        if not storage.themes.themes_for(db, survey_id, question_id):
            flash(gettext("Find themes first: coding places answers in the themes."))
            return redirect(url_for(".coding", survey_id=survey_id, question_id=question_id))
        round_id = storage.coding.start(db, survey_id, question_id, size, current_user.user.id)
        return redirect(
            url_for(".code", survey_id=survey_id, question_id=question_id, round_id=round_id)
        )
    return render_template(
        "workspace/coding.html",
        hand=hand,
        rounds=storage.coding.rounds(db, survey_id, question_id),
        sizes=SAMPLE_SIZES,
        form=form,
    )


@bp.route("/<survey_id>/<question_id>/coding/<int:round_id>/code", methods=["GET", "POST"])
@role_required(*REVIEWERS)
def code(survey_id: str, question_id: str, round_id: int) -> str | BaseResponse:
    """One person's sheet: the sample, with their own choices only."""
    hand = in_hand(survey_id, question_id)
    found = _round(hand, round_id)
    db = storage.get_db()
    themes = storage.themes.themes_for(db, survey_id, question_id)
    form = EmptyForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        allowed = {t.id for t in themes} | {NONE}
        chosen = {
            key.removeprefix("code_"): value
            for key, value in request.form.items()
            if key.startswith("code_") and value in allowed
        }
        saved = storage.coding.save(db, round_id, current_user.user.id, chosen)
        flash(gettext("%(count)s of %(size)s answers coded.", count=saved, size=found.size))
        return redirect(
            url_for(".code", survey_id=survey_id, question_id=question_id, round_id=round_id)
        )
    answers = _answers(hand, round_id)
    return render_template(
        "workspace/code.html",
        hand=hand,
        round=found,
        items=[answers[rid] for rid, _, _ in storage.coding.items(db, round_id) if rid in answers],
        mine=storage.coding.my_codes(db, round_id, current_user.user.id),
        themes=themes,
        no_theme=NONE,
        form=form,
        language_name=language_name,
        direction=direction,
    )


@bp.get("/<survey_id>/<question_id>/coding/<int:round_id>")
@role_required(*REVIEWERS)
def agreement_page(survey_id: str, question_id: str, round_id: int) -> str:
    hand = in_hand(survey_id, question_id)
    found = _round(hand, round_id)
    db = storage.get_db()
    codes, names = storage.coding.all_codes(db, round_id)
    result = agreement(codes) if len(codes) >= 2 else None
    themes = storage.themes.themes_for(db, survey_id, question_id)
    answers = _answers(hand, round_id)
    settled = {rid: (theme, who) for rid, theme, who in storage.coding.items(db, round_id)}
    return render_template(
        "workspace/agreement.html",
        hand=hand,
        round=found,
        result=result,
        codes=codes,
        names=names,
        titles={t.id: t.title for t in themes},
        themes=themes,
        answers=answers,
        settled=settled,
        no_theme=NONE,
        form=EmptyForm(),
        language_name=language_name,
        direction=direction,
    )


@bp.post("/<survey_id>/<question_id>/coding/<int:round_id>/settle/<response_id>")
@role_required(*REVIEWERS)
def settle(survey_id: str, question_id: str, round_id: int, response_id: str) -> BaseResponse:
    hand = in_hand(survey_id, question_id)
    _round(hand, round_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    theme_id = request.form.get("theme", "")
    db = storage.get_db()
    sampled = {rid for rid, _, _ in storage.coding.items(db, round_id)}
    if response_id not in sampled or not theme_id:
        abort(400)
    try:
        storage.theme_changes.settle(
            db,
            survey_id,
            question_id,
            response_id,
            None if theme_id == NONE else theme_id,
            current_user.user.id,
            round_id,
        )
    except storage.NotFound:
        abort(404)
    except storage.Stale:
        flash(gettext("Someone else changed that theme meanwhile; please choose again."))
    else:
        flash(gettext("Settled: the answer is in the theme you agreed."))
    return redirect(
        url_for(".agreement_page", survey_id=survey_id, question_id=question_id, round_id=round_id)
        + "#disagreements"
    )
