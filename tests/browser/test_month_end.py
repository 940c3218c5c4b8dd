"""An ERP export of three stores dated at month end, from upload to the workbook; then
a second dataset on the Models page shows nothing of the first."""

from __future__ import annotations

import base64
import datetime as dt
import io
from typing import Any

import openpyxl
import pytest
from selenium.webdriver.common.by import By

from tests.browser.helpers import start_and_register, upload
from tests.conftest import SAMPLES, TEST_DATA

pytestmark = pytest.mark.walkthrough  # make test-integration


def test_month_end_stores_forecast_to_a_workbook(dash_duo: Any, dash_app: Any) -> None:
    base, _name, _password = start_and_register(dash_duo, dash_app)
    upload(dash_duo, base, TEST_DATA / "month_end_stores.csv", "Umsatz")
    summary = dash_duo.find_element("#upload-summary-div").text
    assert "monthly, at month end" in summary and "Filiale" in summary

    dash_duo.driver.get(base + "/models")
    dash_duo.wait_for_contains_text("#models-dataset-div", "month_end_stores.csv")
    dash_duo.find_element("#models-run-button").click()  # the defaults: automatic
    dash_duo.wait_for_contains_text("#models-status-div", "Forecast ready", timeout=240)
    dash_duo.wait_for_element("#models-forecast-graph .main-svg", timeout=30)
    dash_duo.wait_for_element("#models-leaderboard-table")
    board = dash_duo.find_element("#models-leaderboard-table").text
    assert "Error" not in board and "AutoETS" in board
    href = dash_duo.wait_for_element("#models-download-xlsx-link").get_attribute("href")
    status, data = dash_duo.driver.execute_script(
        "const r = await fetch(arguments[0]); const b = new Uint8Array("
        "await r.arrayBuffer()); let s = ''; for (const x of b) s += "
        "String.fromCharCode(x); return [r.status, btoa(s)];",
        href,
    )
    assert status == 200
    book = openpyxl.load_workbook(io.BytesIO(base64.b64decode(data)))
    sheet = book["Forecast"]
    header = [cell.value for cell in sheet[1]]
    times = sorted(
        {
            row[header.index("time")]
            for row in sheet.iter_rows(min_row=2, values_only=True)
        }
    )
    # The year after the history (to 31.12.2023), at month ends: February 29 too.
    assert [t.date() if isinstance(t, dt.datetime) else t for t in times[:3]] == [
        dt.date(2024, 1, 31),
        dt.date(2024, 2, 29),
        dt.date(2024, 3, 31),
    ]

    # A second dataset: the Models page holds nothing of the first one's forecast.
    upload(dash_duo, base, SAMPLES / "air_passengers.csv", "passengers")
    dash_duo.driver.get(base + "/models")
    dash_duo.wait_for_contains_text("#models-dataset-div", "air_passengers.csv")
    dash_duo.wait_for_contains_text("#models-runs-div", "No runs yet")
    for selector in (
        "#models-forecast-graph .main-svg",
        "#models-leaderboard-table",
        "#models-download-xlsx-link",
    ):
        shown = dash_duo.driver.find_elements(By.CSS_SELECTOR, selector)
        assert not [e for e in shown if e.is_displayed()], selector
    assert "Umsatz" not in dash_duo.find_element("body").text
    assert dash_duo.get_logs() == []
