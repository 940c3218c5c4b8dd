"""Accounts, passwords, API tokens, number formats and what an admin can change."""

from __future__ import annotations

import hashlib
import math
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, func, literal, or_, select, update
from werkzeug.security import check_password_hash, generate_password_hash

import config
from services import db
from services.errors import (
    ConflictError,
    InvalidInputError,
    NotFoundError,
    ServiceError,
)
from services.numbers import NumberStyle, parse_style

MIN_PASSWORD_LENGTH = 8
# Shown under every new-password field before anyone types, and when one is too short.
PASSWORD_RULE = f"At least {MIN_PASSWORD_LENGTH} characters."
# Checked against unknown user names, so a wrong name costs as much as a wrong password.
_DUMMY_HASH = generate_password_hash("not a password of anyone")


@dataclass(frozen=True)
class Account:
    """What the rest of the app knows of a user (never the password hash)."""

    id: int
    username: str
    is_admin: bool
    is_active: bool
    created_at: datetime
    session_version: int


class TooManyAttemptsError(ServiceError):
    """Sign-ins are slowed down after repeated failures."""

    code = "too_many_attempts"


def _account(user: db.User) -> Account:
    return Account(
        user.id,
        user.username,
        user.is_admin,
        user.is_active,
        user.created_at,
        user.session_version or 0,
    )


def _validate(username: str, password: str) -> str:
    username = username.strip()
    if not 1 <= len(username) <= 80 or not username.isprintable():
        raise InvalidInputError("Choose a user name of 1 to 80 visible characters.")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInputError(
            f"Choose a password of at least {MIN_PASSWORD_LENGTH} characters."
        )
    return username


def create_user(username: str, password: str) -> Account:
    """Create an account; the very first account is an administrator.

    Raises
    ------
    InvalidInputError
        For an empty name or a short password.
    ConflictError
        When the name is taken.

    """
    username = _validate(username, password)
    with db.session() as s:
        if s.scalar(select(db.User).where(db.User.username == username)):
            raise ConflictError(
                f"The user name “{username}” is taken.", code="username_taken"
            )
        first = not s.scalar(select(func.count()).select_from(db.User))
        user = db.User(
            username=username,
            password_hash=generate_password_hash(password),
            is_admin=first,
            is_active=True,
        )
        s.add(user)
        s.flush()
        return _account(user)


def get_account(user_id: int) -> Account | None:
    """The account with this id, or ``None``."""
    with db.session() as s:
        user = s.get(db.User, user_id)
        return _account(user) if user else None


def find_account(username: str) -> Account | None:
    """The account with this user name, or ``None``."""
    with db.session() as s:
        user = s.scalar(select(db.User).where(db.User.username == username.strip()))
        return _account(user) if user else None


def authenticate(username: str, password: str) -> Account | None:
    """Check a sign-in; ``None`` for a wrong name or password or a disabled account.

    Every attempt on an account is counted before its password is checked, in one
    atomic update, so attempts sent in parallel are all counted. Once an account has
    had ``LOGIN_MAX_FAILURES`` attempts without a right password within
    ``LOGIN_FAILURE_WINDOW_S`` seconds of the first, further attempts are refused
    unchecked until that window has passed. A right password resets the count.

    Raises
    ------
    TooManyAttemptsError
        While the account refuses sign-ins after repeated failures.

    """
    account = find_account(username)
    if account is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    attempts, since = _count_attempt(account.id)
    if attempts > int(config.settings.LOGIN_MAX_FAILURES):
        window = timedelta(seconds=float(config.settings.LOGIN_FAILURE_WINDOW_S))
        minutes = math.ceil((since + window - db.utcnow()).total_seconds() / 60)
        raise TooManyAttemptsError(
            "Too many failed sign-ins for this account. "
            f"Wait {max(1, minutes)} minute{'s' if minutes > 1 else ''} and try again."
        )
    with db.session() as s:
        user = s.get_one(db.User, account.id)
        if not check_password_hash(user.password_hash, password) or not user.is_active:
            user.last_failed_at = db.utcnow()
            return None
        user.failed_logins = 0
        user.failures_since = None
        return _account(user)


def _count_attempt(user_id: int) -> tuple[int, datetime]:
    """Count one sign-in attempt atomically; the count and when its window began."""
    now = db.utcnow()
    window = timedelta(seconds=float(config.settings.LOGIN_FAILURE_WINDOW_S))
    User = db.User
    new_window = or_(User.failures_since.is_(None), User.failures_since <= now - window)
    statement = (
        update(User)
        .where(User.id == user_id)
        .values(
            failed_logins=case((new_window, 1), else_=User.failed_logins + 1),
            failures_since=case(
                (new_window, literal(now, db.UTCDateTime())),
                else_=User.failures_since,
            ),
        )
        .returning(User.failed_logins, User.failures_since)
    )
    with db.session() as s:
        attempts, since = s.execute(statement).one()
    return int(attempts), since or now


def account_for_session(user_id: int, session_version: int) -> Account | None:
    """The active account a session cookie names, or ``None`` once it was ended.

    A session carries the account's session version from when it began; signing
    out, changing the password or an administrator raises the version, which ends
    every session issued before.
    """
    account = get_account(user_id)
    if account is None or not account.is_active:
        return None
    return account if account.session_version == session_version else None


def end_sessions(user_id: int) -> None:
    """End every session of a user: each cookie issued so far stops working.

    Raises
    ------
    NotFoundError
        When there is no such user.

    """
    with db.session() as s:
        ended = s.execute(
            update(db.User)
            .where(db.User.id == user_id)
            .values(session_version=db.User.session_version + 1)
        )
        if not ended.rowcount:  # type: ignore[attr-defined]
            raise NotFoundError("There is no such user.")


def change_password(user_id: int, old_password: str, new_password: str) -> None:
    """Change a password after checking the current one; every session ends.

    Raises
    ------
    InvalidInputError
        When the current password is wrong or the new one too short.

    """
    with db.session() as s:
        user = s.get(db.User, user_id)
        if user is None or not check_password_hash(user.password_hash, old_password):
            raise InvalidInputError(
                "The current password is not right.", code="wrong_password"
            )
        _validate(user.username, new_password)
        user.password_hash = generate_password_hash(new_password)
        # A password change ends every session, in case one of them was stolen.
        user.session_version = db.User.session_version + 1


def number_style(user_id: int) -> NumberStyle:
    """How numbers are written to this user (the default for an unknown user).

    Examples
    --------
    A new account writes ``1,234.5``; after ``set_number_style(user_id,
    NumberStyle.POINT_COMMA)`` its pages and reports write ``1.234,5``.

    """
    with db.session() as s:
        stored = s.scalar(select(db.User.number_format).where(db.User.id == user_id))
    return parse_style(stored)


def set_number_style(user_id: int, style: NumberStyle | str) -> NumberStyle:
    """Save how numbers are written to this user; returns the style saved.

    Raises
    ------
    InvalidInputError
        When ``style`` is not one of :class:`~services.numbers.NumberStyle`.
    NotFoundError
        When there is no such user.

    """
    try:
        chosen = NumberStyle(style)
    except ValueError:
        raise InvalidInputError(
            "Choose one of the number formats: "
            + " or ".join(s.value for s in NumberStyle)
            + ".",
            code="invalid_request",
        ) from None
    with db.session() as s:
        saved = s.execute(
            update(db.User)
            .where(db.User.id == user_id)
            .values(number_format=chosen.value)
        )
        if not saved.rowcount:  # type: ignore[attr-defined]
            raise NotFoundError("There is no such user.")
    return chosen


def list_accounts() -> list[Account]:
    """Every account, oldest first."""
    with db.session() as s:
        return [_account(u) for u in s.scalars(select(db.User).order_by(db.User.id))]


def registration_open() -> bool:
    """Whether new people may sign up (an admin's choice wins over settings)."""
    with db.session() as s:
        stored = s.get(db.AppSetting, "allow_registration")
        if stored is not None:
            return stored.value == "true"
    return bool(config.settings.ALLOW_REGISTRATION)


def set_registration_open(is_open: bool) -> None:
    """Open or close registration from the app."""
    with db.session() as s:
        s.merge(
            db.AppSetting(
                key="allow_registration", value="true" if is_open else "false"
            )
        )


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class TokenInfo:
    """An API token as its owner sees it (the token itself is never kept)."""

    id: int
    name: str
    created_at: datetime
    last_used_at: datetime | None


def issue_token(user_id: int, name: str = "api") -> str:
    """Issue an API token for a user and return it: the one time anyone sees it.

    Only its hash is kept.

    Raises
    ------
    InvalidInputError
        When the name is empty or longer than 80 characters.
    NotFoundError
        When there is no such user.

    """
    name = " ".join(name.split())
    if not 1 <= len(name) <= 80 or not name.isprintable():
        raise InvalidInputError(
            "Name the token with 1 to 80 visible characters, e.g. what it is for.",
            code="invalid_token_name",
        )
    token = "fs_" + secrets.token_urlsafe(32)
    with db.session() as s:
        if s.get(db.User, user_id) is None:
            raise NotFoundError("There is no such user.")
        s.add(db.ApiToken(user_id=user_id, name=name, token_hash=_token_hash(token)))
    return token


def create_token(username: str, name: str = "api") -> str:
    """Issue an API token for the user with this name (the operator's command).

    Raises
    ------
    InvalidInputError
        When there is no such user, or the name is not usable.

    """
    account = find_account(username)
    if account is None:
        raise InvalidInputError(f"There is no user “{username}”.", code="no_such_user")
    return issue_token(account.id, name)


def list_tokens(user_id: int) -> list[TokenInfo]:
    """The user's own API tokens, newest first."""
    with db.session() as s:
        rows = s.scalars(
            select(db.ApiToken)
            .where(db.ApiToken.user_id == user_id)
            .order_by(db.ApiToken.created_at.desc(), db.ApiToken.id.desc())
        )
        return [TokenInfo(t.id, t.name, t.created_at, t.last_used_at) for t in rows]


def revoke_token(user_id: int, token_id: int) -> None:
    """Revoke one of the user's tokens: it stops working at once.

    Raises
    ------
    NotFoundError
        When the user has no such token (another user's token looks the same).

    """
    with db.session() as s:
        token = s.get(db.ApiToken, token_id)
        if token is None or token.user_id != user_id:
            raise NotFoundError("There is no such token.")
        s.delete(token)


def account_for_token(token: str) -> Account | None:
    """The active account a bearer token belongs to, or ``None``."""
    with db.session() as s:
        row = s.scalar(
            select(db.ApiToken).where(db.ApiToken.token_hash == _token_hash(token))
        )
        if row is None:
            return None
        user = s.get(db.User, row.user_id)
        if user is None or not user.is_active:
            return None
        row.last_used_at = db.utcnow()
        return _account(user)
