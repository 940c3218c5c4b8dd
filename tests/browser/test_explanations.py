"""Why the model says so, in the browser: Explain on the Models page."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from tests.browser.helpers import start_and_register, upload
from tests.services.test_explanations import _sales

pytestmark = pytest.mark.walkthrough  # make test-integration


def test_explain_shows_the_sentences_and_the_chart(
    dash_duo: Any, dash_app: Any, tmp_path: Path
) -> None:
    from services import datasets, forecasts, jobs, users
    from services.forecast_request import ForecastRequest

    base, name, _password = start_and_register(dash_duo, dash_app)
    path = tmp_path / "sales.csv"
    _sales(60, 200.0, 2.0).write_csv(path)
    upload(dash_duo, base, path, "sales.csv")
    account = next(u for u in users.list_accounts() if u.username == name)
    [dataset] = datasets.list_datasets(account.id)
    asked = ForecastRequest.model_validate(
        {
            "target": "sales",
            "horizon": 12,
            "models": [{"key": "linear_regression", "params": {"lags": 3}}],
            "folds": 1,
            "drivers": ["promo"],
        }
    )
    dash_app.server.extensions["job_runner"].ensure_running()
    job = forecasts.submit_forecast(account.id, dataset.id, asked)
    deadline = time.monotonic() + 180
    while (done := jobs.get_job(account.id, job.id)).status in ("queued", "running"):
        assert time.monotonic() < deadline, done
        time.sleep(0.2)  # polling the job's record: waiting on state
    assert done.status == "succeeded", done

    dash_duo.driver.get(base + "/models")
    dash_duo.wait_for_contains_text("#explain-body-div", "See what the forecast", 60)
    button = dash_duo.wait_for_element("#explain-run-button")
    dash_duo.driver.execute_script(
        "arguments[0].scrollIntoView({block: 'center'}); arguments[0].click()", button
    )
    dash_duo.wait_for_contains_text("#explain-body-div", "The level is about", 60)
    dash_duo.wait_for_element("#explain-importance-graph .main-svg")
    card = dash_duo.find_element("#explain-card-div")
    dash_duo.driver.execute_script("arguments[0].scrollIntoView()", card)
    dash_duo.driver.save_screenshot("/tmp/explain-card.png")
    assert "“promo”" in card.text
    assert dash_duo.get_logs() == []
