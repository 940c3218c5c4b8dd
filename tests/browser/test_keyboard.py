"""A first forecast with the keyboard alone: Tab, Enter and typing, never a click."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webelement import WebElement

# A focused element shows it: an outline or a ring (box shadow) a sighted keyboard
# user can see.
FOCUS_SHOWN = """
const s = getComputedStyle(arguments[0]);
return (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2)
    || s.boxShadow !== 'none';
"""


def _keys(driver: Any, *keys: str) -> None:
    """Type keys into whatever has the focus, as a person at the keyboard does."""
    ActionChains(driver).send_keys(*keys).perform()


def _tab_to(
    driver: Any, wanted: Callable[[WebElement], bool], limit: int = 60
) -> WebElement:
    """Press Tab until the focused element is the wanted one; it must show focus."""
    passed = []
    for _ in range(limit):
        _keys(driver, Keys.TAB)
        focused = driver.switch_to.active_element
        if wanted(focused):
            assert driver.execute_script(FOCUS_SHOWN, focused), (
                f"no visible focus on {focused.get_attribute('outerHTML')[:200]}"
            )
            return focused
        passed.append(focused.text or focused.get_attribute("id") or focused.tag_name)
    raise AssertionError(f"Tab never reached it; it went through {passed}")


@pytest.mark.walkthrough  # make test-integration
@pytest.mark.timeout(900)
def test_a_first_forecast_with_the_keyboard_alone(dash_duo: Any, dash_app: Any) -> None:
    dash_duo.start_server(dash_app, navigate=False)
    driver = dash_duo.driver
    driver.set_window_size(1400, 1000)
    base = dash_duo.server.url
    driver.get(base + "/")  # anonymous: sent to sign in, offered an account
    dash_duo.wait_for_element("#register-link")
    _tab_to(driver, lambda e: e.get_attribute("id") == "register-link")
    _keys(driver, Keys.ENTER)
    dash_duo.wait_for_element("#register-submit")

    # The name field has the focus on arrival; Tab moves through the form.
    name, password = f"keys-{uuid.uuid4().hex[:8]}", "keyboard password"
    assert driver.switch_to.active_element.get_attribute("id") == "username"
    _keys(driver, name)
    _tab_to(driver, lambda e: e.get_attribute("id") == "password")
    _keys(driver, password)
    _tab_to(driver, lambda e: e.get_attribute("id") == "confirm")
    _keys(driver, password, Keys.ENTER)

    # Home: Tab to the sample and press Enter; the forecast runs and shows.
    dash_duo.wait_for_element("#home-start-div button", timeout=30)
    sample = _tab_to(driver, lambda e: "airline passengers" in e.text)
    assert sample.tag_name == "button"
    _keys(driver, Keys.ENTER)
    dash_duo.wait_for_contains_text("#models-dataset-div", "air_passengers.csv", 60)
    dash_duo.wait_for_contains_text("#models-status-div", "Forecast ready", 600)
    dash_duo.wait_for_element("#models-forecast-graph .main-svg", timeout=60)
    for name_shown in ("Forecast", "80% range", "95% range"):
        dash_duo.wait_for_contains_text("#models-forecast-graph .legend", name_shown)
    # The page's next step is reachable from the keyboard too.
    _tab_to(driver, lambda e: e.text.startswith("Next: export"), limit=200)
    assert dash_duo.get_logs() == []
