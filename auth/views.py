"""The sign-in, registration and sign-out pages: plain Flask templates with CSRF."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_limiter import RateLimitExceeded
from flask_login import current_user, login_user, logout_user
from flask_wtf import FlaskForm
from flask_wtf.csrf import validate_csrf
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from auth import LoginUser
from auth.limits import limiter, login_limit, register_limit
from services import users
from services.errors import ServiceError

blueprint = Blueprint(
    "auth",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/auth/static",
)


class LoginForm(FlaskForm):  # type: ignore[misc]
    """User name and password."""

    username = StringField("User name", validators=[DataRequired(), Length(max=80)])
    password = PasswordField("Password", validators=[DataRequired()])


class RegisterForm(LoginForm):
    """A new account: name, password twice."""

    password = PasswordField(
        "Password",
        validators=[
            DataRequired(),
            Length(min=users.MIN_PASSWORD_LENGTH, message=users.PASSWORD_RULE),
        ],
    )
    confirm = PasswordField(
        "Repeat the password",
        validators=[EqualTo("password", message="The two passwords differ.")],
    )


def safe_next(target: str | None) -> str:
    """Where to go after sign-in: only a path inside this app, else the start page."""
    if (
        not target
        or not target.startswith("/")
        or target.startswith("//")
        or "\\" in target
    ):
        return "/"
    parts = urlsplit(target)
    return "/" if parts.scheme or parts.netloc else target


@blueprint.route("/login", methods=["GET", "POST"])
@limiter.limit(login_limit, methods=["POST"])
def login() -> ResponseReturnValue:
    """Sign in; a wrong name or password gets one message for both."""
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        try:
            account = users.authenticate(form.username.data, form.password.data)
        except ServiceError as exc:
            account, error = None, exc.message
        else:
            if account is None:
                error = "The user name or password is not right."
        if account is not None:
            login_user(LoginUser(account))
            return redirect(safe_next(request.args.get("next")))
    return render_template(
        "auth/login.html",
        form=form,
        error=error,
        registration_open=users.registration_open(),
    )


@blueprint.route("/register", methods=["GET", "POST"])
@limiter.limit(register_limit, methods=["POST"])
def register() -> ResponseReturnValue:
    """Create an account (when registration is open) and sign in."""
    if not users.registration_open():
        return render_template("auth/closed.html"), 403
    form = RegisterForm()
    error = None
    if form.validate_on_submit():
        try:
            account = users.create_user(form.username.data, form.password.data)
        except ServiceError as exc:
            error = exc.message
        else:
            login_user(LoginUser(account))
            return redirect("/")  # a Dash page: a flash would wait for the sign-in page
    return render_template(
        "auth/register.html", form=form, error=error, password_rule=users.PASSWORD_RULE
    )


@blueprint.errorhandler(RateLimitExceeded)
def too_many_requests(_exc: RateLimitExceeded) -> ResponseReturnValue:
    """The form again, saying to wait (the limiter's own text never reaches people)."""
    if request.endpoint == "auth.register":
        page = render_template(
            "auth/register.html",
            form=RegisterForm(),
            password_rule=users.PASSWORD_RULE,
            error="Too many accounts were requested from your network. "
            "Try again later.",
        )
    else:
        page = render_template(
            "auth/login.html",
            form=LoginForm(),
            error="Too many sign-in attempts from your network. "
            "Wait a few minutes and try again.",
            registration_open=users.registration_open(),
        )
    return page, 429


def _csrf_token_sent() -> str:
    """The token of a form post (``csrf_token``) or of a script (``X-CSRFToken``)."""
    return request.form.get("csrf_token") or request.headers.get("X-CSRFToken", "")


@blueprint.route("/logout", methods=["GET", "POST"])
def logout() -> ResponseReturnValue:
    """Sign out with a POST that carries the CSRF token; a GET only asks to confirm.

    Signing out ends every session of the account (each cookie issued so far), not
    just this browser's, so a copied cookie stops working too.
    """
    if request.method == "GET":
        if not current_user.is_authenticated:
            return redirect(url_for("auth.login"))
        return render_template("auth/logout.html")
    try:
        validate_csrf(_csrf_token_sent())
    except ValidationError:
        page = render_template(
            "auth/logout.html",
            error="This sign-out form has expired. Press Sign out again.",
        )
        return page, 400
    if current_user.is_authenticated:
        users.end_sessions(int(current_user.id))
    logout_user()
    flash("You have signed out.")
    return redirect(url_for("auth.login"))
