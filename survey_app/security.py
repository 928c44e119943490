"""Headers and cookies every response carries, and HTTPS seen through a reverse proxy.

Behind a TLS proxy (``PROXY_HOPS``), ProxyFix trusts that many proxies' X-Forwarded-*
headers: the app then knows a request came over HTTPS (cookies Secure, HSTS sent) and
each person's own address (so per-address limits do not lump everyone together).
"""

from __future__ import annotations

from flask import Flask, Request, Response, current_app, has_request_context, request
from flask.sessions import SecureCookieSessionInterface
from flask_login import current_user
from werkzeug.middleware.proxy_fix import ProxyFix

# No inline script or style anywhere, so the policy can forbid both.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    # A voice answer is listened back to from the device's own copy (a blob: address).
    "media-src 'self' blob:; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
# A year: browsers then refuse plain HTTP to this host. Subdomains are not ours to bind.
HSTS = "max-age=31536000"


def secure_cookies() -> bool:
    """Whether cookies set now are HTTPS-only: configured so, or this request is HTTPS."""
    configured = bool(current_app.config["SESSION_COOKIE_SECURE"])
    return configured or (has_request_context() and request.is_secure)


class _SessionInterface(SecureCookieSessionInterface):
    def get_cookie_secure(self, app: Flask) -> bool:
        return secure_cookies()


def _personal(request_: Request) -> bool:
    # A signed-in person's pages show names, answers and contact details; a posted survey
    # step shows the answers posted; the API answers devices. None may be kept by a
    # browser or proxy (static files and the survey's blank pages are the same for all).
    # (Cheapest first: knowing who is signed in reads the session and the database.)
    return (
        request_.method == "POST"
        or request_.path.startswith("/api/")
        or current_user.is_authenticated
    )


def _headers(response: Response) -> Response:
    if request.endpoint != "static" and _personal(request):
        response.headers["Cache-Control"] = "no-store"
    if request.is_secure:
        response.headers["Strict-Transport-Security"] = HSTS
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers.setdefault(
        "Permissions-Policy", "camera=(), geolocation=(self), microphone=(self)"
    )
    return response


def init_app(app: Flask) -> None:
    hops = int(app.config.get("PROXY_HOPS", 0))
    if hops > 0:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops
        )
    app.session_interface = _SessionInterface()
    app.after_request(_headers)
