"""Sign in, sign out. A volunteer's sign-in registers the device for offline sending."""

from __future__ import annotations

import secrets
from datetime import timedelta

from flask import (
    current_app,
    flash,
    g,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext
from itsdangerous import BadSignature, URLSafeSerializer
from werkzeug.wrappers import Response as BaseResponse

from .. import storage
from ..errors import UserFacingError
from ..extensions import limiter
from ..security import secure_cookies
from . import bp
from .access import begin_session, end_session, signed_in_id
from .forms import EmptyForm, SignInForm, WelcomeForm

DEVICE_COOKIE = "wm_device"
# A browser the account signed in on before: wrong passwords from elsewhere do not hold it.
KNOWN_COOKIE = "wm_known"
KNOWN_DAYS = 90


def _known_signer(email: str) -> URLSafeSerializer:
    # Signed for this account alone: the cookie names no one, and is worthless for another.
    return URLSafeSerializer(
        str(current_app.secret_key), salt="known-browser:" + email.strip().casefold()
    )


def _known_browser(email: str) -> str | None:
    value = request.cookies.get(KNOWN_COOKIE)
    if not value:
        return None
    try:
        return str(_known_signer(email).loads(value))
    except BadSignature:
        return None


def _remember_browser(response: BaseResponse, email: str, browser: str | None) -> BaseResponse:
    response.set_cookie(
        KNOWN_COOKIE,
        _known_signer(email).dumps(browser or secrets.token_urlsafe(12)),
        max_age=KNOWN_DAYS * 24 * 3600,
        httponly=True,
        samesite="Lax",
        secure=secure_cookies(),
    )
    return response


def _refused() -> bool:
    return bool(g.get("sign_in_refused"))


@bp.route("/sign-in", methods=["GET", "POST"])
# Wrong passwords only: a centre's volunteers signing in on one wifi at the start of a
# morning share an address and must all get in.
@limiter.limit("10 per minute", methods=["POST"], deduct_when=lambda _reply: _refused())
def sign_in() -> BaseResponse | str:
    form = SignInForm()
    error = None
    if form.validate_on_submit():
        db = storage.get_db()
        email = form.email.data or ""
        config = current_app.config
        browser = _known_browser(email)
        held = storage.staff_sessions.held_for(
            db,
            email,
            config["SIGN_IN_FAILURES"],
            timedelta(minutes=config["SIGN_IN_HOLD_MINUTES"]),
            browser,
        )
        if held:
            g.sign_in_refused = True
            # Even the right password: guessing from many addresses gains nothing.
            page = render_template(
                "auth/sign_in.html",
                form=form,
                error=gettext(
                    "Too many wrong passwords for this account. Try again in %(minutes)s "
                    "minutes, or ask a coordinator.",
                    minutes=max(1, -(-held // 60)),
                ),
            )
            return make_response(page, 429, {"Retry-After": str(held)})
        user = storage.accounts.authenticate(db, email, form.password.data or "")
        if user is None:
            g.sign_in_refused = True
            storage.staff_sessions.failed(db, email, browser)
            error = gettext("That email address and password do not match an account.")
        else:
            storage.staff_sessions.succeeded(db, email, browser)
            begin_session(user)
            if user.role != "volunteer":
                return _remember_browser(
                    redirect(
                        url_for(
                            "admin.devices" if user.role == "coordinator" else "admin.engagement"
                        )
                    ),
                    email,
                    browser,
                )
            label = form.device_label.data or request.user_agent.string[:60] or "device"
            device, token = storage.accounts.register_device(
                db, user, label, known=request.cookies.get(DEVICE_COOKIE)
            )
            page = render_template("auth/device_ready.html", device=device, token=token)
            response = make_response(page)
            # The token is shown once, to this page's script: never cache the page.
            response.headers["Cache-Control"] = "no-store"
            # Which device this browser is, so that signing in again reuses it. Only the id:
            # the token that lets it send stays in the page's storage.
            response.set_cookie(
                DEVICE_COOKIE,
                device.id,
                max_age=10 * 365 * 24 * 3600,
                httponly=True,
                samesite="Lax",
                secure=secure_cookies(),
            )
            return _remember_browser(response, email, browser)
    return render_template("auth/sign_in.html", form=form, error=error)


@bp.post("/sign-out")
def sign_out() -> BaseResponse:
    if EmptyForm().validate_on_submit():
        # The device sent everything it held and forgot its key: the key ends here too.
        forget = request.form.get("forget_device", "")
        if forget:
            storage.accounts.forget_own_device(storage.get_db(), forget, signed_in_id())
        end_session()
    return redirect(url_for("collect.start"))


@bp.route("/welcome/<token>", methods=["GET", "POST"])
def welcome(token: str) -> BaseResponse | str:
    """An invited person chooses a password, then signs in."""
    db = storage.get_db()
    try:
        user = storage.accounts.invited_user(db, token)
    except storage.accounts.InviteNotValid:
        raise UserFacingError(
            gettext(
                "This invitation link has been used already or has expired. Ask your "
                "coordinator for a new one."
            ),
            status=404,
        ) from None
    form = WelcomeForm(email=user.email, name=user.name)
    if form.validate_on_submit():
        storage.accounts.accept_invite(db, token, form.password.data or "")
        flash(gettext("Your password is saved. You can sign in now."))
        return redirect(url_for(".sign_in"))
    response = make_response(render_template("auth/welcome.html", form=form, user=user))
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
