"""Models and Export show the current dataset's forecasts only: after another dataset
is uploaded or chosen, nothing of the previous one's run remains on either page."""

from __future__ import annotations

from typing import Any

import pytest
from selenium.webdriver.common.by import By

from tests.browser.helpers import fill, start_and_register, upload
from tests.conftest import SAMPLES, TEST_DATA

pytestmark = pytest.mark.walkthrough  # make test-integration


def _shown(dash_duo: Any, selector: str) -> list[Any]:
    """The elements a person can see (hidden ones do not count)."""
    found = dash_duo.driver.find_elements(By.CSS_SELECTOR, selector)
    return [element for element in found if element.is_displayed()]


def _nothing_of_a_run_on_models(dash_duo: Any) -> None:
    for selector in (
        "#models-forecast-graph .main-svg",
        "#models-backtest-graph .main-svg",
        "#models-leaderboard-table",
        "#models-download-csv-link",
        "#models-download-xlsx-link",
        "#models-progress-div",
    ):
        assert _shown(dash_duo, selector) == [], selector
    assert dash_duo.find_element("#models-status-div").text == ""
    assert "passengers" not in dash_duo.find_element("#models-runs-div").text
    assert "No runs yet" in dash_duo.find_element("#models-runs-div").text


def test_another_dataset_shows_nothing_of_the_previous_forecast(
    dash_duo: Any, dash_app: Any
) -> None:
    base, _name, _password = start_and_register(dash_duo, dash_app)
    upload(dash_duo, base, SAMPLES / "air_passengers.csv", "passengers")
    dash_duo.driver.get(base + "/models")
    dash_duo.wait_for_contains_text("#models-dataset-div", "air_passengers.csv")
    for name in ("Naive (baseline)", "Seasonal naive (baseline)"):
        dash_duo.select_dcc_dropdown("#models-select-dropdown", value=name)
        dash_duo.find_element("h1").click()  # close the menu before the next choice
    dash_duo.find_element("#models-run-button").click()
    dash_duo.wait_for_contains_text("#models-status-div", "Forecast ready", timeout=120)
    dash_duo.wait_for_element("#models-forecast-graph .main-svg", timeout=30)
    dash_duo.wait_for_element("#models-leaderboard-table")
    dash_duo.driver.get(base + "/export")
    dash_duo.wait_for_contains_text("#export-headline", "passengers", timeout=30)

    # Dataset B, uploaded: Models and Export hold nothing of A's forecast.
    upload(dash_duo, base, TEST_DATA / "weekly_repeating.csv", "visits")
    dash_duo.driver.get(base + "/models")
    dash_duo.wait_for_contains_text("#models-dataset-div", "weekly_repeating.csv")
    dash_duo.wait_for_contains_text("#models-runs-div", "No runs yet")
    _nothing_of_a_run_on_models(dash_duo)
    # An error about B is not shown over anything of A either.
    fill(dash_duo, "#models-horizon-input", "5000")
    dash_duo.find_element("#models-run-button").click()
    dash_duo.wait_for_contains_text("#models-alert-div", "horizon")
    _nothing_of_a_run_on_models(dash_duo)

    dash_duo.driver.get(base + "/export")
    dash_duo.wait_for_contains_text("#export-dataset-div", "weekly_repeating.csv")
    dash_duo.wait_for_contains_text(
        "#export-forecasts-div", "No forecasts of this dataset yet"
    )
    for selector in (
        "#export-headline",
        "#export-forecast-graph",
        "#export-models-graph",
        "[id^=export-download-]",
        "a[href^='/files/forecasts/']",
    ):
        assert _shown(dash_duo, selector) == [], selector
    assert "passengers" not in dash_duo.find_element("body").text

    # A chosen again: its run (kept in the session) is shown again, B's page is gone.
    dash_duo.driver.get(base + "/upload")
    dash_duo.wait_for_contains_text("#upload-summary-div", "visits", timeout=30)
    dash_duo.select_dcc_dropdown("#upload-dataset-dropdown", index=1)
    dash_duo.wait_for_contains_text("#upload-summary-div", "passengers", timeout=30)
    dash_duo.driver.get(base + "/models")
    dash_duo.wait_for_contains_text("#models-status-div", "Forecast ready", timeout=30)
    dash_duo.wait_for_element("#models-forecast-graph .main-svg", timeout=30)
    dash_duo.driver.get(base + "/export")
    dash_duo.wait_for_contains_text("#export-headline", "passengers", timeout=30)
    assert dash_duo.get_logs() == []
