"""Settings page callbacks: passwords and API tokens for all; users, registration
and System for administrators only."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from dash.exceptions import PreventUpdate

import config
from components import ids
from services import users
from tests.auth.helpers import sign_in


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


SYSTEM_WORDS = ("Tracking store", "JOB_BACKEND", "JOB_WORKERS", "mlflow.db")


def _replay_show_system(dash_app: Any, client: Any) -> str:
    """What the System callback answers a request sent by hand, as a browser would."""
    key = next(k for k in dash_app.callback_map if ids.SETTINGS_SYSTEM_BODY in k)
    body = {
        "output": key,
        "outputs": [
            {"id": ids.SETTINGS_SYSTEM, "property": "style"},
            {"id": ids.SETTINGS_SYSTEM_BODY, "property": "children"},
        ],
        "inputs": [{"id": ids.URL, "property": "pathname", "value": "/settings"}],
        "state": [],
        "changedPropIds": [f"{ids.URL}.pathname"],
    }
    answer = client.post("/_dash-update-component", json=body)
    assert answer.status_code == 200, answer.get_data(as_text=True)
    return str(answer.get_data(as_text=True))


def test_only_administrators_see_system_even_by_replaying_its_callback(
    logged_in: Any, make_account: Any, make_admin: Any, server: Any, dash_app: Any
) -> None:
    from callbacks import settings as page

    member, admin = make_account("member password"), make_admin("admin password")
    with logged_in(member):
        assert page.show_system("/settings") == ({"display": "none"}, None)
    with logged_in(admin):
        style, body = page.show_system("/settings")
        assert style == {} and all(word in str(body) for word in SYSTEM_WORDS)
        assert "Chronos-2" in str(body)
        assert "MLflow UI" in str(body) and "settings-system-mlflow-link" not in str(
            body
        )  # MLFLOW_UI_URL is empty: no link that points at nothing

    for account, password, sees in ((member, "member", False), (admin, "admin", True)):
        browser = server.test_client()
        sign_in(browser, account.username, f"{password} password")
        assert browser.get("/_dash-layout").status_code == 200
        answer = _replay_show_system(dash_app, browser)
        assert all((word in answer) is sees for word in SYSTEM_WORDS), answer


def test_an_administrator_gets_the_mlflow_ui_link_once_it_is_set(
    logged_in: Any, make_admin: Any, dash_app: Any
) -> None:
    from callbacks import settings as page

    config.settings.set("MLFLOW_UI_URL", "http://127.0.0.1:5000")
    try:
        with logged_in(make_admin()):
            _style, body = page.show_system("/settings")
    finally:
        config.settings.set("MLFLOW_UI_URL", "")
    assert "'http://127.0.0.1:5000'" in str(body)


def _press_revoke(dash_app: Any, client: Any, token_id: int) -> Any:
    """Press a Revoke button as the browser would send it (or a replay by hand)."""
    key = next(
        k
        for k in dash_app.callback_map
        if ids.SETTINGS_TOKENS in k
        and ids.SETTINGS_TOKEN_NEW in k
        and "@" in k
        and "create" not in str(dash_app.callback_map[k]["inputs"])
    )
    pressed = {"type": ids.SETTINGS_TOKEN_REVOKE, "token": token_id}
    spec = dash_app.callback_map[key]
    body = {
        "output": key,
        "outputs": [
            dict(zip(("id", "property"), o.rsplit(".", 1), strict=True))
            for o in key[2:-2].split("...")
        ],
        "inputs": [[{"id": pressed, "property": "n_clicks", "value": 1}]],
        "state": [],
        "changedPropIds": [json.dumps(pressed, separators=(",", ":")) + ".n_clicks"],
    }
    assert spec["inputs"][0]["property"] == "n_clicks"
    return client.post("/_dash-update-component", json=body)


def test_tokens_are_made_listed_and_revoked_by_their_owner_only(
    logged_in: Any, make_account: Any, server: Any, dash_app: Any
) -> None:
    from callbacks import tokens as page

    owner, other = make_account("owner password"), make_account("other password")
    with logged_in(owner):
        assert "no API tokens" in str(page.show_tokens("/settings"))
        listed, shown, name = page.create_token(1, "report script")
        [token] = re.findall(r"fs_[\w-]+", str(shown))
        assert "report script" in str(listed) and name == ""
        assert "not shown again" in str(shown) and "Clipboard" in str(shown)
        assert token not in str(page.show_tokens("/settings"))  # shown once only
        assert "1 to 80" in str(page.create_token(1, "x" * 81)[1])
    [made] = users.list_tokens(owner.id)
    bearer = {"Authorization": f"Bearer {token}"}
    api = server.test_client()
    assert api.get("/api/v1/datasets", headers=bearer).status_code == 200

    intruder = server.test_client()  # another user presses Revoke on its id
    sign_in(intruder, other.username, "other password")
    with logged_in(other):
        assert "report script" not in str(page.show_tokens("/settings"))
    answer = _press_revoke(dash_app, intruder, made.id)
    assert "no such token" in answer.get_data(as_text=True)
    assert api.get("/api/v1/datasets", headers=bearer).status_code == 200

    browser = server.test_client()
    sign_in(browser, owner.username, "owner password")
    answer = _press_revoke(dash_app, browser, made.id).get_data(as_text=True)
    assert "revoked" in answer and "no API tokens" in answer
    assert api.get("/api/v1/datasets", headers=bearer).status_code == 401


def test_the_number_format_is_shown_and_saved_at_once(
    logged_in: Any, make_account: Any, dash_app: Any
) -> None:
    from callbacks import settings as page

    account, other = make_account(), make_account()
    with logged_in(account):
        value, example = page.show_number_format("/settings")
        assert value == "1,234.5" and "1,234,567.8" in example and "8.5%" in example
        with pytest.raises(PreventUpdate):  # the saved choice, filled in: no message
            page.save_number_format("1,234.5")
        with pytest.raises(PreventUpdate):
            page.save_number_format("1 234,5")
        alert, example = page.save_number_format("1.234,5")
        assert (
            "1.234,5" in str(alert) and "1.234.567,8" in example and "8,5%" in example
        )
        assert page.show_number_format("/settings")[0] == "1.234,5"
    assert users.number_style(account.id).value == "1.234,5"
    assert users.number_style(other.id).value == "1,234.5"
