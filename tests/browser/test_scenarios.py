"""What if in the browser: change a driver's planned value, compare the scenario."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from tests.browser.helpers import start_and_register, upload
from tests.services.test_forecasting import _promotions

pytestmark = pytest.mark.walkthrough  # make test-integration


def _press(dash_duo: Any, selector: str, index: int = 0) -> None:
    """Click the element, found again if the page redrew it meanwhile."""
    for _attempt in range(5):
        dash_duo.wait_for_element(selector, timeout=30)
        element = dash_duo.driver.find_elements(By.CSS_SELECTOR, selector)[index]
        try:
            dash_duo.driver.execute_script(  # below the fold, under redrawing charts
                "arguments[0].scrollIntoView({block: 'center'}); arguments[0].click()",
                element,
            )
            return
        except StaleElementReferenceException:
            time.sleep(0.3)
    raise AssertionError(f"{selector} kept being redrawn")


def test_compare_a_scenario(dash_duo: Any, dash_app: Any, tmp_path: Path) -> None:
    from services import datasets, forecasts, jobs, users
    from services.forecast_request import ForecastRequest

    base, name, _password = start_and_register(dash_duo, dash_app)
    path = tmp_path / "promotions.csv"
    _promotions(months=60, future=3, series=2).write_csv(path)
    upload(dash_duo, base, path, "promotions.csv")
    account = next(u for u in users.list_accounts() if u.username == name)
    [dataset] = datasets.list_datasets(account.id)
    request = ForecastRequest.model_validate(
        {
            "target": "sales",
            "horizon": 3,
            "folds": 1,
            "drivers": ["promo"],
            "models": [{"key": "lightgbm", "params": {"n_estimators": 30, "lags": 3}}],
        }
    )
    job = forecasts.submit_forecast(account.id, dataset.id, request)
    deadline = time.monotonic() + 120
    while jobs.get_job(account.id, job.id).status in ("queued", "running"):
        assert time.monotonic() < deadline
        time.sleep(0.5)

    dash_duo.driver.get(base + "/models")
    _press(dash_duo, f'[id*="{job.id}"]')
    cells = '#scenario-drivers-table td[data-dash-column="promo"]'
    dash_duo.wait_for_element(cells, timeout=60)
    dash_duo.wait_for_no_elements('[data-dash-is-loading="true"]', timeout=60)
    # February has no promotion planned for S0: plan one.
    assert dash_duo.driver.find_elements(By.CSS_SELECTOR, cells)[1].text == "0"
    _press(dash_duo, cells, 1)
    ActionChains(dash_duo.driver).send_keys("1", Keys.ENTER).perform()
    until = time.monotonic() + 10
    while dash_duo.driver.find_elements(By.CSS_SELECTOR, cells)[1].text != "1":
        assert time.monotonic() < until, "the edit did not take"
        time.sleep(0.2)
    name_input = dash_duo.find_element("#scenario-name-input")
    name_input.clear()
    name_input.send_keys("Big promotion")
    _press(dash_duo, "#scenario-compare-button")
    dash_duo.wait_for_contains_text("#scenario-differences-div", "Scenario", timeout=90)
    rows = dash_duo.driver.find_elements(
        By.CSS_SELECTOR, "#scenario-differences-div tbody tr"
    )
    assert len(rows) == 3
    assert rows[0].text.endswith(" 0.0%")  # January kept its values
    assert "+" in rows[1].text  # a promotion in February lifts its sales
    legend = dash_duo.find_element("#scenario-compare-graph").text
    assert "Scenario: Big promotion" in legend and "Baseline forecast" in legend
    [scenario] = [f for f in forecasts.list_forecasts(account.id) if f.scenario]
    assert scenario.scenario == "Big promotion"
    card = dash_duo.find_element("#scenario-compare-graph")
    dash_duo.driver.execute_script("arguments[0].scrollIntoView()", card)
    dash_duo.driver.save_screenshot("/tmp/scenarios-compare.png")
