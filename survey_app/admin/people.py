"""People: the accounts, and inviting someone to make theirs."""

from __future__ import annotations

from flask import Response, make_response, render_template, url_for
from flask_babel import gettext
from wtforms.fields.choices import SelectChoice

from .. import i18n, storage
from ..auth.access import role_required
from . import bp
from .events import public_url
from .forms import ROLE_NAMES, InviteForm


@bp.route("/people", methods=["GET", "POST"])
@role_required("coordinator")
def people() -> Response:
    form = InviteForm()
    form.languages.choices = [
        SelectChoice(o.code, o.name, render_kw={"lang": o.tag}) for o in i18n.offered()
    ]
    db = storage.get_db()
    invited: tuple[str, str] | None = None
    if form.validate_on_submit():
        try:
            user, token = storage.accounts.invite_user(
                db,
                email=form.email.data or "",
                name=form.name.data or "",
                role=form.role.data or "volunteer",
                languages=tuple(form.languages.data or ()),
            )
        except storage.accounts.EmailTaken:
            form.email.errors = [gettext("This email address already has an account.")]
        else:
            link = public_url(url_for("auth.welcome", token=token))
            invited = (user.name, link)
            form = InviteForm(formdata=None)
            form.languages.choices = [
                SelectChoice(o.code, o.name, render_kw={"lang": o.tag}) for o in i18n.offered()
            ]
    page = render_template(
        "admin/people.html",
        form=form,
        people=storage.accounts.list_people(db),
        roles=ROLE_NAMES,
        invited=invited,
        language_names={o.code: o.name for o in i18n.offered()},
    )
    response = make_response(page)
    # An invitation link is shown once: keep it out of every cache.
    response.headers["Cache-Control"] = "no-store"
    return response
