"""A person in a real browser: register, sign in, upload, forecast, download."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.helpers import fill, start_and_register, upload
from tests.conftest import SAMPLES

pytestmark = pytest.mark.walkthrough  # make test-integration


def test_register_upload_forecast_download(dash_duo: Any, dash_app: Any) -> None:
    base, name, password = start_and_register(dash_duo, dash_app)

    dash_duo.find_element("#shell-user-text").click()  # sign out, then sign in again
    dash_duo.wait_for_element("a.sign-out").click()
    dash_duo.wait_for_contains_text(".note", "You have signed out.")
    fill(dash_duo, "#username", name)
    fill(dash_duo, "#password", password)
    dash_duo.find_element("#login-submit").click()
    dash_duo.wait_for_element(".hero")
    dash_duo.wait_for_text_to_equal("#shell-user-text", name)

    upload(dash_duo, base, SAMPLES / "air_passengers.csv", "passengers")
    dash_duo.wait_for_contains_text("#upload-summary-div", "monthly")

    dash_duo.find_element(".step-link[href='/models']").click()  # the step bar
    dash_duo.wait_for_contains_text("#models-dataset-div", "air_passengers.csv")
    fill(dash_duo, "#models-horizon-input", "12")
    dash_duo.find_element("#models-run-button").click()
    dash_duo.wait_for_contains_text("#models-status-div", "Forecast ready", timeout=120)
    dash_duo.wait_for_element("#models-forecast-graph .main-svg", timeout=30)
    csv_link = dash_duo.wait_for_element("#models-download-csv-link")
    assert csv_link.get_attribute("href").endswith(".csv")
    assert (
        dash_duo.find_element("#models-download-xlsx-link")
        .get_attribute("href")
        .endswith(".xlsx")
    )
    dash_duo.wait_for_contains_text("#models-runs-div", "succeeded")

    dash_duo.driver.get(base + "/export")  # the run is found again on another page
    dash_duo.wait_for_contains_text("#export-forecasts-div", "air_passengers.csv")

    assert dash_duo.get_logs() == []
