"""Sign-in for the whole app: flask-login, the deny-by-default guard and API tokens.

A session cookie names the account and its session version; the version is checked
on every request, so raising it (sign-out, a password change, an administrator) ends
every session issued before, even a copied cookie. Bearer tokens open the API only:
its blueprint checks them itself, and no other route looks at them.
"""

from __future__ import annotations

from flask import Flask, jsonify, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import LoginManager, UserMixin, current_user
from flask_wtf.csrf import generate_csrf
from werkzeug.exceptions import MethodNotAllowed

from services import users

# Endpoints anyone may reach: health and readiness, the sign-in pages and their own
# stylesheet, and sign-out (which checks its CSRF token, and must work for an
# already-ended session). /metrics checks its own bearer tokens (api/operations.py).
# Shared read-only pages (/s/<token>), their downloads and their few assets are the
# one deliberate opening onto users' data: each checks its token itself
# (services/shares.py), and they are rate-limited per address (api/share_page.py).
PUBLIC_ENDPOINTS = {
    "health",
    "ready",
    "metrics_page",
    "auth.login",
    "auth.register",
    "auth.logout",
    "auth.static",
    "share.page",
    "share.download",
    "share.asset",
}


class LoginUser(UserMixin):  # type: ignore[misc]
    """The signed-in account as flask-login sees it."""

    def __init__(self, account: users.Account) -> None:
        self.account = account
        self.id = account.id
        self.username = account.username
        self.is_admin = account.is_admin

    @property
    def is_active(self) -> bool:
        return self.account.is_active

    def get_id(self) -> str:
        """What the session cookie stores: the account id and its session version."""
        return f"{self.account.id}:{self.account.session_version}"


def bearer_token() -> str | None:
    """The token of an ``Authorization: Bearer …`` header, if any."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


def _load_user(session_id: str) -> LoginUser | None:
    user_id, _, version = session_id.partition(":")
    if not (user_id.isdigit() and version.isdigit()):
        return None  # also a cookie from before session versions: sign in again
    account = users.account_for_session(int(user_id), int(version))
    return LoginUser(account) if account else None


def _guard() -> ResponseReturnValue | None:
    """Refuse every request that is not signed in, except the public endpoints."""
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    if isinstance(request.routing_exception, MethodNotAllowed):
        return None  # a method no route takes: 405 with Allow, signed in or not
    if "api" in request.blueprints:
        return None  # the API's own guard takes bearer tokens, and nothing else
    if current_user.is_authenticated:
        return None
    if (
        request.path.startswith(("/api/", "/_dash-", "/_reload-hash", "/_favicon"))
        or request.method != "GET"
    ):
        message = (
            "Send a valid API token: Authorization: Bearer <token>."
            if request.path.startswith("/api/")
            else "Sign in to continue."
        )
        response = jsonify(error={"code": "unauthorized", "message": message})
        response.status_code = 401
        return response
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def init_auth(server: Flask) -> None:
    """Install sign-in, the route guard, the sign-in pages, limits and CLI commands."""
    from auth.cli import tokens_cli, users_cli
    from auth.limits import init_limits
    from auth.views import blueprint

    manager = LoginManager(server)
    manager.login_view = "auth.login"
    manager.user_loader(_load_user)
    server.register_blueprint(blueprint)
    init_limits(server)
    server.before_request(_guard)
    server.jinja_env.globals["csrf_token"] = generate_csrf
    server.cli.add_command(users_cli)
    server.cli.add_command(tokens_cli)
