"""A shared read-only link in a browser with no session: charts drawn, no errors."""

from __future__ import annotations

import os
import time
import uuid
from pathlib import Path
from typing import Any
from urllib.request import urlopen

from selenium.webdriver.common.by import By

from services import forecasts, jobs, shares, users
from services.forecast_request import ForecastRequest
from tests.conftest import SAMPLES, make_dataset


def _forecast(user_id: int, dataset_id: str) -> str:
    """Forecast each state's takings with two quick models; the forecast's id."""
    wanted = ForecastRequest.model_validate(
        {
            "target": "takings_m_aud",
            "horizon": 8,
            "series_id": ["state"],
            "models": [{"key": "naive"}, {"key": "seasonal_naive"}],
        }
    )
    job = forecasts.submit_forecast(user_id, dataset_id, wanted)
    deadline = time.monotonic() + 180
    while (done := jobs.get_job(user_id, job.id)).status in ("queued", "running"):
        assert time.monotonic() < deadline, done
        time.sleep(0.2)  # polling the job's record: waiting on state
    assert done.status == "succeeded" and done.result_ref, done
    return done.result_ref


def test_a_shared_forecast_opens_in_a_browser_without_signing_in(
    dash_duo: Any, dash_app: Any, tmp_path: Path
) -> None:
    dash_duo.start_server(dash_app, navigate=False)
    dash_duo.driver.set_window_size(1400, 1000)
    with urlopen(f"{dash_duo.server.url}/health") as answer:  # starts the job workers
        assert answer.status == 200
    account = users.create_user(f"sharer-{uuid.uuid4().hex[:8]}", "sharing password")
    dataset = make_dataset(
        account.id, SAMPLES / "australian_accommodation.csv", tmp_path
    )
    forecast_id = _forecast(account.id, dataset.id)
    link = shares.create_share(account.id, forecast_id, 14)

    dash_duo.driver.get(f"{dash_duo.server.url}/s/{link.token}")
    dash_duo.wait_for_contains_text("h1", "Forecast of takings_m_aud")
    # Plotly draws the total and the featured states from the page's own data.
    dash_duo.wait_for_element(".share-chart .main-svg", timeout=30)
    drawn = dash_duo.driver.find_elements(By.CSS_SELECTOR, ".share-chart .main-svg")
    charts = dash_duo.driver.find_elements(By.CSS_SELECTOR, ".share-chart")
    assert len(charts) >= 2 and len(drawn) >= len(charts)
    legend = dash_duo.find_element(".share-chart").text
    assert "80% range" in legend and "95% range" in legend
    buttons = [a.text for a in dash_duo.driver.find_elements(By.CSS_SELECTOR, ".btn")]
    assert buttons == ["PDF report", "Excel workbook", "CSV"]
    assert dash_duo.driver.get_cookies() == []  # no session was made
    # Nothing broke the page's security policy (a violation is a console error).
    assert dash_duo.get_logs() == []
    if folder := os.environ.get("FORECAST_STUDIO_SCREENSHOTS"):
        dash_duo.driver.set_window_size(1400, 2400)
        dash_duo.driver.save_screenshot(str(Path(folder) / "share-page.png"))
        dash_duo.driver.set_window_size(420, 2400)
        dash_duo.driver.refresh()
        dash_duo.wait_for_element(".share-chart .main-svg", timeout=30)
        dash_duo.driver.save_screenshot(str(Path(folder) / "share-page-narrow.png"))

    shares.revoke_share(account.id, link.share.id)
    dash_duo.driver.get(f"{dash_duo.server.url}/s/{link.token}")
    dash_duo.wait_for_contains_text("h1", "This link does not work")
