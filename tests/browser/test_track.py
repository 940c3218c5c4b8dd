"""Next month in the browser: newer data through the Upload page, the verdict, a
refresh, a note, and a shared link opened in a browser that never signed in."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from axe_selenium_python import Axe
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support.wait import WebDriverWait

from tests.browser.helpers import start_and_register, upload
from tests.browser.test_add_data import _add as add_through_card
from tests.conftest import TEST_DATA

pytestmark = pytest.mark.walkthrough  # make test-integration

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


def _fresh_browser() -> Any:
    """Another browser, with nothing of the first one's session."""
    options = webdriver.ChromeOptions()
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage"):
        options.add_argument(flag)
    if "DASH_TEST_CHROMEPATH" in os.environ:
        options.binary_location = os.environ["DASH_TEST_CHROMEPATH"]
    options.set_capability("goog:loggingPrefs", {"browser": "SEVERE"})
    browser = webdriver.Chrome(options=options)
    browser.set_window_size(1400, 1400)
    return browser


def test_track_refresh_and_share_a_forecast(
    dash_duo: Any, dash_app: Any, tmp_path: Path
) -> None:
    from services import accuracy, datasets, forecasts, users

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

    # Three newer months arrive through the Upload page's card (one of them still
    # without a value).
    dash_duo.find_element("a.step-link[href='/upload']").click()
    dash_duo.wait_for_contains_text(
        "#upload-add-title-div", "Add newer data to “history.csv”", timeout=30
    )
    add_through_card(dash_duo, "newer.csv", "2024-06-01")
    dash_duo.wait_for_contains_text(
        "#upload-add-status-div", "Added 3 new months", timeout=90
    )
    account = next(u for u in users.list_accounts() if u.username == name)
    [dataset] = datasets.list_datasets(account.id)
    assert dataset.profile.rows == 21
    [made] = forecasts.list_forecasts(account.id)
    verdict = accuracy.accuracy(account.id, made.id).verdict.message

    dash_duo.find_element("a.step-link[href='/models']").click()
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

    note = fill_note(dash_duo, "Includes the <b>March</b> promotion")
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

    # The Export page shares the same forecast, its buttons in one row.
    dash_duo.find_element("a.step-link[href='/export']").click()
    dash_duo.wait_for_element("#export-download-csv-link", timeout=60)
    _press(dash_duo, "#export-share-button")
    shared = dash_duo.wait_for_element("#export-share-url-input", timeout=30)
    assert shared.get_attribute("value").startswith(base + "/s/")
    tops = {
        dash_duo.find_element(f"#{id_}").rect["y"]
        for id_ in (
            "export-download-csv-link",
            "export-make-xlsx-button",
            "export-make-pdf-button",
            "export-share-button",
        )
    }
    assert len(tops) == 1
    if folder := os.environ.get("FORECAST_STUDIO_SCREENSHOTS"):
        dash_duo.driver.save_screenshot(str(Path(folder) / "export-share.png"))

    # A stranger's browser: no session, the forecast and its note, nothing else.
    stranger = _fresh_browser()
    try:
        stranger.get(url)
        WebDriverWait(stranger, 30).until(
            lambda b: b.find_elements(By.CSS_SELECTOR, ".share-chart .main-svg")
        )
        chart = stranger.find_element(By.CSS_SELECTOR, ".share-chart")
        assert "80% range" in chart.text
        assert note in stranger.find_element(By.CSS_SELECTOR, ".share-note").text
        assert stranger.find_elements(By.CSS_SELECTOR, ".share-note b") == []
        assert stranger.get_cookies() == []
        assert stranger.get_log("browser") == []
        if folder := os.environ.get("FORECAST_STUDIO_SCREENSHOTS"):
            stranger.save_screenshot(str(Path(folder) / "share-page-note.png"))
    finally:
        stranger.quit()


def fill_note(dash_duo: Any, note: str) -> str:
    """Write the Track card's note and save it; the note once shown."""
    field = dash_duo.find_element("#track-note-textarea")
    dash_duo.driver.execute_script(
        "arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", field
    )
    field.clear()
    field.send_keys(note)
    _press(dash_duo, "#track-note-save-button")
    dash_duo.wait_for_contains_text("#track-note-div", note, timeout=30)
    return note
