"""Explore in the browser: the analysis, another method, the suggested transform."""

from __future__ import annotations

from typing import Any

from selenium.webdriver.common.keys import Keys

from tests.browser.helpers import start_and_register, upload
from tests.conftest import SAMPLES


def test_explore_switch_method_and_use_the_suggested_transform(
    dash_duo: Any, dash_app: Any
) -> None:
    base, _name, _password = start_and_register(dash_duo, dash_app)
    upload(dash_duo, base, SAMPLES / "air_passengers.csv", "passengers")

    dash_duo.driver.get(base + "/explore")
    dash_duo.wait_for_contains_text(
        "#explore-headline", "Strong yearly pattern", timeout=30
    )
    # The plain verdict comes first; the tests wait, closed, for those who want them.
    meaning = dash_duo.wait_for_element("#explore-meaning-text")
    assert dash_duo.find_element("#explore-headline").is_displayed()
    assert meaning.is_displayed() and "models" in meaning.text
    details = dash_duo.find_element("#explore-details")
    assert details.get_attribute("open") is None
    assert details.location["y"] > meaning.location["y"]
    dash_duo.wait_for_element("#explore-verdict")
    assert not dash_duo.find_element("#explore-verdict").is_displayed()
    assert "p-value" not in dash_duo.find_element("body").text
    dash_duo.wait_for_contains_text("#explore-decomposition-graph", "STL")
    dash_duo.select_dcc_dropdown(
        "#explore-method-dropdown", value="Classical, multiplicative"
    )
    dash_duo.wait_for_contains_text(
        "#explore-decomposition-graph", "classical multiplicative", timeout=30
    )
    # The disclosure opens from the keyboard, like a button.
    summary = dash_duo.find_element("#explore-details summary")
    dash_duo.driver.execute_script(
        "arguments[0].scrollIntoView({block: 'center'})", summary
    )
    summary.send_keys(Keys.ENTER)
    dash_duo.wait_for_element("#explore-details[open]")
    assert dash_duo.find_element("#explore-verdict").is_displayed()
    assert "stationary" in dash_duo.find_element("#explore-verdict").text.lower()
    assert "p-value" in dash_duo.find_element("#explore-stationarity-div").text
    # Features are shown by their labels, the technical name on hover.
    dash_duo.wait_for_contains_text(
        "#explore-features-graph", "passengers 12 months earlier", timeout=30
    )
    header = dash_duo.find_element("#explore-features-div th[title='lag_12']")
    assert header.text == "passengers 12 months earlier"

    button = dash_duo.wait_for_element("#explore-use-transform-button")
    dash_duo.wait_for_text_to_equal(
        "#explore-use-transform-button", "Forecast with log by default"
    )
    # From the keyboard too: the charts below may still be redrawing and shifting.
    button.send_keys(Keys.ENTER)
    dash_duo.wait_for_contains_text("#explore-alert-div", "will use log")

    dash_duo.driver.get(base + "/models")
    dash_duo.wait_for_contains_text("#models-transform-note", "log transform")
    assert dash_duo.get_logs() == []
