"""Explore in the browser: the analysis, another method, the suggested transform."""

from __future__ import annotations

from typing import Any

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
    dash_duo.wait_for_contains_text("#explore-decomposition-graph", "STL")
    dash_duo.select_dcc_dropdown(
        "#explore-method-dropdown", value="Classical, multiplicative"
    )
    dash_duo.wait_for_contains_text(
        "#explore-decomposition-graph", "classical multiplicative", timeout=30
    )
    assert "stationary" in dash_duo.find_element("#explore-verdict").text.lower()

    button = dash_duo.wait_for_element("#explore-use-transform-button")
    dash_duo.wait_for_text_to_equal(
        "#explore-use-transform-button", "Forecast with log by default"
    )
    dash_duo.driver.execute_script(
        "arguments[0].scrollIntoView({block: 'center'})", button
    )
    button.click()
    dash_duo.wait_for_contains_text("#explore-alert-div", "will use log")

    dash_duo.driver.get(base + "/models")
    dash_duo.wait_for_contains_text("#models-transform-note", "log transform")
    assert dash_duo.get_logs() == []
