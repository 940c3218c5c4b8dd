"""Comparing models in the browser: three models, a cancelled run, the runner-up,
its run in the MLflow UI; tuning a model from its settings form."""

from __future__ import annotations

import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from selenium.webdriver.common.by import By

from tests.browser.helpers import start_and_register, upload
from tests.conftest import SAMPLES


def _leaderboard_names(dash_duo: Any) -> list[str]:
    from selenium.common.exceptions import StaleElementReferenceException

    # The table is drawn after the status says the forecast is ready: wait for it.
    dash_duo.wait_for_element("#models-leaderboard-table tbody tr", timeout=60)
    for _attempt in range(20):  # the table is redrawn with the charts: read it whole
        try:
            rows = dash_duo.driver.find_elements(
                By.CSS_SELECTOR, "#models-leaderboard-table tbody tr"
            )
            return [row.find_elements(By.TAG_NAME, "td")[0].text for row in rows]
        except StaleElementReferenceException:
            dash_duo.wait_for_element("#models-leaderboard-table")
    raise AssertionError("the leaderboard kept changing")


@pytest.fixture
def mlflow_ui() -> Iterator[str]:
    """The MLflow UI on the app's tracking store, as an operator runs it."""
    import config
    from services.tracking import tracking_uri

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("mlflow")),
            "server",
            "--backend-store-uri",
            tracking_uri(),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            "1",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    previous = config.settings.get("MLFLOW_UI_URL")
    config.settings.set("MLFLOW_UI_URL", url)
    try:
        yield url
    finally:
        config.settings.set("MLFLOW_UI_URL", previous or "")
        server.terminate()
        server.wait(timeout=30)


def _wait_until_serving(url: str, timeout: float = 90) -> None:
    import time
    import urllib.request

    deadline = time.monotonic() + timeout
    while True:
        try:
            urllib.request.urlopen(url, timeout=5).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def test_compare_three_models_cancel_a_run_and_use_the_runner_up(
    dash_duo: Any, dash_app: Any, mlflow_ui: str
) -> None:
    base, _name, _password = start_and_register(dash_duo, dash_app)
    upload(dash_duo, base, SAMPLES / "air_passengers.csv", "passengers")
    dash_duo.driver.get(base + "/models")
    dash_duo.wait_for_contains_text("#models-dataset-div", "air_passengers.csv")
    for name in (
        "Naive (baseline)",
        "Seasonal naive (baseline)",
        "AutoTheta (statistical)",
    ):
        dash_duo.select_dcc_dropdown("#models-select-dropdown", value=name)
        dash_duo.find_element("h2").click()  # close the menu before the next choice
    dash_duo.find_element("#models-run-button").click()
    dash_duo.wait_for_contains_text("#models-status-div", "Forecast ready", timeout=120)
    names = _leaderboard_names(dash_duo)
    assert len(names) == 3 and "AutoTheta" in " ".join(names)
    first_title = dash_duo.find_element("#models-forecast-graph .gtitle").text

    dash_duo.find_element("#models-run-button").click()  # a second run…
    dash_duo.wait_for_element("#models-cancel-button:not([disabled])")
    dash_duo.find_element("#models-cancel-button").click()  # …cancelled
    dash_duo.wait_for_contains_text("#models-status-div", "Cancelled", timeout=60)
    dash_duo.wait_for_contains_text("#models-runs-div", "cancelled")

    dash_duo.driver.find_element(
        By.XPATH, "//*[@id='models-runs-div']//tr[td//span[text()='succeeded']]//button"
    ).click()
    dash_duo.wait_for_contains_text("#models-status-div", "Forecast ready", timeout=60)
    runner_up = _leaderboard_names(dash_duo)[1]
    use = dash_duo.driver.find_elements(
        By.CSS_SELECTOR, "#models-leaderboard-table tbody tr"
    )[1]
    button = use.find_element(By.TAG_NAME, "button")
    dash_duo.driver.execute_script(  # below the fold, under redrawing charts
        "arguments[0].scrollIntoView({block: 'center'}); arguments[0].click()", button
    )
    dash_duo.wait_for_contains_text(
        "#models-forecast-graph .gtitle", runner_up, timeout=120
    )
    assert dash_duo.find_element("#models-forecast-graph .gtitle").text != first_title

    # The run is in MLflow: follow the page's link to it in the MLflow UI.
    run_text = dash_duo.find_element("#models-mlflow-run").text
    run_id = run_text.split("MLflow run ")[1].split(";")[0]
    link = dash_duo.find_element("#models-mlflow-link").get_attribute("href")
    assert link.startswith(mlflow_ui) and link.endswith(f"/runs/{run_id}")
    _wait_until_serving(mlflow_ui)
    dash_duo.driver.get(link)
    dash_duo.wait_for_contains_text("body", "passengers × 12", timeout=60)
    assert "Parameters" in dash_duo.find_element("body").text


def test_tune_a_model_and_choose_backtest_folds(dash_duo: Any, dash_app: Any) -> None:
    from services import forecasts, users

    base, name, _password = start_and_register(dash_duo, dash_app)
    upload(dash_duo, base, SAMPLES / "air_passengers.csv", "passengers")
    dash_duo.driver.get(base + "/models")
    dash_duo.wait_for_contains_text("#models-dataset-div", "air_passengers.csv")
    dash_duo.select_dcc_dropdown(
        "#models-select-dropdown", value="LightGBM on lags (machine learning)"
    )
    dash_duo.find_element("h2").click()
    dash_duo.wait_for_contains_text("#models-params-div", "LightGBM on lags settings")
    trees = dash_duo.find_element(
        "#models-params-div input[id*='n_estimators']"
    )  # built from the parameter schema, with its default
    assert trees.get_attribute("value") == "200" and trees.get_attribute("min") == "10"
    trees.clear()
    trees.send_keys("20")
    dash_duo.find_element(".accordion-button").click()  # "More options"
    dash_duo.wait_for_element("#models-folds-select").send_keys("2")
    dash_duo.find_element("#models-run-button").click()
    dash_duo.wait_for_contains_text("#models-status-div", "Forecast ready", timeout=120)
    assert "LightGBM" in _leaderboard_names(dash_duo)[0]
    account = next(u for u in users.list_accounts() if u.username == name)
    [made] = forecasts.list_forecasts(account.id)
    [lightgbm] = made.request["models"]
    assert lightgbm["key"] == "lightgbm" and lightgbm["params"]["n_estimators"] == 20
    assert made.request["folds"] == 2
    assert dash_duo.get_logs() == []
