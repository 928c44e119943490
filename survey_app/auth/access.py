"""Who may do what: every role check happens here, on the server."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import Flask, abort
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager, UserMixin, current_user

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


@login_manager.user_loader
def _load(user_id: str) -> SignedIn | None:
    try:
        user = storage.accounts.get_user(storage.get_db(), int(user_id))
    except (storage.NotFound, ValueError):
        return None
    return SignedIn(user) if user.active else None


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
