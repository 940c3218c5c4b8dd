"""Totals that add up: the levels of a hierarchy, their reconciliation, the request."""

from __future__ import annotations

from datetime import date

import numpy as np
import polars as pl
import pytest

from services import hierarchy
from services.errors import InvalidInputError
from services.forecast_request import ForecastRequest, parse
from services.profiling import Frequency
from tests.conftest import TEST_DATA

STORES = TEST_DATA / "region_stores.csv"
METHODS = ["bottom_up", "top_down", "mint_shrink", "ols"]


def _frame() -> pl.DataFrame:
    return pl.read_csv(STORES, try_parse_dates=True)


def _levels() -> hierarchy.Levels:
    return hierarchy.aggregate(_frame(), "month", "units", ["region", "store"])


def _base_points(labels: list[str], steps: int = 4) -> pl.DataFrame:
    """Incoherent forecasts: each series' own, the totals 10% off their parts."""
    rng = np.random.default_rng(3)
    bottom = {"North / N1": 100.0, "North / N2": 150.0, "South / S1": 60.0}
    bottom["South / S2"] = 90.0
    truth = {
        "Total": sum(bottom.values()),
        "North": 250.0,
        "South": 150.0,
        **bottom,
    }
    rows = []
    for label in labels:
        for step in range(steps):
            value = truth[label] * (1.1 if label in ("Total", "North") else 1.0)
            value += rng.normal(0, 2)
            rows.append(
                (
                    label,
                    date(2024, 1 + step, 1),
                    value,
                    value - 5,
                    value + 5,
                    value - 9,
                    value + 9,
                )
            )
    return pl.DataFrame(
        rows,
        schema=[
            "series",
            "time",
            "forecast",
            "lower_80",
            "upper_80",
            "lower_95",
            "upper_95",
        ],
        orient="row",
    )


def _backtests(labels: list[str]) -> pl.DataFrame:
    rng = np.random.default_rng(5)
    rows = []
    for fold in (1, 2, 3):
        for step in (1, 2, 3):
            for label in labels:
                actual = 100 + rng.normal(0, 10)
                rows.append(
                    (
                        label,
                        fold,
                        step,
                        date(2023, 3 + fold + step, 1),
                        actual,
                        actual + rng.normal(0, 5),
                    )
                )
    return pl.DataFrame(
        rows,
        schema=["series", "fold", "step", "time", "actual", "forecast"],
        orient="row",
    )


def _assert_coherent(points: pl.DataFrame, column: str = "forecast") -> None:
    def at(label: str) -> np.ndarray:
        return points.filter(pl.col("series") == label).sort("time")[column].to_numpy()

    parts = {
        "Total": ["North", "South"],
        "North": ["North / N1", "North / N2"],
        "South": ["South / S1", "South / S2"],
    }
    for total, members in parts.items():
        summed = sum(at(m) for m in members)
        assert np.allclose(at(total), summed, rtol=1e-6, atol=0), total


def test_levels_sum_the_stores_at_every_time() -> None:
    levels = _levels()
    assert levels.labels == [
        "Total",
        "North",
        "South",
        "North / N1",
        "North / N2",
        "South / S1",
        "South / S2",
    ]
    assert levels.level_of["Total"] == "total"
    assert levels.level_of["North"] == "region"
    assert levels.level_of["South / S2"] == "store"
    table = levels.frame
    _assert_coherent(
        table.rename({"hierarchy series": "series", "month": "time"}), "units"
    )
    assert levels.summing.shape == (7, 4)
    assert table.filter(pl.col("hierarchy series") == "Total").height == 36


@pytest.mark.parametrize("method", METHODS)
def test_every_method_makes_the_totals_add_up(method: str) -> None:
    levels = _levels()
    base = _base_points(levels.labels)
    notes: list[str] = []
    fixed = hierarchy.reconcile(base, _backtests(levels.labels), levels, method, notes)
    _assert_coherent(fixed)
    assert fixed["hierarchy_level"].unique().sort().to_list() == [
        "region",
        "store",
        "total",
    ]
    assert fixed["series"].to_list()[0] == "Total"  # totals first
    # the ranges keep their widths and move with the forecast
    widths = (fixed["upper_80"] - fixed["lower_80"]).to_numpy()
    assert np.allclose(widths, 10)
    assert (fixed["lower_95"] <= fixed["forecast"]).all()
    if method == "bottom_up":  # the stores are kept as forecast
        stores = fixed.filter(pl.col("hierarchy_level") == "store")
        kept = base.filter(pl.col("series").str.contains(" / "))
        assert np.allclose(stores["forecast"].to_numpy(), kept["forecast"].to_numpy())
    assert notes == []


def test_none_leaves_the_forecasts_as_they_are() -> None:
    levels = _levels()
    base = _base_points(levels.labels)
    kept = hierarchy.reconcile(base, None, levels, "none")
    assert np.allclose(kept["forecast"].to_numpy(), base["forecast"].to_numpy())
    with pytest.raises(AssertionError):
        _assert_coherent(kept)


def test_mint_shrink_without_backtests_adjusts_evenly_and_says_so() -> None:
    levels = _levels()
    notes: list[str] = []
    fixed = hierarchy.reconcile(
        _base_points(levels.labels), None, levels, "mint_shrink", notes
    )
    _assert_coherent(fixed)
    assert "even adjustment" in notes[0]


def test_a_missing_series_is_explained() -> None:
    levels = _levels()
    base = _base_points(levels.labels).filter(pl.col("series") != "South / S2")
    with pytest.raises(InvalidInputError) as caught:
        hierarchy.reconcile(base, None, levels, "ols")
    assert caught.value.code == "hierarchy_incomplete"
    assert "South / S2" in caught.value.message


def test_forecast_every_level_with_the_pipeline() -> None:
    result = hierarchy.forecast_levels(
        _frame(),
        "month",
        "units",
        ["region", "store"],
        "mint_shrink",
        horizon=3,
        frequency=Frequency(unit="month", step=1),
        models=[{"key": "naive"}, {"key": "seasonal_naive"}],
        folds=2,
    )
    points = result.points
    assert points.height == 7 * 3
    _assert_coherent(points)
    assert [row["level"] for row in result.levels] == ["total", "region", "store"]
    assert all(row["mase"] is not None for row in result.levels)
    history = hierarchy.history(_frame(), "month", "units", ["region", "store"])
    assert history.filter(pl.col("series") == "North").height == 36


def test_the_request_takes_a_hierarchy_and_a_method() -> None:
    request = ForecastRequest.model_validate(
        {
            "target": "units",
            "horizon": 3,
            "hierarchy": ["region", "store"],
            "reconciliation": "ols",
        }
    )
    assert request.reconciliation == "ols"
    with pytest.raises(InvalidInputError, match="hierarchy"):
        parse({"target": "units", "horizon": 3, "reconciliation": "bottom_up"})
    with pytest.raises(InvalidInputError):
        parse(
            {
                "target": "units",
                "horizon": 3,
                "hierarchy": ["region"],
                "reconciliation": "sideways",
            }
        )
    with pytest.raises(InvalidInputError, match="once"):
        parse({"target": "units", "horizon": 3, "hierarchy": ["store", "store"]})


def test_a_region_named_total_is_refused() -> None:
    frame = _frame().with_columns(pl.col("region").replace("South", "Total"))
    with pytest.raises(InvalidInputError, match="grand total"):
        hierarchy.aggregate(frame, "month", "units", ["region", "store"])
