"""Settings page: an administrator ends every session of an account."""

from __future__ import annotations

from typing import Any

import pytest
from dash.exceptions import PreventUpdate

from services import users
from tests.auth.helpers import sign_in


def test_an_administrator_signs_someone_out_everywhere(
    logged_in: Any, make_account: Any, server: Any
) -> None:
    from callbacks import sessions as page

    make_account()  # the first account of a test run is the administrator
    admin = next(a for a in users.list_accounts() if a.is_admin)
    member = make_account("member password")
    browser = server.test_client()
    sign_in(browser, member.username, "member password")
    assert browser.get("/_dash-layout").status_code == 200

    with logged_in(member):  # not an administrator: no list, no effect
        assert page.list_accounts("/settings") == []
        with pytest.raises(PreventUpdate):
            page.end_sessions(1, str(admin.id))
    with logged_in(admin):
        choices = page.list_accounts("/settings")
        assert {"label": member.username, "value": str(member.id)} in choices
        with pytest.raises(PreventUpdate):
            page.end_sessions(1, {"not": "an id"})
        assert "that account" in str(page.end_sessions(1, "999999999")).lower()
        done = page.end_sessions(1, str(member.id))
        assert f"{member.username} is signed out everywhere" in str(done)
    assert browser.get("/_dash-layout").status_code == 401
    assert browser.get("/upload").location.startswith("/login")
