"""Forecasting: the automatic choice between seasonal naive and AutoETS, intervals."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from services.errors import InvalidInputError, SeriesTooShortError
from services.final_forecast import POINT_COLUMNS
from services.forecasting import forecast
from services.ingest import read_table
from services.profiling import Frequency, profile_table
from services.selection import COMBINATION_MARGIN
from tests.conftest import SAMPLES, TEST_DATA


def _run(path, target, horizon, **kwargs):  # type: ignore[no-untyped-def]
    frame = read_table(path, path.suffix).frame
    profile = profile_table(frame)
    return forecast(
        frame,
        profile.time_column,
        target,
        horizon,
        profile.frequency,
        profile.series_id_columns,
        **kwargs,
    )


def test_trending_seasonal_series_chooses_ets_over_seasonal_naive() -> None:
    two = [{"key": "seasonal_naive"}, {"key": "auto_ets"}]
    result = _run(
        SAMPLES / "air_passengers.csv", "passengers", 12, models=two, transform="log"
    )
    assert result.model == "auto_ets"
    assert result.holdout["auto_ets"]["mase"] < result.holdout["seasonal_naive"]["mase"]
    assert result.points.columns == POINT_COLUMNS
    assert result.points.height == 12
    assert result.points["time"][0].isoformat() == "1961-01-01"


def test_exactly_repeating_series_chooses_seasonal_naive() -> None:
    result = _run(TEST_DATA / "weekly_repeating.csv", "visits", 14)
    assert result.model == "seasonal_naive"  # perfect, and the simplest on a tie
    assert result.holdout["seasonal_naive"]["mae"] == pytest.approx(0, abs=1e-9)
    assert result.points["forecast"].to_list()[:7] == [120, 135, 150, 148, 160, 90, 70]


def test_intervals_are_nested_around_the_forecast() -> None:
    points = _run(SAMPLES / "air_passengers.csv", "passengers", 24).points
    ordered = points.select(
        (pl.col("lower_95") <= pl.col("lower_80"))
        & (pl.col("lower_80") <= pl.col("forecast"))
        & (pl.col("forecast") <= pl.col("upper_80"))
        & (pl.col("upper_80") <= pl.col("upper_95"))
    )
    assert ordered.to_series().all()
    width = (points["upper_80"] - points["lower_80"]).to_list()
    assert width[-1] > width[0]  # uncertainty grows with the horizon


def test_one_forecast_per_series_in_a_long_table() -> None:
    result = _run(TEST_DATA / "store_units.xlsx", "units", 6)
    assert sorted(result.points["series"].unique().to_list()) == ["North", "South"]
    assert result.points.height == 12


def test_progress_is_reported_up_to_done() -> None:
    seen: list[tuple[float, str]] = []
    _run(
        SAMPLES / "air_passengers.csv",
        "passengers",
        12,
        on_progress=lambda f, m: seen.append((f, m)),
    )
    fractions = [f for f, _ in seen]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    assert any("AutoETS" in m for _, m in seen)


def test_a_short_history_is_forecast_with_a_smaller_fold() -> None:
    result = _run(TEST_DATA / "short_monthly.csv", "sales", 6)
    assert result.points.height == 6
    assert "the backtests checked 2 steps ahead or fewer instead of 6" in " ".join(
        result.notes
    )
    tested = [r for r in result.leaderboard if r["mase"] is not None]
    assert {r["model"] for r in tested} >= {"seasonal_naive", "auto_ets"}
    arima = next(r for r in result.leaderboard if r["model"] == "auto_arima")
    assert arima["error"] == (
        "Needs at least 12 points to fit and 2 more to test it; this series has 10."
    )


def test_a_history_too_short_to_test_is_forecast_without_a_score() -> None:
    frame = pl.DataFrame(
        {"year": [date(2018 + i, 1, 1) for i in range(6)], "y": [3.0, 4, 6, 5, 7, 8]}
    )
    result = forecast(frame, "year", "y", 3, Frequency(unit="year", step=1))
    assert result.model == "naive"
    assert result.points.height == 3
    assert all(r["mase"] is None for r in result.leaderboard)
    assert "accuracy of its forecast could not be measured" in " ".join(result.notes)
    with pytest.raises(SeriesTooShortError, match="needs at least 4"):
        forecast(frame.head(3), "year", "y", 3, Frequency(unit="year", step=1))


def test_non_numeric_target_is_refused() -> None:
    with pytest.raises(InvalidInputError, match="numbers"):
        _run(SAMPLES / "australian_accommodation.csv", "state", 4)


def test_automatic_beats_seasonal_naive_and_ranks_every_candidate() -> None:
    result = _run(SAMPLES / "air_passengers.csv", "passengers", 12)
    board = {row["model"]: row for row in result.leaderboard}
    assert {
        "seasonal_naive",
        "auto_ets",
        "auto_theta",
        "auto_arima",
        "combination",
    } <= set(board)
    best = min(r["mase"] for r in result.leaderboard if r["mase"] is not None)
    combination = board["combination"]["mase"]
    if best < (1 - COMBINATION_MARGIN) * combination:
        assert board[result.model]["mase"] == best  # far better than the combination
    else:
        assert result.model == "combination"  # the steadier choice
        kept = [n for n in result.notes if "the combination was kept" in n]
        assert (best < combination) == bool(kept), result.notes  # and it says why
        assert not kept or "its MASE is at least 60% lower" in kept[0]
    assert board[result.model]["mase"] < 0.8 * board["seasonal_naive"]["mase"]
    assert all(0 <= r["coverage"] <= 1 for r in result.leaderboard)
    assert result.backtests is not None and result.backtests["fold"].max() == 5


def test_a_log_transform_keeps_forecasts_in_the_original_units() -> None:
    result = _run(
        SAMPLES / "air_passengers.csv",
        "passengers",
        12,
        models=[{"key": "auto_ets"}],
        transform="log",
    )
    assert 380 < result.points["forecast"].mean() < 600
    assert "log" in result.notes[0]


def test_a_failing_model_is_a_row_with_its_error() -> None:
    # 400 lags cannot be learned from 144 months: LightGBM fails for real.
    result = _run(
        SAMPLES / "air_passengers.csv",
        "passengers",
        12,
        models=[
            {"key": "lightgbm", "params": {"lags": 400}},
            {"key": "seasonal_naive"},
        ],
    )
    rows = {row["model"]: row for row in result.leaderboard}
    assert rows["lightgbm"]["error"] and rows["lightgbm"]["mase"] is None
    assert result.model == "seasonal_naive"


def test_each_series_can_get_its_own_best_model() -> None:
    models = [{"key": "naive"}, {"key": "seasonal_naive"}, {"key": "auto_theta"}]
    result = _run(
        TEST_DATA / "store_units.xlsx", "units", 6, models=models, per_series=True
    )
    boards = result.series_leaderboards
    assert set(boards) == {"North", "South"}
    note = next(n for n in result.notes if n.startswith("Each series uses"))
    for label, board in boards.items():
        assert f"{label}: {board[0]['name']}" in note


def test_a_cancel_during_the_backtests_stops_the_run() -> None:
    from services.errors import JobCancelledError

    calls = []

    def cancel_on_third(fraction: float, message: str) -> None:
        calls.append(message)
        if len(calls) == 3:
            raise JobCancelledError

    with pytest.raises(JobCancelledError):
        _run(
            SAMPLES / "air_passengers.csv",
            "passengers",
            12,
            on_progress=cancel_on_third,
        )
    assert len(calls) == 3  # nothing ran after the cancel


def _promotions(months: int = 72, future: int = 6, series: int = 1) -> pl.DataFrame:
    """Monthly sales that jump by 50 in promotion months; promotions are planned
    ``future`` months ahead (rows with a promotion flag and no sales)."""
    import datetime as dt

    import numpy as np

    rng = np.random.default_rng(3)
    rows = []
    for k in range(series):
        promo = (rng.random(months + future) < 0.3).astype(float)
        level = 100 + 20 * k + 0.5 * np.arange(months + future)
        sales = level + 50 * promo + rng.normal(0, 2, months + future)
        for i in range(months + future):
            rows.append(
                {
                    "month": dt.date(2015 + i // 12, i % 12 + 1, 1),
                    "store": f"S{k}",
                    "promo": promo[i],
                    "sales": float(sales[i]) if i < months else None,
                }
            )
    return pl.DataFrame(rows)


def test_a_driver_with_future_values_moves_the_forecast() -> None:
    frame = _promotions()
    planned = frame.filter(pl.col("sales").is_null())["promo"]
    result = forecast(
        frame.drop("store"),
        "month",
        "sales",
        6,
        Frequency(unit="month", step=1),
        models=[{"key": "linear_regression"}],
        folds=2,
        drivers=["promo"],
    )
    assert any("Known future values of “promo”" in n for n in result.notes)
    points = result.points.with_columns(promo=planned)
    up = points.filter(pl.col("promo") == 1)["forecast"].mean()
    down = points.filter(pl.col("promo") == 0)["forecast"].mean()
    assert planned.sum() > 0 and (planned == 0).sum() > 0
    assert up - down > 35  # the planned promotions lift the forecast by about 50
    assert result.leaderboard[0]["mase"] < 0.5


def test_a_driver_without_future_values_is_used_for_its_past_only() -> None:
    frame = _promotions(future=0)
    result = forecast(
        frame.drop("store"),
        "month",
        "sales",
        6,
        Frequency(unit="month", step=1),
        models=[{"key": "linear_regression"}, {"key": "naive"}],
        folds=2,
        drivers=["promo"],
    )
    assert any("only its past is used" in n for n in result.notes)
    assert all(row["error"] is None for row in result.leaderboard)
    assert result.points.height == 6


def test_an_unknown_driver_is_refused() -> None:
    with pytest.raises(InvalidInputError, match="driver"):
        forecast(
            _promotions().drop("store"),
            "month",
            "sales",
            6,
            Frequency(unit="month", step=1),
            models=[{"key": "naive"}],
            drivers=["weather"],
        )


def test_many_series_in_parallel_give_the_same_forecast_as_one_by_one() -> None:
    import config

    frame = _promotions(future=0, series=4)
    kwargs = {
        "models": [{"key": "naive"}, {"key": "auto_theta"}],
        "folds": 2,
    }
    monthly = Frequency(unit="month", step=1)
    config.settings.set("FORECAST_PROCESSES", 1)
    try:
        alone = forecast(frame, "month", "sales", 6, monthly, ["store"], **kwargs)
        config.settings.set("FORECAST_PROCESSES", 2)
        seen: list[str] = []
        together = forecast(
            frame,
            "month",
            "sales",
            6,
            monthly,
            ["store"],
            on_progress=lambda _f, m: seen.append(m),
            **kwargs,
        )
    finally:
        config.settings.set("FORECAST_PROCESSES", 0)
    assert together.points.equals(alone.points)
    assert together.leaderboard == [
        {
            **row,
            "fit_seconds": together.leaderboard[i]["fit_seconds"],
            "predict_seconds": together.leaderboard[i]["predict_seconds"],
        }
        for i, row in enumerate(alone.leaderboard)
    ]
    assert "AutoTheta, fold 2 of 2 (S3)" in seen  # progress came back from workers


def test_a_global_model_learns_across_series() -> None:
    frame = _promotions(future=6, series=3)
    seen: list[str] = []
    result = forecast(
        frame,
        "month",
        "sales",
        6,
        Frequency(unit="month", step=1),
        ["store"],
        models=[{"key": "lightgbm", "params": {"n_estimators": 30}}],
        folds=1,
        drivers=["promo"],
        on_progress=lambda _f, m: seen.append(m),
    )
    assert result.leaderboard[0]["error"] is None
    assert "LightGBM on lags, fold 1 of 1 (all series at once)" in seen
    assert sorted(result.points["series"].unique()) == ["S0", "S1", "S2"]


def test_a_model_over_its_time_budget_becomes_a_row_and_the_rest_finishes() -> None:
    from services import backtest
    from services.fitting import SeriesData, Setup
    from services.preparation import split_series, to_darts

    frame = _promotions(future=0).drop("store")
    [table] = split_series(frame, "month", "sales", []).values()
    data = SeriesData(to_darts(table, Frequency(unit="month", step=1)))
    outcomes = backtest.backtest_series(
        None,
        data,
        [("naive", None), ("auto_ets", None)],
        Setup(horizon=6, season=12, folds=3),
        lambda _m: None,
        spend=lambda key, _s: key == "auto_ets",
    )
    assert outcomes["naive"].error is None
    assert len(outcomes["naive"].tested.forecasts) == 3  # type: ignore[union-attr]
    assert "time budget" in (outcomes["auto_ets"].error or "")


def test_the_recipe_refits_the_chosen_models_to_the_same_forecast() -> None:
    import json

    from services.final_forecast import refit

    frame = _promotions(future=6, series=2)
    result = forecast(
        frame,
        "month",
        "sales",
        6,
        Frequency(unit="month", step=1),
        ["store"],
        models=[{"key": "linear_regression"}, {"key": "auto_theta"}],
        folds=2,
        drivers=["promo"],
        per_series=True,
    )
    recipe = json.loads(json.dumps(result.recipe))  # it is stored as JSON
    again = refit(frame, recipe)
    assert again.equals(result.points)
    with pytest.raises(InvalidInputError, match="No model was chosen"):
        refit(frame.with_columns(store=pl.col("store") + "-new"), recipe)


@pytest.mark.parametrize("transform", ["differencing", "seasonal differencing"])
def test_differencing_is_undone_from_the_history_onward(transform: str) -> None:
    import numpy as np

    frame = read_table(SAMPLES / "air_passengers.csv", ".csv").frame
    values = frame["passengers"].to_numpy().astype(float)
    lag = 1 if transform == "differencing" else 12
    result = forecast(
        frame,
        "month",
        "passengers",
        12,
        Frequency(unit="month", step=1),
        models=[{"key": "mean"}],
        folds=1,
        transform=transform,
    )
    # the mean model forecasts the average difference; undone, it continues from
    # the last values: y[t+h] = y[t+h-lag] + mean difference
    step = np.mean(values[lag:] - values[:-lag])
    expected = list(values[-lag:])
    for _ in range(12):
        expected.append(expected[-lag] + step)
    got = result.points["forecast"].to_numpy()
    assert got == pytest.approx(np.array(expected[lag:]), rel=1e-9)
    assert "differencing" in result.notes[-1]
    p = result.points
    assert (p["lower_95"] <= p["forecast"]).all() and (
        p["forecast"] <= p["upper_95"]
    ).all()


def test_scaling_keeps_forecasts_in_the_original_units() -> None:
    result = _run(
        SAMPLES / "air_passengers.csv",
        "passengers",
        12,
        models=[{"key": "auto_ets"}],
        transform="scale",
    )
    assert 380 < result.points["forecast"].mean() < 600


def test_a_cancel_ends_the_series_workers_too() -> None:
    import config
    from services.errors import JobCancelledError

    seen: list[str] = []

    def cancel_on_fifth(_fraction: float, message: str) -> None:
        seen.append(message)
        if len(seen) == 5:
            raise JobCancelledError

    config.settings.set("FORECAST_PROCESSES", 2)
    try:
        with pytest.raises(JobCancelledError):
            forecast(
                _promotions(future=0, series=4),
                "month",
                "sales",
                6,
                Frequency(unit="month", step=1),
                ["store"],
                models=[{"key": "auto_arima"}, {"key": "auto_ets"}],
                folds=3,
                on_progress=cancel_on_fifth,
            )
    finally:
        config.settings.set("FORECAST_PROCESSES", 0)
    assert len(seen) == 5  # nothing was reported after the cancel
    import multiprocessing

    assert not [p for p in multiprocessing.active_children() if "Pool" in p.name]


def _intermittent(stores: int = 1) -> pl.DataFrame:
    rows = []
    for store in range(stores):
        for i in range(48):
            demand = 3.0 if (i * 7 + store) % 5 == 0 else 0.0
            rows.append((date(2020 + i // 12, i % 12 + 1, 1), f"S{store}", demand))
    return pl.DataFrame(rows, schema=["month", "store", "units"], orient="row")


def test_data_that_is_never_negative_gets_no_negative_range() -> None:
    result = forecast(
        _intermittent().drop("store"),
        "month",
        "units",
        6,
        Frequency(unit="month", step=1),
        transform="log",
    )
    assert (result.points["lower_95"] >= 0).all()
    assert any("log transform was skipped" in n for n in result.notes)
    assert any("raised to zero" in n for n in result.notes)


def test_a_model_failing_on_one_series_fails_there_only() -> None:
    long = _intermittent(2)
    short = pl.DataFrame(
        {
            "month": [date(2023, m, 1) for m in range(1, 13)],
            "store": ["new"] * 12,
            "units": [float(m % 4) for m in range(12)],
        }
    )
    frame = pl.concat([long, short])
    result = forecast(
        frame,
        "month",
        "units",
        3,
        Frequency(unit="month", step=1),
        ["store"],
        models=[{"key": "naive"}, {"key": "auto_arima"}],
    )
    arima = next(r for r in result.leaderboard if r["model"] == "auto_arima")
    assert arima["mase"] is not None and arima["error"] is None
    assert arima["note"] == (
        "Failed on 1 of 3 series, scored on the others (new: Needs at least 12 "
        "points to fit and 2 more to test it; this series has 12)."
    )
    assert result.points.filter(pl.col("series") == "new").height == 3
    board = result.series_leaderboards["new"]
    assert (
        board[-1]["model"] == "auto_arima" and "Needs at least 12" in board[-1]["error"]
    )
