"""Sessions end when they should: at sign-out, with a new password, by an administrator.

Each test captures a session cookie as a thief would and replays it from another
client on a page and on Dash's endpoints.
"""

from __future__ import annotations

from typing import Any

from components import ids
from tests.auth.helpers import meta_token, sign_in, sign_out


def _copy_of(server: Any, client: Any) -> Any:
    """Another client holding a copy of this client's session cookie."""
    thief = server.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


def _works(client: Any) -> bool:
    """Whether a client's session opens a page and Dash's layout."""
    page, layout = client.get("/upload"), client.get("/_dash-layout")
    if page.status_code == 200 and layout.status_code == 200:
        return True
    assert page.status_code == 302 and page.location.startswith("/login")
    assert layout.status_code == 401
    return False


def _change_password_on_the_page(client: Any, old: str, new: str) -> Any:
    """The Settings page's "Change password" button, as the browser sends it."""

    def value(id_: str, text: str) -> dict[str, str]:
        return {"id": id_, "property": "value", "value": text}

    return client.post(
        "/_dash-update-component",
        json={
            "output": f"{ids.SETTINGS_PASSWORD_ALERT}.children",
            "outputs": {"id": ids.SETTINGS_PASSWORD_ALERT, "property": "children"},
            "inputs": [
                {"id": ids.SETTINGS_PASSWORD_BUTTON, "property": "n_clicks", "value": 1}
            ],
            "changedPropIds": [f"{ids.SETTINGS_PASSWORD_BUTTON}.n_clicks"],
            "state": [
                value(ids.SETTINGS_OLD_PASSWORD, old),
                value(ids.SETTINGS_NEW_PASSWORD, new),
                value(ids.SETTINGS_CONFIRM_PASSWORD, new),
            ],
        },
    )


def test_a_copied_cookie_stops_working_at_sign_out(
    server: Any, make_account: Any
) -> None:
    account = make_account("replay password")
    browser = server.test_client()
    sign_in(browser, account.username, "replay password")
    thief = _copy_of(server, browser)
    assert _works(thief)  # the copy works while the session lasts

    response = sign_out(browser)
    assert response.status_code == 302 and response.location == "/login"
    assert not _works(browser)
    assert not _works(thief)
    callback = thief.post("/_dash-update-component", json={"output": "x.children"})
    assert callback.status_code == 401


def test_a_new_password_ends_every_session(server: Any, make_account: Any) -> None:
    account = make_account("first password")
    laptop, phone = server.test_client(), server.test_client()
    for client in (laptop, phone):
        sign_in(client, account.username, "first password")
    thief = _copy_of(server, phone)
    assert _works(thief)

    changed = _change_password_on_the_page(laptop, "first password", "second password")
    assert changed.status_code == 200 and "changed" in changed.get_data(as_text=True)
    for client in (laptop, phone, thief):
        assert not _works(client)
    assert sign_in(phone, account.username, "second password").status_code == 302
    assert _works(phone)


def test_a_cookie_without_a_session_version_is_refused(
    server: Any, make_account: Any
) -> None:
    account = make_account()
    forged = server.test_client()
    with forged.session_transaction() as session:  # signed with the real secret
        session["_user_id"] = str(account.id)  # as cookies before versions were
        session["_fresh"] = True
    assert not _works(forged)


def test_an_administrator_ends_sessions_from_the_command_line(
    server: Any, make_account: Any
) -> None:
    account = make_account("cli password")
    browser = server.test_client()
    sign_in(browser, account.username, "cli password")
    assert _works(browser)
    ended = server.test_cli_runner().invoke(
        args=["users", "end-sessions", account.username]
    )
    assert ended.exit_code == 0, ended.output
    assert not _works(browser)
    missing = server.test_cli_runner().invoke(
        args=["users", "end-sessions", "nobody-" + account.username]
    )
    assert missing.exit_code != 0 and "no user" in missing.output


def test_sign_out_is_a_post_with_the_csrf_token(server: Any, make_account: Any) -> None:
    account = make_account("logout password")
    browser = server.test_client()
    sign_in(browser, account.username, "logout password")
    token = meta_token(browser.get("/upload").get_data(as_text=True))

    # A link or an image on another site (a cross-site GET) signs nobody out.
    confirm = browser.get("/logout", headers={"Referer": "https://evil.example/"})
    assert confirm.status_code == 200 and 'id="logout-submit"' in confirm.text
    assert _works(browser)
    assert browser.post("/logout").status_code == 400  # no token
    assert browser.post("/logout", data={"csrf_token": "forged"}).status_code == 400
    assert _works(browser)

    # A script may send the token in a header instead of a form field.
    response = browser.post("/logout", headers={"X-CSRFToken": token})
    assert response.status_code == 302 and not _works(browser)
    signed_out = browser.get("/login").get_data(as_text=True)
    assert "You have signed out." in signed_out


def test_every_page_carries_the_csrf_token(server: Any, make_account: Any) -> None:
    account = make_account("meta password")
    browser = server.test_client()
    for path in ("/login", "/register"):
        meta_token(browser.get(path).get_data(as_text=True))
    sign_in(browser, account.username, "meta password")
    for path in ("/", "/upload", "/models", "/settings", "/logout"):
        response = browser.get(path)
        assert response.status_code == 200, path
        meta_token(response.get_data(as_text=True))
