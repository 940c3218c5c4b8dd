"""Settings page callbacks: passwords for all, users and registration for admins."""

from __future__ import annotations

from typing import Any

import pytest
from dash.exceptions import PreventUpdate

from services import users


def test_change_password_from_the_page(
    logged_in: Any, make_account: Any, dash_app: Any
) -> None:
    from callbacks import settings as page

    account = make_account("first password")
    with logged_in(account):
        assert "differ" in str(
            page.change_password(1, "first password", "a new one!", "another one")
        )
        assert "not right" in str(
            page.change_password(1, "wrong", "a new one!", "a new one!")
        )
        assert "changed" in str(
            page.change_password(1, "first password", "a new one!", "a new one!")
        )
    assert users.authenticate(account.username, "a new one!") is not None


def test_only_administrators_see_users_and_registration(
    logged_in: Any, make_account: Any, dash_app: Any
) -> None:
    from callbacks import settings as page

    admin = next(a for a in users.list_accounts() if a.is_admin)
    member = make_account()
    with logged_in(member):
        assert page.show_admin("/settings") == ({"display": "none"}, None, False)
        with pytest.raises(PreventUpdate):
            page.toggle_registration(False)
    assert users.registration_open()
    with logged_in(admin):
        style, table, is_open = page.show_admin("/settings")
        assert style == {} and member.username in str(table) and is_open is True
        page.toggle_registration(False)
        assert users.registration_open() is False
        page.toggle_registration(True)
    assert users.registration_open() is True
