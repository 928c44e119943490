"""People: invite them, give a new sign-in link, change a role, deactivate and reactivate."""

from __future__ import annotations

from flask import Response, abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext, ngettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.wrappers import Response as BaseResponse
from wtforms.fields.choices import SelectChoice

from .. import i18n, storage
from ..auth.access import role_required
from ..auth.forms import EmptyForm
from . import bp
from .events import public_url
from .forms import ROLE_NAMES, InviteForm

ACTION_NAMES = {
    "invited": _l("Invited"),
    "new_link": _l("New sign-in link"),
    "role": _l("Role changed"),
    "deactivated": _l("Deactivated"),
    "reactivated": _l("Reactivated"),
}


@bp.app_template_filter("role_name")
def role_name(role: str) -> str:
    return str(ROLE_NAMES.get(role, role))


def _invite_form(formdata: object = None) -> InviteForm:
    form = InviteForm() if formdata is None else InviteForm(formdata=None)
    form.languages.choices = [
        SelectChoice(o.code, o.name, render_kw={"lang": o.tag}) for o in i18n.offered()
    ]
    return form


def _page(form: InviteForm, link_for: tuple[str, str] | None = None) -> Response:
    db = storage.get_db()
    page = render_template(
        "admin/people.html",
        form=form,
        people=storage.accounts.list_people(db),
        roles=ROLE_NAMES,
        invited=link_for,
        language_names={o.code: o.name for o in i18n.offered()},
        changes=storage.people.recent_changes(db),
        action_names=ACTION_NAMES,
        actions=EmptyForm(),
    )
    response = make_response(page)
    # A sign-in link is shown once: keep it out of every cache.
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/people", methods=["GET", "POST"])
@role_required("coordinator")
def people() -> Response:
    form = _invite_form()
    if not form.validate_on_submit():
        return _page(form)
    try:
        user, token = storage.accounts.invite_user(
            storage.get_db(),
            email=form.email.data or "",
            name=form.name.data or "",
            role=form.role.data or "volunteer",
            languages=tuple(form.languages.data or ()),
            actor_id=current_user.user.id,
        )
    except storage.accounts.EmailTaken:
        form.email.errors = [gettext("This email address already has an account.")]
        return _page(form)
    return _page(_invite_form(formdata=False), (user.name, _welcome_link(token)))


def _welcome_link(token: str) -> str:
    return public_url(url_for("auth.welcome", token=token))


@bp.post("/people/<int:user_id>")
@role_required("coordinator")
def change_person(user_id: int) -> BaseResponse:
    """One change to one account, recorded in the staff log with who and when."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    db = storage.get_db()
    try:
        person = storage.accounts.get_user(db, user_id)
    except storage.NotFound:
        abort(404)
    actor = current_user.user.id
    action = request.form.get("action", "")
    try:
        if action == "link":
            token = storage.people.new_link(db, actor, user_id)
            return _page(_invite_form(formdata=False), (person.name, _welcome_link(token)))
        if action == "role":
            role = request.form.get("role", "")
            if role not in ROLE_NAMES:
                abort(400)
            if storage.people.set_role(db, actor, user_id, role):
                flash(
                    gettext("%(name)s is now: %(role)s.", name=person.name, role=ROLE_NAMES[role])
                )
        elif action in ("deactivate", "reactivate"):
            if user_id == actor:
                flash(gettext("You cannot deactivate your own account."))
            elif action == "deactivate":
                signed_out = storage.people.set_active(db, actor, user_id, False)
                flash(
                    ngettext(
                        "%(name)s can no longer sign in; %(num)s device was signed out.",
                        "%(name)s can no longer sign in; %(num)s devices were signed out.",
                        signed_out,
                        name=person.name,
                    )
                )
            else:
                storage.people.set_active(db, actor, user_id, True)
                flash(gettext("%(name)s can sign in again.", name=person.name))
        else:
            abort(400)
    except storage.people.LastCoordinator:
        flash(gettext("The app needs at least one active coordinator, so this was not changed."))
    return redirect(url_for(".people"), code=303)
