"""Next month in the browser: newer data, the verdict, a refresh, a shared link."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

from axe_selenium_python import Axe
from selenium.webdriver.common.by import By

from tests.browser.helpers import start_and_register, upload
from tests.conftest import TEST_DATA

ADDING = TEST_DATA / "adding"


def _press(dash_duo: Any, selector: str) -> None:
    button = dash_duo.wait_for_element(selector)
    dash_duo.driver.execute_script(  # below the fold, under redrawing charts
        "arguments[0].scrollIntoView({block: 'center'}); arguments[0].click()", button
    )


def _history_rows(dash_duo: Any) -> int:
    return len(
        dash_duo.driver.find_elements(By.CSS_SELECTOR, "#track-history-div tbody tr")
    )


def test_track_refresh_and_share_a_forecast(
    dash_duo: Any, dash_app: Any, tmp_path: Path
) -> None:
    from services import accuracy, appending, datasets, forecasts, users

    base, name, _password = start_and_register(dash_duo, dash_app)
    upload(dash_duo, base, ADDING / "history.csv", "history.csv")
    dash_duo.driver.get(base + "/models")
    dash_duo.wait_for_contains_text("#models-dataset-div", "history.csv")
    dash_duo.select_dcc_dropdown("#models-select-dropdown", value="Naive (baseline)")
    dash_duo.find_element("h1").click()
    dash_duo.find_element("#models-run-button").click()
    dash_duo.wait_for_contains_text("#models-status-div", "Forecast ready", timeout=120)
    dash_duo.wait_for_contains_text(
        "#track-verdict-div", "No actual values for the forecast's months yet"
    )

    # Three newer months arrive (one of them still without a value).
    account = next(u for u in users.list_accounts() if u.username == name)
    [dataset] = datasets.list_datasets(account.id)
    newer = tmp_path / "newer.csv"
    shutil.copy(ADDING / "newer.csv", newer)
    appending.add_data(account.id, dataset.id, "newer.csv", newer)
    [made] = forecasts.list_forecasts(account.id)
    verdict = accuracy.accuracy(account.id, made.id).verdict.message

    dash_duo.driver.get(base + "/models")
    dash_duo.wait_for_contains_text("#track-verdict-div", verdict, timeout=60)
    assert _history_rows(dash_duo) == 1

    _press(dash_duo, "#track-refresh-button")
    dash_duo.wait_for_text_to_equal("#track-alert-div", "")
    # The page follows the refresh and then shows the new forecast with its history.
    dash_duo.wait_for_element("#track-history-div tbody tr:nth-child(2)", timeout=120)
    assert _history_rows(dash_duo) == 2
    assert len(forecasts.list_forecasts(account.id)) == 2
    shown = dash_duo.find_element("#track-history-div tbody tr:nth-child(2)").text
    assert "shown" in shown

    _press(dash_duo, "#track-share-button")
    link = dash_duo.wait_for_element("#track-share-url-input", timeout=30)
    url = link.get_attribute("value")
    assert url.startswith(base + "/s/")
    dash_duo.wait_for_no_elements('[data-dash-is-loading="true"]', timeout=60)
    axe = Axe(dash_duo.driver)
    axe.inject()
    problems = [
        f"{v['impact']} {v['id']}: {v['help']} {[n['target'] for n in v['nodes']]}"
        for v in axe.run(context="#track-card-div")["violations"]
        if v.get("impact") in ("serious", "critical")
    ]
    assert problems == []
    assert dash_duo.get_logs() == []
    if folder := os.environ.get("FORECAST_STUDIO_SCREENSHOTS"):
        card = dash_duo.find_element("#track-card-div")
        card.screenshot(str(Path(folder) / "models-track-card.png"))

    dash_duo.driver.delete_all_cookies()
    dash_duo.driver.get(url)
    dash_duo.wait_for_element(".share-chart .main-svg", timeout=30)
    assert "80% range" in dash_duo.find_element(".share-chart").text
