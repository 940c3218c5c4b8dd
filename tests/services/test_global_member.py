""" "LightGBM across series": one model learnt from every series' scaled windows.

With many series, "automatic" compares it and the combination takes it as a member
(benchmarks/README.md: about 2% lower MASE on M3 and M1).
"""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pandas as pd
import polars as pl
import pytest
from darts import TimeSeries

from services import final_forecast
from services.fitting import TooShortError
from services.forecasting import forecast
from services.models import GLOBAL_MEMBER, MANY_SERIES
from services.models.ml import ShapeLightGbm, ShapeParams, phase_of
from services.profiling import Frequency

MONTHLY = Frequency(unit="month", step=1)
# One year's shape every series shares (a peak in December, a dip in February).
SHAPE = np.array([1.0, 0.7, 0.9, 1.0, 1.0, 1.1, 1.0, 0.9, 1.0, 1.1, 1.2, 1.6])


def _series(level: float, start: str, length: int, noise: float = 0.0) -> TimeSeries:
    times = pd.date_range(start, periods=length, freq="MS")
    rng = np.random.default_rng(int(level))
    values = level * SHAPE[times.month - 1] * (1 + rng.normal(0, noise, length))
    return TimeSeries.from_times_and_values(times, values)


def test_the_position_in_the_year_counts_calendar_months_and_quarters() -> None:
    march = _series(10, "2021-03-01", 5)
    assert phase_of(march, 12) == 2
    quarters = pd.date_range("2019-07-01", periods=4, freq="QS")
    assert phase_of(TimeSeries.from_times_and_values(quarters, np.ones(4)), 4) == 2
    numbered = TimeSeries.from_times_and_values(pd.RangeIndex(14, 20), np.ones(6))
    assert phase_of(numbered, 12) == 2
    assert phase_of(march, 1) == 0


def test_series_of_any_size_and_start_learn_one_shape() -> None:
    # Levels from 5 to 50,000, starting in different months: scaled windows make
    # them one lesson, so each series' next year follows the shape at its own level.
    levels = [5.0, 80.0, 900.0, 12_000.0, 50_000.0]
    starts = ["2015-01-01", "2015-04-01", "2016-07-01", "2015-10-01", "2016-02-01"]
    series = [
        _series(level, start, 60, noise=0.01)
        for level, start in zip(levels, starts, strict=True)
    ]
    model = ShapeLightGbm(ShapeParams(), 12, 1).fit(series)
    for ts, level, ahead in zip(series, levels, model.predict(12, series), strict=True):
        expected = level * SHAPE[ahead.time_index.month - 1]
        assert ahead.time_index[0] == ts.end_time() + pd.offsets.MonthBegin(1)
        error = np.abs(ahead.values()[:, 0] - expected) / expected
        assert error.mean() < 0.05


def test_scaling_every_series_scales_the_forecasts_by_the_same_factor() -> None:
    series = [_series(level, "2018-01-01", 48, noise=0.05) for level in (3, 40, 700)]
    model = ShapeLightGbm(ShapeParams(n_estimators=50), 12, 1).fit(series)
    bigger = [ts * 1000 for ts in series]
    scaled = ShapeLightGbm(ShapeParams(n_estimators=50), 12, 1).fit(bigger)
    for small, big in zip(
        model.predict(6, series), scaled.predict(6, bigger), strict=True
    ):
        np.testing.assert_allclose(big.values(), 1000 * small.values(), rtol=1e-6)


def test_a_series_too_short_to_teach_is_still_forecast() -> None:
    series = [_series(100, "2015-01-01", 60), _series(50, "2019-06-01", 10)]
    model = ShapeLightGbm(ShapeParams(n_estimators=50), 12, 1).fit(series)
    short = model.predict(3, series)[1]
    assert len(short) == 3 and np.isfinite(short.values()).all()
    with pytest.raises(TooShortError, match="at least 2 points"):
        ShapeLightGbm(ShapeParams(), 12, 1).fit([_series(50, "2019-06-01", 1)])


def test_series_of_exactly_two_seasons_learn_from_one_season_of_lags() -> None:
    # The first backtest fold of five whole years trains on 24 months of each series:
    # no window of two seasons and the value after it fits, so it looks one back.
    series = [_series(level, "2020-01-01", 24, 0.02) for level in (10, 300, 5000)]
    model = ShapeLightGbm(ShapeParams(n_estimators=50), 12, 1).fit(series)
    assert model.lags == 12
    for ts, ahead in zip(series, model.predict(6, series), strict=True):
        level = float(ts.values()[-12:, 0].mean())
        assert np.isfinite(ahead.values()).all()
        assert np.abs(ahead.values()[:, 0] / level - 1).max() < 0.8


def _table(count: int, length: int) -> pl.DataFrame:
    rng = np.random.default_rng(11)
    frames = []
    for i in range(count):
        level = 50 * (i + 1)
        values = level * np.tile(SHAPE, length // 12 + 1)[:length]
        values = values * (1 + rng.normal(0, 0.05, length))
        months = [dt.date(2019 + k // 12, k % 12 + 1, 1) for k in range(length)]
        frames.append(
            pl.DataFrame({"month": months, "shop": f"s{i:02d}", "sales": values})
        )
    return pl.concat(frames)


def test_automatic_adds_the_member_only_with_many_series() -> None:
    # Four whole years, a year ahead: the first fold learns from 24 months of each.
    many = forecast(_table(MANY_SERIES, 48), "month", "sales", 12, MONTHLY, ["shop"])
    board = {row["model"]: row for row in many.leaderboard}
    assert board[GLOBAL_MEMBER]["error"] is None
    assert board[GLOBAL_MEMBER]["mase"] is not None
    assert "LightGBM across series" in board["combination"]["name"]
    assert many.model == "combination"
    for _label, plan in many.recipe["plans"]:
        assert GLOBAL_MEMBER in plan["keys"]
        assert sum(plan["weights"]) == pytest.approx(1.0)
    assert many.points.height == 12 * MANY_SERIES
    # The recipe as it is stored (JSON) refits the same forecast, the member's
    # conformal widths included.
    recipe = json.loads(json.dumps(many.recipe))
    again = final_forecast.refit(_table(MANY_SERIES, 48), recipe)
    np.testing.assert_allclose(
        again["upper_95"].to_numpy(), many.points["upper_95"].to_numpy(), rtol=1e-6
    )
    # It takes Dynamic Optimized Theta's place (a near twin of Theta).
    assert "dynamic_theta" not in board
    few = forecast(_table(2, 40), "month", "sales", 6, MONTHLY, ["shop"])
    compared = {row["model"] for row in few.leaderboard}
    assert GLOBAL_MEMBER not in compared and "dynamic_theta" in compared


def test_its_explanation_says_what_it_reads() -> None:
    from services.explanation_features import inputs
    from services.fitting import SeriesData, Setup
    from services.models import CATALOG

    data = SeriesData(_series(100, "2015-01-01", 60))
    found = inputs(
        CATALOG[GLOBAL_MEMBER], None, data, Setup(6, 12), "sales", [], MONTHLY
    )
    assert "the last 24 months of “sales”" in found[0].sentence
    assert [f.feature for f in found] == ["history", "calendar"]


def test_a_global_model_that_failed_shows_its_reason_on_every_series_board() -> None:
    from services.backtest import ModelBacktest
    from services.selection import series_boards

    ok = ModelBacktest("auto_ets", "AutoETS", 1, metrics={"mase": 1.0})
    ok.series_metrics = {"a": {"mase": 1.0}, "b": {"mase": 2.0}}
    failed = ModelBacktest(GLOBAL_MEMBER, "LightGBM across series", 5)
    failed.error = "LightGBM across series could not be fitted to these series."
    boards = series_boards([ok, failed], "mase")
    for label in ("a", "b"):
        assert boards[label][-1] == {
            "model": GLOBAL_MEMBER,
            "name": "LightGBM across series",
            "error": failed.error,
        }
