"""The leaderboard under a forecast: the chosen row, and a warning for narrow ranges."""

from __future__ import annotations

import datetime as dt
from typing import Any

from components import ids
from components.summaries import scores_table
from services.forecasts import ForecastInfo


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
