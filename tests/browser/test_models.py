"""Comparing models in the browser: three models, a cancelled run, the runner-up;
tuning a model from its settings form."""

from __future__ import annotations

from typing import Any

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


def test_compare_three_models_cancel_a_run_and_use_the_runner_up(
    dash_duo: Any, dash_app: Any
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
        dash_duo.find_element("h1").click()  # close the menu before the next choice
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

    # The operator's details stay off the panel (Settings → System has them).
    panel = dash_duo.find_element("#models-scores-div").text
    assert "MLflow" not in panel and "user-" not in panel


def test_tune_a_model_and_choose_backtest_folds(dash_duo: Any, dash_app: Any) -> None:
    from services import forecasts, users

    base, name, _password = start_and_register(dash_duo, dash_app)
    upload(dash_duo, base, SAMPLES / "air_passengers.csv", "passengers")
    dash_duo.driver.get(base + "/models")
    dash_duo.wait_for_contains_text("#models-dataset-div", "air_passengers.csv")
    dash_duo.select_dcc_dropdown(
        "#models-select-dropdown", value="LightGBM on lags (machine learning)"
    )
    dash_duo.find_element("h1").click()
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
