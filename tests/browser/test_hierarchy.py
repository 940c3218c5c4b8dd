"""Totals that add up in the browser: forecast every level, pick a region's total."""

from __future__ import annotations

from typing import Any

import polars as pl
import pytest
from dash.testing.wait import until

from tests.browser.helpers import start_and_register, upload
from tests.conftest import TEST_DATA

pytestmark = pytest.mark.walkthrough  # make test-integration

STORES = TEST_DATA / "region_stores.csv"


def _click(dash_duo: Any, selector: str) -> None:
    element = dash_duo.wait_for_element(selector)
    dash_duo.driver.execute_script(
        "arguments[0].scrollIntoView({block: 'center'}); arguments[0].click()", element
    )


def _traces(dash_duo: Any) -> list[list[float]]:
    """The y values of the forecast chart's traces (empty until it is drawn)."""
    return dash_duo.driver.execute_script(
        "const plot = document.querySelector('#models-forecast-graph .js-plotly-plot');"
        "return plot && plot.data ? plot.data.map(t => Array.from(t.y || [])) : [];"
    )


def test_forecast_the_totals_and_pick_a_region(dash_duo: Any, dash_app: Any) -> None:
    base, _name, _password = start_and_register(dash_duo, dash_app)
    upload(dash_duo, base, STORES, "region_stores.csv")
    dash_duo.driver.get(base + "/models")
    dash_duo.wait_for_contains_text("#models-dataset-div", "region_stores.csv")
    dash_duo.wait_for_style_to_equal(
        "#models-hierarchy-div", "display", "block", timeout=30
    )
    dash_duo.select_dcc_dropdown("#models-select-dropdown", value="Naive (baseline)")
    dash_duo.find_element("h1").click()
    _click(dash_duo, "#models-hierarchy-switch")
    _click(dash_duo, "#models-run-button")
    dash_duo.wait_for_contains_text("#models-status-div", "Forecast ready", timeout=240)

    # The levels are offered: all stores, each region, each store.
    dash_duo.wait_for_contains_text("#models-series-dropdown", "All stores")
    dash_duo.select_dcc_dropdown("#models-series-dropdown", value="North")
    frame = pl.read_csv(STORES, try_parse_dates=True)
    north = (
        frame.filter(pl.col("region") == "North")
        .group_by("month")
        .agg(pl.col("units").sum())
        .sort("month")["units"]
        .to_list()
    )
    wanted = [round(v, 6) for v in north]

    def drawn() -> bool:
        return any([round(v, 6) for v in y] == wanted for y in _traces(dash_duo))

    try:
        until(drawn, timeout=90)
    finally:
        dash_duo.driver.execute_script(
            "document.querySelector('#models-forecast-graph').scrollIntoView()"
        )
        dash_duo.driver.save_screenshot("/tmp/hierarchy-north.png")
