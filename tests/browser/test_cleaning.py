"""Cleaning in the browser: fill gaps, clip a spike (the applied steps stay shown),
see before/after, restore."""

from __future__ import annotations

from typing import Any

from selenium.webdriver.common.keys import Keys

from tests.browser.helpers import start_and_register, upload
from tests.conftest import TEST_DATA


def test_fill_gaps_clip_outliers_and_restore(dash_duo: Any, dash_app: Any) -> None:
    base, _name, _password = start_and_register(dash_duo, dash_app)
    upload(dash_duo, base, TEST_DATA / "gaps_and_spike.csv", "sales")
    dash_duo.wait_for_contains_text("#upload-summary-div", "missing")

    dash_duo.driver.get(base + "/cleaning")
    dash_duo.wait_for_contains_text("#cleaning-dataset-div", "gaps_and_spike.csv")
    dash_duo.select_dcc_dropdown("#cleaning-op-dropdown", value="Insert missing dates")
    dash_duo.wait_for_contains_text("#cleaning-params-div", "Fill the inserted dates")
    dash_duo.find_element("#cleaning-add-button").click()
    dash_duo.wait_for_contains_text("#cleaning-recipe-div", "1. Insert missing dates")
    # Each step says in a sentence what it will do, not its code.
    dash_duo.wait_for_contains_text(
        "#cleaning-recipe-div", "Put the data on a regular calendar"
    )

    dash_duo.select_dcc_dropdown("#cleaning-op-dropdown", value="Treat unusual values")
    dash_duo.wait_for_contains_text("#cleaning-params-div", "Unusual means")
    dash_duo.find_element("#cleaning-preview-outliers-button").click()
    # a background callback: the first one waits for its fork server to import
    dash_duo.wait_for_contains_text(
        "#cleaning-alert-div", "would be treated", timeout=60
    )
    assert dash_duo.find_element("#cleaning-preview-outliers-button").is_enabled()
    action = (
        '#\\{\\"name\\"\\:\\"action\\"\\,\\"type\\"\\:\\"cleaning-param-input\\"\\}'
    )
    dash_duo.select_dcc_dropdown(action, value="pull them back to the limit")
    dash_duo.find_element("#cleaning-add-button").click()
    dash_duo.wait_for_contains_text("#cleaning-recipe-div", "2. Treat unusual values")

    # The longer recipe puts the button at the window's edge; the keyboard needs
    # no position on the screen.
    dash_duo.find_element("#cleaning-apply-button").send_keys(Keys.ENTER)
    dash_duo.wait_for_contains_text("#cleaning-alert-div", "Version 2 made", timeout=30)
    # The applied steps stay shown, to read and to change; not to apply twice.
    dash_duo.wait_for_contains_text("#cleaning-recipe-div", "made version 2")
    recipe = dash_duo.find_element("#cleaning-recipe-div").text
    assert "1. Insert missing dates" in recipe and "2. Treat unusual values" in recipe
    assert not dash_duo.find_element("#cleaning-apply-button").is_enabled()
    dash_duo.wait_for_contains_text("#cleaning-counts-text", "3 filled")
    # What the steps did, counted, in the alert and in the list of versions.
    alert = dash_duo.find_element("#cleaning-alert-div").text
    assert "Put the data on a regular daily calendar (3 days added" in alert
    assert "Capped 1 unusual “sales” value" in alert
    versions_text = dash_duo.find_element("#cleaning-versions-div").text
    assert "Capped 1 unusual “sales” value" in versions_text
    assert "regularize" not in versions_text and "outliers" not in versions_text
    assert "1 changed" in dash_duo.find_element("#cleaning-counts-text").text
    dash_duo.wait_for_element("#cleaning-compare-graph .main-svg")
    assert "current" in dash_duo.find_element("#cleaning-versions-div").text

    button = dash_duo.driver.find_element(
        "css selector", '[id^=\'{"type":"cleaning-restore-button"\']'
    )
    # The charts above are still redrawing; a script click is not moved by the shift.
    dash_duo.driver.execute_script("arguments[0].click()", button)
    dash_duo.wait_for_contains_text("#cleaning-dataset-div", "version 1")
    assert dash_duo.get_logs() == []
