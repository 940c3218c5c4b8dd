"""Accounts: hashing, the first administrator, slowed sign-ins, tokens, registration."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import pytest

import config
from services import db, users
from services.errors import ConflictError, InvalidInputError, NotFoundError
from services.numbers import NumberStyle


def test_passwords_are_hashed_and_checked(make_account: Any) -> None:
    account = make_account("a long password")
    with db.session() as s:
        stored = s.get_one(db.User, account.id).password_hash
    assert "a long password" not in stored and stored.startswith(("scrypt:", "pbkdf2:"))
    assert users.authenticate(account.username, "a long password") == account
    assert users.authenticate(account.username, "wrong password") is None
    assert users.authenticate("nobody-" + account.username, "a long password") is None


def test_short_passwords_and_taken_names_are_refused(make_account: Any) -> None:
    account = make_account()
    with pytest.raises(InvalidInputError, match="8 characters"):
        users.create_user("someone-new", "short")
    with pytest.raises(ConflictError):
        users.create_user(account.username, "another long one")


@pytest.fixture
def small_limit() -> Iterator[int]:
    """Accounts refuse sign-ins after 5 failures (the default is higher)."""
    previous = config.settings.LOGIN_MAX_FAILURES
    config.settings.set("LOGIN_MAX_FAILURES", 5)
    yield 5
    config.settings.set("LOGIN_MAX_FAILURES", previous)


def _failures(user_id: int) -> int:
    with db.session() as s:
        return s.get_one(db.User, user_id).failed_logins


def test_attempts_in_parallel_are_all_counted_and_then_refused(
    make_account: Any, small_limit: int
) -> None:
    account = make_account("the right password")
    with ThreadPoolExecutor(max_workers=4) as pool:
        outcomes = list(
            pool.map(
                lambda _: _try(account.username, "wrong password"),
                range(12),
            )
        )
    assert _failures(account.id) == 12
    assert outcomes.count("refused") == 12 - small_limit
    # Past the limit even the right password is refused, unchecked.
    assert _try(account.username, "the right password") == "refused"


def test_the_right_password_works_again_once_the_window_has_passed(
    make_account: Any, small_limit: int
) -> None:
    account = make_account("the right password")
    for _ in range(small_limit + 1):
        _try(account.username, "wrong password")
    with pytest.raises(users.TooManyAttemptsError, match="Wait 15 minutes"):
        users.authenticate(account.username, "the right password")
    with db.session() as s:  # the window began 15 minutes ago
        user = s.get_one(db.User, account.id)
        assert user.failures_since is not None
        user.failures_since -= timedelta(
            seconds=float(config.settings.LOGIN_FAILURE_WINDOW_S)
        )
    assert users.authenticate(account.username, "the right password") == account
    assert _failures(account.id) == 0  # a right password starts the count again


def test_a_right_password_resets_the_count(make_account: Any, small_limit: int) -> None:
    account = make_account("the right password")
    for _ in range(small_limit - 1):
        assert users.authenticate(account.username, "wrong") is None
    assert users.authenticate(account.username, "the right password") == account
    for _ in range(small_limit - 1):
        assert users.authenticate(account.username, "wrong") is None
    assert users.authenticate(account.username, "the right password") == account


def _try(username: str, password: str) -> str:
    try:
        return "ok" if users.authenticate(username, password) else "wrong"
    except users.TooManyAttemptsError:
        return "refused"


def test_change_password_checks_the_old_one(make_account: Any) -> None:
    account = make_account("old password!")
    with pytest.raises(InvalidInputError, match="current password"):
        users.change_password(account.id, "not it", "new password!")
    users.change_password(account.id, "old password!", "new password!")
    assert users.authenticate(account.username, "new password!") is not None


def test_sessions_end_with_a_new_password_sign_out_or_an_administrator(
    make_account: Any,
) -> None:
    account = make_account("old password!")
    assert users.account_for_session(account.id, account.session_version) == account
    users.change_password(account.id, "old password!", "new password!")
    assert users.account_for_session(account.id, account.session_version) is None
    current = users.get_account(account.id)
    assert current is not None
    assert users.account_for_session(account.id, current.session_version) == current
    users.end_sessions(account.id)
    assert users.account_for_session(account.id, current.session_version) is None
    with pytest.raises(NotFoundError):
        users.end_sessions(10**9)


def test_tokens_are_stored_hashed_and_identify_their_user(make_account: Any) -> None:
    account = make_account()
    token = users.create_token(account.username)
    with db.session() as s:
        assert s.query(db.ApiToken).filter_by(token_hash=token).count() == 0
    found = users.account_for_token(token)
    assert found is not None and found.id == account.id
    assert users.account_for_token(token + "x") is None


def test_users_list_and_revoke_their_own_tokens_only(make_account: Any) -> None:
    owner, other = make_account(), make_account()
    token = users.issue_token(owner.id, "  monthly   report ")
    [listed] = users.list_tokens(owner.id)
    assert (listed.name, listed.last_used_at) == ("monthly report", None)
    assert users.list_tokens(other.id) == []
    assert users.account_for_token(token) == owner
    [used] = users.list_tokens(owner.id)
    assert used.last_used_at is not None and used.last_used_at >= used.created_at
    with pytest.raises(NotFoundError):  # another user's token looks like no token
        users.revoke_token(other.id, listed.id)
    assert users.account_for_token(token) == owner
    users.revoke_token(owner.id, listed.id)
    assert users.account_for_token(token) is None and users.list_tokens(owner.id) == []
    with pytest.raises(NotFoundError):
        users.revoke_token(owner.id, listed.id)
    for name in ("", "   ", "x" * 81, "tab\tname\x00"):
        with pytest.raises(InvalidInputError):
            users.issue_token(owner.id, name)
    with pytest.raises(NotFoundError):
        users.issue_token(999_999_999, "nobody's")


def test_each_user_keeps_their_own_number_format(make_account: Any) -> None:
    one, other = make_account(), make_account()
    assert users.number_style(one.id) is NumberStyle.COMMA_POINT  # the default
    assert users.set_number_style(one.id, "1.234,5") is NumberStyle.POINT_COMMA
    assert users.number_style(one.id) is NumberStyle.POINT_COMMA
    assert users.number_style(other.id) is NumberStyle.COMMA_POINT
    users.set_number_style(one.id, NumberStyle.COMMA_POINT)
    assert users.number_style(one.id) is NumberStyle.COMMA_POINT
    with pytest.raises(InvalidInputError, match="number formats"):
        users.set_number_style(one.id, "1 234,5")
    assert users.number_style(one.id) is NumberStyle.COMMA_POINT
    with pytest.raises(NotFoundError):
        users.set_number_style(999_999_999, "1.234,5")
    assert users.number_style(999_999_999) is NumberStyle.COMMA_POINT


def test_registration_can_be_closed_and_opened(database: None) -> None:
    users.set_registration_open(False)
    assert users.registration_open() is False
    users.set_registration_open(True)
    assert users.registration_open() is True


def test_the_first_account_is_the_administrator(fresh_database: str) -> None:
    url = fresh_database
    previous = config.settings.DATABASE_URL
    config.settings.set("DATABASE_URL", url)
    try:
        db.migrate()
        first = users.create_user("first-person", "a long password")
        second = users.create_user("second-person", "a long password")
        assert (first.is_admin, second.is_admin) == (True, False)
    finally:
        config.settings.set("DATABASE_URL", previous)
