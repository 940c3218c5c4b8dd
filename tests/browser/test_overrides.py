"""Override a forecast value with a reason on the Models page, and see it marked."""

from __future__ import annotations

from typing import Any

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from tests.browser.helpers import start_and_register, upload
from tests.conftest import TEST_DATA

pytestmark = pytest.mark.walkthrough  # make test-integration

TABLE = "#overrides-values-table"


def _edit(dash_duo: Any, row: int, column: str, text: str) -> None:
    """Type into one cell of the table and commit it with Enter."""
    cell = dash_duo.wait_for_element(
        f'{TABLE} tbody tr:nth-child({row + 2}) td[data-dash-column="{column}"]'
    )
    dash_duo.driver.execute_script(  # below the fold, under redrawing charts
        "arguments[0].scrollIntoView({block: 'center'}); arguments[0].click()", cell
    )
    ActionChains(dash_duo.driver).send_keys(text + Keys.ENTER).perform()


def _press(dash_duo: Any, selector: str) -> None:
    button = dash_duo.wait_for_element(selector)
    dash_duo.driver.execute_script(
        "arguments[0].scrollIntoView({block: 'center'}); arguments[0].click()", button
    )


def test_override_a_value_with_a_reason_and_see_it_marked(
    dash_duo: Any, dash_app: Any
) -> None:
    base, _name, _password = start_and_register(dash_duo, dash_app)
    upload(dash_duo, base, TEST_DATA / "adding" / "history.csv", "history.csv")
    dash_duo.driver.get(base + "/models")
    dash_duo.wait_for_contains_text("#models-dataset-div", "history.csv")
    dash_duo.select_dcc_dropdown("#models-select-dropdown", value="Naive (baseline)")
    dash_duo.find_element("h1").click()
    dash_duo.find_element("#models-run-button").click()
    dash_duo.wait_for_contains_text("#models-status-div", "Forecast ready", timeout=120)
    dash_duo.wait_for_element(f'{TABLE} td[data-dash-column="statistical"]')
    assert "A reason is required" in dash_duo.find_element("#overrides-card-div").text

    _edit(dash_duo, 0, "value", "999")
    _press(dash_duo, "#overrides-save-button")
    dash_duo.wait_for_contains_text("#overrides-alert-div", "Give a reason")

    _edit(dash_duo, 0, "reason", "New supply contract")
    _press(dash_duo, "#overrides-save-button")
    dash_duo.wait_for_contains_text("#overrides-alert-div", "Saved 1 change")
    dash_duo.wait_for_contains_text(
        "#models-forecast-graph .legend", "Changed by hand", timeout=30
    )
    marks = dash_duo.driver.find_elements(
        By.CSS_SELECTOR,
        "#models-forecast-graph .scatterlayer .trace:last-child path.point",
    )
    assert len(marks) == 1
    dash_duo.driver.save_screenshot("/tmp/overrides-marked.png")
