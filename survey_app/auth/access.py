"""Who may do what: every role check happens here, on the server."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any, TypeVar

from flask import Flask, abort, current_app, session
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user

from .. import storage
from ..storage.accounts import User

login_manager = LoginManager()
login_manager.login_view = "auth.sign_in"
login_manager.login_message = _l("Please sign in to see this page.")
login_manager.session_protection = "strong"

F = TypeVar("F", bound=Callable[..., Any])


class SignedIn(UserMixin):
    """The signed-in person, as Flask-Login needs them."""

    def __init__(self, user: User) -> None:
        self.user = user
        self.id = str(user.id)

    @property
    def role(self) -> str:
        return self.user.role


SESSION_KEY = "wm_session"


def session_limits() -> tuple[timedelta, timedelta]:
    config = current_app.config
    return (
        timedelta(minutes=config["STAFF_IDLE_MINUTES"]),
        timedelta(hours=config["STAFF_SESSION_HOURS"]),
    )


@login_manager.user_loader
def _load(user_id: str) -> SignedIn | None:
    # The signed cookie alone proves nothing: its session must be live on the server.
    token = session.get(SESSION_KEY)
    if not isinstance(token, str):
        return None
    db = storage.get_db()
    if storage.staff_sessions.user_of(db, token, *session_limits()) != _as_int(user_id):
        return None
    try:
        user = storage.accounts.get_user(db, int(user_id))
    except (storage.NotFound, ValueError):
        return None
    return SignedIn(user) if user.active else None


def _as_int(value: str) -> int | None:
    try:
        return int(value)
    except ValueError:
        return None


def begin_session(user: User) -> None:
    """Sign in on a fresh session (nothing of the visitor's session carries over)."""
    session.clear()
    login_user(SignedIn(user))
    session[SESSION_KEY] = storage.staff_sessions.start(storage.get_db(), user.id)


def end_session() -> None:
    token = session.get(SESSION_KEY)
    if isinstance(token, str):
        storage.staff_sessions.end(storage.get_db(), token)
    logout_user()
    session.clear()


def signed_in_id() -> int | None:
    """The signed-in person's account id, for the records their actions leave."""
    return int(current_user.user.id) if current_user.is_authenticated else None


def role_required(*roles: str) -> Callable[[F], F]:
    """Only signed-in people with one of ``roles``; others are sent to sign in, or refused."""

    def decorate(view: F) -> F:
        @wraps(view)
        def checked(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return checked  # type: ignore[return-value]

    return decorate


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
