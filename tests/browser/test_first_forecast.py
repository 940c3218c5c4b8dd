"""A first forecast in three clicks: create an account, then one sample button."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser.helpers import start_and_register


@pytest.mark.timeout(900)
def test_three_clicks_from_a_fresh_account_to_a_chart_with_its_ranges(
    dash_duo: Any, dash_app: Any, tmp_path: Path
) -> None:
    # Clicks 1 and 2: "Create an account" on the sign-in page, then the form's button.
    base, _name, _password = start_and_register(dash_duo, dash_app)
    assert dash_duo.driver.current_url.rstrip("/") == base.rstrip("/")  # on Home
    dash_duo.driver.set_window_size(1440, 1000)
    button = dash_duo.wait_for_element("#home-start-div button", timeout=30)
    assert button.text == "Forecast the airline passengers"
    dash_duo.driver.save_screenshot(str(tmp_path / "home-new-user.png"))
    # Click 3: the sample, which uploads, forecasts and goes to Models.
    button.click()
    dash_duo.wait_for_contains_text("#models-dataset-div", "air_passengers.csv", 60)
    assert dash_duo.driver.current_url == base + "/models"
    dash_duo.wait_for_element("#models-progress-div .progress", timeout=60)
    dash_duo.wait_for_contains_text("#models-status-div", "Forecast ready", 600)
    dash_duo.wait_for_element("#models-forecast-graph .main-svg", timeout=60)
    for name in ("History", "Forecast", "80% range", "95% range"):
        dash_duo.wait_for_contains_text("#models-forecast-graph .legend", name, 60)
    assert "passengers" in dash_duo.find_element("#models-runs-div").text
    dash_duo.driver.save_screenshot(str(tmp_path / "models-first-forecast.png"))
    assert dash_duo.get_logs() == []
