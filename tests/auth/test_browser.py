"""In a real browser: every page works under the security headers; sessions end."""

from __future__ import annotations

from typing import Any

from components.shell import STEPS
from services import users
from tests.browser.helpers import fill, start_and_register, upload
from tests.conftest import SAMPLES


def test_every_page_works_under_the_policy_and_sign_out_ends_the_session(
    dash_duo: Any, dash_app: Any
) -> None:
    base, name, password = start_and_register(dash_duo, dash_app)
    upload(dash_duo, base, SAMPLES / "air_passengers.csv", "passengers")
    dash_duo.wait_for_contains_text("#upload-summary-div", "monthly")
    for path in [step[0] for step in STEPS] + ["/settings"]:
        dash_duo.driver.get(base + path)
        dash_duo.wait_for_element("h1")
        # A callback that fills the page ran (the dataset's name is shown).
        if path in ("/columns", "/explore", "/models"):
            dash_duo.wait_for_contains_text(".page", "air_passengers.csv", timeout=30)
    dash_duo.driver.get(base + "/explore")  # a page with Plotly charts
    dash_duo.wait_for_element(".js-plotly-plot .main-svg", timeout=30)
    # A policy violation is a console error: there are none.
    assert dash_duo.get_logs() == []

    # Sessions ended elsewhere (here: an administrator): the next click that asks the
    # server anything leads to the sign-in page, and back after signing in.
    account = users.find_account(name)
    assert account is not None
    users.end_sessions(account.id)
    dash_duo.find_element("a.step-link[href='/models']").click()
    dash_duo.wait_for_element("#login-submit")
    fill(dash_duo, "#username", name)
    fill(dash_duo, "#password", password)
    dash_duo.find_element("#login-submit").click()
    dash_duo.wait_for_contains_text(".page", "air_passengers.csv", timeout=30)
    assert dash_duo.driver.current_url.endswith("/models")

    stolen = dash_duo.driver.get_cookie("session")
    dash_duo.find_element("#shell-user-text").click()
    sign_out = dash_duo.wait_for_element("a.sign-out")
    assert sign_out.text == "Sign out"
    sign_out.click()
    dash_duo.wait_for_contains_text(".note", "You have signed out.")
    assert dash_duo.driver.current_url.endswith("/login")

    # The cookie from before signing out no longer opens anything.
    dash_duo.driver.delete_all_cookies()
    dash_duo.driver.add_cookie({"name": "session", "value": stolen["value"]})
    dash_duo.driver.get(base + "/models")
    dash_duo.wait_for_element("#login-submit")
    assert "/login" in dash_duo.driver.current_url
