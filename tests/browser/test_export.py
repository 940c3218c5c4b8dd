"""The Export page: a run's report preview, its three downloads, remembered branding."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.wait import WebDriverWait

from services import datasets, forecasts, jobs, users
from services.forecast_request import ForecastRequest
from services.reports import exports
from tests.browser.helpers import fill, start_and_register, upload
from tests.conftest import SAMPLES, TEST_DATA


def _forecast(username: str, target: str, horizon: int, **extra: Any) -> str:
    """Forecast the user's dataset with two quick models, as a job; its forecast id."""
    account = next(a for a in users.list_accounts() if a.username == username)
    dataset = datasets.list_datasets(account.id)[0]
    wanted = ForecastRequest.model_validate(
        {
            "target": target,
            "horizon": horizon,
            "models": [{"key": "naive"}, {"key": "seasonal_naive"}],
            **extra,
        }
    )
    job = forecasts.submit_forecast(account.id, dataset.id, wanted)
    deadline = time.monotonic() + 120
    while (done := jobs.get_job(account.id, job.id)).status in ("queued", "running"):
        assert time.monotonic() < deadline, done
        time.sleep(0.2)  # polling the job's record: waiting on state
    assert done.status == "succeeded" and done.result_ref, done
    return done.result_ref


def test_preview_downloads_and_branding(dash_duo: Any, dash_app: Any) -> None:
    base, name, _password = start_and_register(dash_duo, dash_app)
    upload(dash_duo, base, SAMPLES / "air_passengers.csv", "passengers")
    forecast_id = _forecast(name, "passengers", 12)

    dash_duo.driver.get(base + "/export")
    dash_duo.wait_for_contains_text(
        "#export-headline", "next 12 months vs the last 12 months", timeout=30
    )
    dash_duo.wait_for_element("#export-forecast-graph .main-svg")
    dash_duo.wait_for_element("#export-models-graph .main-svg")
    assert "Tested on" in dash_duo.find_element("#export-preview-div").text
    link = dash_duo.find_element("#export-download-csv-link")
    assert link.get_attribute("href").endswith(f"/files/forecasts/{forecast_id}.csv")
    # the workbook and the PDF are laid out in the background, then download
    for fmt in ("xlsx", "pdf"):
        assert dash_duo.driver.find_elements(By.ID, f"export-download-{fmt}-link") == []
    dash_duo.wait_for_contains_text("#export-forecasts-div", "air_passengers.csv")
    # a plain CSV upload is offered the plain CSV only
    assert dash_duo.driver.find_elements(By.ID, "export-download-csv-layout-link") == []

    title = dash_duo.find_element("#export-title-input")
    assert title.get_attribute("value") == "Forecast report"
    fill(dash_duo, "#export-title-input", "Acme planning")
    fill(dash_duo, "#export-accent-input", "not a colour")
    dash_duo.find_element("#export-save-branding-button").click()
    dash_duo.wait_for_contains_text("#export-branding-alert-div", "#2f5bea")
    fill(dash_duo, "#export-accent-input", "#0f766e")
    dash_duo.find_element("#export-save-branding-button").click()
    dash_duo.wait_for_contains_text("#export-branding-alert-div", "Saved")

    dash_duo.driver.get(base + "/export")  # remembered on the next visit
    dash_duo.wait_for_contains_text("#export-headline", "passengers", timeout=30)
    assert dash_duo.find_element("#export-title-input").get_attribute("value") == (
        "Acme planning"
    )
    assert dash_duo.find_element("#export-accent-input").get_attribute("value") == (
        "#0f766e"
    )
    pdf = dash_duo.driver.execute_script(
        "const r = await fetch(arguments[0]); const b = await r.arrayBuffer();"
        "return [r.status, r.headers.get('content-type'), b.byteLength];",
        f"/files/forecasts/{forecast_id}.pdf",
    )
    assert pdf[0] == 200 and pdf[1] == "application/pdf" and pdf[2] > 10_000
    assert dash_duo.get_logs() == []
    assert dash_duo.driver.find_elements(By.CSS_SELECTOR, ".alert-danger") == []


@pytest.mark.walkthrough  # make test-integration
def test_a_large_forecast_prepares_its_reports_with_progress(
    dash_duo: Any, dash_app: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr(exports, "inline_limit", lambda: 2)  # eight series is large
    base, name, _password = start_and_register(dash_duo, dash_app)
    upload(dash_duo, base, SAMPLES / "australian_accommodation.csv", "takings")
    _forecast(name, "takings_m_aud", 4, series_id=["state"])

    dash_duo.driver.get(base + "/export")
    dash_duo.wait_for_contains_text("#export-downloads-div", "has 8 series", timeout=30)
    assert dash_duo.driver.find_elements(By.ID, "export-download-pdf-link") == []
    assert not dash_duo.find_element("#export-make-pdf-button").is_displayed()
    assert "choose it above" in dash_duo.find_element("#export-forecasts-div").text
    prepare = dash_duo.driver.find_element(
        By.XPATH, "//button[contains(., 'Prepare PDF report')]"
    )
    prepare.click()
    dash_duo.wait_for_contains_text("#export-report-jobs-div", "PDF report, asked at")
    link = dash_duo.wait_for_element(".report-download", timeout=90)
    href = link.get_attribute("href")
    assert "/files/reports/" in href
    pdf = dash_duo.driver.execute_script(
        "const r = await fetch(arguments[0]); const b = await r.arrayBuffer();"
        "return [r.status, r.headers.get('content-type'), b.byteLength];",
        href,
    )
    assert pdf[0] == 200 and pdf[1] == "application/pdf" and pdf[2] > 10_000

    dash_duo.driver.get(base + "/export")  # the prepared report waits on a new visit
    dash_duo.wait_for_element(".report-download", timeout=30)
    assert dash_duo.get_logs() == []
    assert dash_duo.driver.find_elements(By.CSS_SELECTOR, ".alert-danger") == []


def test_a_european_upload_is_offered_its_own_csv_layout(
    dash_duo: Any, dash_app: Any
) -> None:
    base, name, _password = start_and_register(dash_duo, dash_app)
    upload(dash_duo, base, TEST_DATA / "european_sales.csv", "Umsatz")
    forecast_id = _forecast(name, "Umsatz", 7)

    dash_duo.driver.get(base + "/export")
    dash_duo.wait_for_contains_text("#export-headline", "Umsatz", timeout=30)
    plain = dash_duo.find_element("#export-download-csv-link")
    assert plain.text == "CSV (plain: , and .)"
    assert plain.get_attribute("href").endswith(f"/files/forecasts/{forecast_id}.csv")
    excel = dash_duo.find_element("#export-download-csv-layout-link")
    assert excel.text == "CSV (as your upload: ; and ,)"
    # The upload's layout comes first, as the primary download.
    links = dash_duo.find_element("#export-downloads-div").find_elements(
        By.TAG_NAME, "a"
    )
    assert links[0].get_attribute("id") == "export-download-csv-layout-link"
    href = excel.get_attribute("href")
    assert href.endswith(f"/files/forecasts/{forecast_id}.csv?sep=%3B&decimal=%2C")
    answer = dash_duo.driver.execute_script(
        "const r = await fetch(arguments[0]); return [r.status, await r.text()];",
        href,
    )
    assert answer[0] == 200
    header, first = answer[1].lstrip("\ufeff").splitlines()[:2]
    assert header.startswith("time;series;forecast;")
    assert len(first.split(";")[2].split(",")[1]) == 4  # cents in, four decimals out
    assert dash_duo.get_logs() == []


def _step_shown(dash_duo: Any) -> str:
    """The step the preparation names under its progress bar, once there is one."""
    step = dash_duo.find_element("#export-make-step-div")
    return str(WebDriverWait(dash_duo.driver, 30).until(lambda _driver: step.text))


def _downloaded(folder: Path, pattern: str) -> Path:
    """The file the browser saved, once it is complete (waiting on the folder)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        done = [p for p in folder.glob(pattern) if p.stat().st_size > 0]
        if done:
            return done[0]
        time.sleep(0.2)
    raise AssertionError(f"nothing like {pattern} in {sorted(folder.iterdir())}")


@pytest.mark.walkthrough  # make test-integration
def test_the_pdf_is_prepared_with_progress_and_can_be_cancelled(
    dash_duo: Any, dash_app: Any
) -> None:
    base, name, _password = start_and_register(dash_duo, dash_app)
    upload(dash_duo, base, SAMPLES / "air_passengers.csv", "passengers")
    forecast_id = _forecast(name, "passengers", 12)
    dash_duo.driver.get(base + "/export")
    dash_duo.wait_for_contains_text("#export-headline", "passengers", timeout=30)

    # Started, then cancelled while it runs: the buttons come back, nothing arrives.
    dash_duo.find_element("#export-make-pdf-button").click()
    dash_duo.wait_for_style_to_equal("#export-make-progress-div", "display", "block")
    assert not dash_duo.find_element("#export-make-pdf-button").is_enabled()
    _step_shown(dash_duo)
    dash_duo.find_element("#export-make-cancel-button").click()
    dash_duo.wait_for_style_to_equal("#export-make-progress-div", "display", "none")
    assert dash_duo.find_element("#export-make-pdf-button").is_enabled()
    assert dash_duo.find_element("#export-make-status-div").text == ""

    # Asked again: the steps show, then the report downloads under the forecast's name.
    dash_duo.find_element("#export-make-pdf-button").click()
    _step_shown(dash_duo)
    dash_duo.wait_for_contains_text("#export-make-status-div", "ready", timeout=90)
    folder = Path(dash_duo.download_path)
    pdf = _downloaded(folder, f"forecast_passengers_{forecast_id[:8]}.pdf")
    assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 10_000
    assert (
        dash_duo.find_element("#export-make-progress-div").value_of_css_property(
            "display"
        )
        == "none"
    )

    dash_duo.find_element("#export-make-xlsx-button").click()
    dash_duo.wait_for_contains_text("#export-make-status-div", "Excel", timeout=60)
    workbook = _downloaded(folder, f"forecast_passengers_{forecast_id[:8]}.xlsx")
    assert workbook.read_bytes().startswith(b"PK")
    assert dash_duo.get_logs() == []
    assert dash_duo.driver.find_elements(By.CSS_SELECTOR, ".alert-danger") == []
