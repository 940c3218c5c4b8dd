"""A person in a real browser: register, sign in, upload, forecast, download."""

from __future__ import annotations

import uuid
from typing import Any

from selenium.webdriver.common.by import By

from tests.conftest import SAMPLES


def _fill(dash_duo: Any, selector: str, text: str) -> None:
    element = dash_duo.find_element(selector)
    element.clear()
    element.send_keys(text)


def test_register_upload_forecast_download(dash_duo: Any, dash_app: Any) -> None:
    dash_duo.start_server(dash_app, navigate=False)
    dash_duo.driver.set_window_size(1400, 1000)
    base = dash_duo.server.url
    name, password = f"walker-{uuid.uuid4().hex[:8]}", "walking password"

    dash_duo.driver.get(base + "/")  # anonymous: sent to sign in, offered an account
    dash_duo.wait_for_element("#register-link").click()
    _fill(dash_duo, "#username", name)
    _fill(dash_duo, "#password", password)
    _fill(dash_duo, "#confirm", password)
    dash_duo.find_element("#register-submit").click()
    dash_duo.wait_for_element(".hero")

    dash_duo.driver.get(base + "/logout")  # sign out, then sign in again
    _fill(dash_duo, "#username", name)
    _fill(dash_duo, "#password", password)
    dash_duo.find_element("#login-submit").click()
    dash_duo.wait_for_element(".hero")
    dash_duo.wait_for_text_to_equal("#shell-user-text", name)

    dash_duo.driver.get(base + "/upload")
    dash_duo.wait_for_element("#upload-drop-zone")
    file_input = dash_duo.driver.find_element(By.ID, "upload-file-input")
    file_input.send_keys(str(SAMPLES / "air_passengers.csv"))
    dash_duo.wait_for_contains_text("#upload-summary-div", "passengers", timeout=30)
    dash_duo.wait_for_contains_text("#upload-summary-div", "monthly")

    dash_duo.find_element("#upload-next-button").click()
    dash_duo.wait_for_contains_text("#models-dataset-div", "air_passengers.csv")
    _fill(dash_duo, "#models-horizon-input", "12")
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
