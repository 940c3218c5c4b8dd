"""The registration form says the password rule before anyone gets it wrong."""

from __future__ import annotations

from typing import Any

from services import users
from tests.auth.helpers import form_token


def test_the_password_rule_shows_before_the_first_failed_try(client: Any) -> None:
    page = client.get("/register").get_data(as_text=True)
    assert users.PASSWORD_RULE == "At least 8 characters."
    assert f'<span class="hint" id="password-hint">{users.PASSWORD_RULE}</span>' in page
    assert 'aria-describedby="password-hint"' in page
    assert "field-error" not in page

    short = {"username": "short-password-person", "password": "seven77"}
    answer = client.post(
        "/register",
        data={**short, "confirm": "seven77", "csrf_token": form_token(page)},
    )
    assert answer.status_code == 200  # the form again, the rule now an error too
    assert f'<span class="field-error">{users.PASSWORD_RULE}</span>' in answer.get_data(
        as_text=True
    )
