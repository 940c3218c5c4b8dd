"""The leaderboard under a forecast: the chosen row, failed models, a warning for
narrow ranges, and the report's headline."""

from __future__ import annotations

import datetime as dt
from typing import Any

from components import ids
from components.summaries import scores_table
from services.forecasts import ForecastInfo
from services.reports.narrative import summarise
from services.reports.reasons import FALLBACK
from tests.services.reports.conftest import (
    FAILED_ROW,
    PLAIN_REASON,
    RAW_ERROR,
    seasonal_naive,
)


def _info(coverage: float) -> ForecastInfo:
    board = [
        {"model": "auto_ets", "name": "AutoETS", "mase": 0.8, "coverage": coverage},
        {"model": "naive", "name": "Naive", "mase": 1.2, "coverage": 0.9},
    ]
    return ForecastInfo(
        id="0" * 32,
        dataset_id="1" * 32,
        version_id="2" * 32,
        target="sales",
        horizon=6,
        model="auto_ets",
        model_name="AutoETS",
        time_column="month",
        series_columns=[],
        metrics={"leaderboard": board},
        created_at=dt.datetime(2026, 11, 27, tzinfo=dt.UTC),
    )


def _find(node: Any, wanted: str) -> Any:
    """The component with this id in a Dash tree, or None."""
    if getattr(node, "id", None) == wanted:
        return node
    children = getattr(node, "children", None)
    for child in children if isinstance(children, list) else [children]:
        if child is not None and not isinstance(child, str):
            found = _find(child, wanted)
            if found is not None:
                return found
    return None


def test_a_chosen_range_that_missed_often_is_called_too_narrow() -> None:
    warning = _find(scores_table(_info(0.48)), ids.MODELS_NARROW_RANGE)
    assert warning is not None and "caught only 48%" in warning.children


def test_a_range_that_held_gets_no_warning() -> None:
    assert _find(scores_table(_info(0.78)), ids.MODELS_NARROW_RANGE) is None


def test_a_series_board_shows_the_comparison_fit_times() -> None:
    info = _info(0.8)
    info.metrics["leaderboard"][0]["fit_seconds"] = 2.5
    info.metrics["series_leaderboards"] = {
        "north": [{"model": "auto_ets", "name": "AutoETS", "mase": 0.7}]
    }
    table = _find(scores_table(info, "north"), "models-leaderboard-table")
    text = str(table.to_plotly_json())
    assert "Fit time (all series)" in text and "2.5 s" in text


def _cells(table: Any) -> list[list[str]]:
    """The text of each body row of the leaderboard table."""
    body = table.children[1].children
    return [
        [c.children if isinstance(c.children, str) else "" for c in row.children]
        for row in body
    ]


def test_a_failed_model_shows_a_dash_and_its_reason_never_exception_text() -> None:
    info = _info(0.8)
    info.metrics["leaderboard"] += [
        dict(FAILED_ROW),
        dict(FAILED_ROW, model="linear_regression", name="Linear", error=PLAIN_REASON),
    ]
    table = _find(scores_table(info), "models-leaderboard-table")
    rows = {cells[0]: cells for cells in _cells(table)}
    assert rows["LightGBM on lags"][1:5] == ["—", "—", "—", "—"]  # MASE 0 is not shown
    assert rows["LightGBM on lags"][6] == FALLBACK
    assert rows["Linear"][1:5] == ["—", "—", "—", "—"]
    assert rows["Linear"][6] == PLAIN_REASON
    assert rows["AutoETS"][1] == "0.8"
    assert RAW_ERROR not in str(table.to_plotly_json())
    assert "Why it failed" in str(table.children[0].to_plotly_json())


def test_the_headline_and_the_trend_note_are_the_reports_words() -> None:
    data = seasonal_naive()
    words = summarise(data)
    page = scores_table(_info(0.8), summary=words)
    assert _find(page, "models-summary-headline").children == words.headline
    note = _find(page, "models-trend-note").children
    assert note == words.trend_note and "strong upward trend" in note


def _heading(node: Any) -> str:
    """The leaderboard's heading: the text of the tree's H2."""
    return next(c.children for c in node.children if type(c).__name__ == "H2")


def test_the_heading_says_whose_scores_the_table_shows() -> None:
    info = _info(0.8)
    assert "(mean over" not in _heading(scores_table(info))  # one series
    row = {"model": "auto_ets", "name": "AutoETS", "mase": 0.7}
    info.metrics["series_leaderboards"] = {"north": [row], "south": [row]}
    assert "backtests (mean over the 2 series):" in _heading(scores_table(info))
    heading = _heading(scores_table(info, "north"))
    assert "backtests of north:" in heading and "mean over" not in heading
