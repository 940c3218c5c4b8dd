"""Deep learning (N-BEATS, TSMixer, TiDE) and Chronos-2 on the catalog's real paths."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import polars as pl
import pytest
from darts import TimeSeries

from services.errors import InvalidInputError
from services.forecasting import forecast
from services.models import AUTOMATIC, CATALOG
from services.models.base import Context
from services.profiling import Frequency
from tests.chronos_tiny import build_tiny_chronos2
from tests.conftest import SAMPLES, ApiClient

MONTHLY = Frequency(unit="month", step=1)
AIR = pl.read_csv(SAMPLES / "air_passengers.csv", try_parse_dates=True)
# Test-sized networks: a few epochs of a few neurons.
TINY: dict[str, dict[str, Any]] = {
    "nbeats": {"epochs": 3, "stacks": 2, "width": 16},
    "tsmixer": {"epochs": 3, "hidden_size": 16, "ff_size": 16},
    "tide": {"epochs": 3, "hidden_size": 16},
}
ENV = "FORECAST_STUDIO_CHRONOS_MODEL_DIR"


def _ordered(values: np.ndarray) -> bool:
    return bool((np.diff(values, axis=1) >= 0).all())


def _monthly(values: np.ndarray, name: str = "value") -> TimeSeries:
    return TimeSeries.from_times_and_values(
        pd.date_range("2000-01-01", periods=len(values), freq="MS"),
        values.astype(float),
        freq="MS",
        columns=[name],
    )


def _three_series_with_drivers(
    horizon: int,
) -> tuple[list[TimeSeries], list[TimeSeries], list[TimeSeries]]:
    """Seasonal series of different levels and lengths, a past and a future driver."""
    rng = np.random.default_rng(3)
    series, past, future = [], [], []
    for k, length in enumerate((60, 72, 84)):
        t = np.arange(length + horizon)
        price = 10 + rng.normal(0, 1, len(t))
        values = 100 * (k + 1) + 20 * np.sin(2 * np.pi * t / 12) - 3 * price
        series.append(_monthly(values[:length] + rng.normal(0, 2, len(t))[:length]))
        past.append(_monthly(rng.normal(0, 1, length), "promotion"))
        future.append(_monthly(price, "price"))
    return series, past, future


@pytest.mark.parametrize(
    ("key", "params"),
    [(key, params) for key, params in TINY.items()]
    + [("nbeats", {**TINY["nbeats"], "interpretable": True})],
)
def test_deep_model_forecasts_a_short_series_in_the_comparison(
    key: str, params: dict[str, Any]
) -> None:
    result = forecast(
        AIR,
        "month",
        "passengers",
        6,
        MONTHLY,
        models=[{"key": key, "params": params}],
        folds=1,
    )
    [row] = result.leaderboard
    assert row["model"] == key and row["error"] is None, row
    assert row["mase"] is not None and row["coverage"] is not None
    assert row["fit_seconds"] < 30  # a few seconds here; the bound catches runaways
    p = result.points
    assert p.height == 6 and p["forecast"].dtype == pl.Float64
    table = p.select("lower_95", "lower_80", "forecast", "upper_80", "upper_95")
    assert _ordered(table.to_numpy())
    # a network trained on the airline data forecasts its scale, not noise around 0
    assert 200 < p["forecast"].mean() < 800  # type: ignore[operator]


@pytest.mark.parametrize("key", sorted(TINY))
def test_deep_model_fits_globally_with_drivers_quietly(
    key: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    horizon = 6
    series, past, future = _three_series_with_drivers(horizon)
    said: list[str] = []
    spec = CATALOG[key]
    assert spec.family == "deep learning" and spec.multi_series and spec.covariates
    context = Context(
        12,
        length=60,
        past_covariates=True,
        future_covariates=True,
        series_count=3,
        horizon=horizon,
        say=said.append,
    )
    model = spec.model(TINY[key], context)
    model.fit(series, past_covariates=past, future_covariates=future)
    predicted = model.predict(
        horizon,
        series=series,
        past_covariates=past,
        future_covariates=future,
        predict_likelihood_parameters=True,
    )
    assert len(predicted) == 3
    for ts, forecast_ts in zip(series, predicted, strict=True):
        values = forecast_ts.values()
        assert values.shape == (horizon, 5) and _ordered(values)
        assert forecast_ts.start_time() == ts.end_time() + ts.freq
    name = spec.name
    assert said[0] == f"{name}, epoch 1 of 3" and len(said) <= 3
    # Lightning and Darts leave nothing in the working directory
    assert os.listdir(tmp_path) == []


def test_a_series_too_short_to_train_on_is_still_forecast() -> None:
    series, past, future = _three_series_with_drivers(6)
    series[0] = series[0][-20:]  # 20 points: less than one window of 24 + 6
    past[0] = past[0][-20:]
    context = Context(
        12,
        length=20,
        past_covariates=True,
        future_covariates=True,
        series_count=3,
        horizon=6,
    )
    for key in ("nbeats", "tsmixer"):
        model = CATALOG[key].model(TINY[key], context)
        model.fit(series, past_covariates=past, future_covariates=future)
        predicted = model.predict(
            6,
            series=series,
            past_covariates=past,
            future_covariates=future,
            predict_likelihood_parameters=True,
        )
        assert [p.values().shape for p in predicted] == [(6, 5)] * 3
        assert predicted[0].start_time() == series[0].end_time() + series[0].freq


def test_one_series_without_drivers_and_the_same_seed_gives_the_same_forecast() -> None:
    ts = _monthly(AIR["passengers"].to_numpy())
    forecasts = []
    for _ in range(2):
        model = CATALOG["tide"].model(TINY["tide"], Context(12, length=144, horizon=12))
        model.fit(ts)
        forecasts.append(model.predict(12, predict_likelihood_parameters=True))
    assert forecasts[0].values().shape == (12, 5)
    assert np.array_equal(forecasts[0].values(), forecasts[1].values())


def test_training_stops_early_and_within_its_time_budget() -> None:
    ts = _monthly(AIR["passengers"].to_numpy())
    context = Context(12, length=144, horizon=12)
    patient = CATALOG["nbeats"].model(
        {"epochs": 300, "patience": 1, "stacks": 1, "width": 8}, context
    )
    patient.fit(ts)
    # the validation error stops improving long before 300 epochs
    assert 1 <= patient.epochs_run < 300
    hurried = CATALOG["tsmixer"].model(
        {"epochs": 1000, "time_budget_s": 1, "patience": 100}, context
    )
    started = time.perf_counter()
    hurried.fit(ts)
    assert time.perf_counter() - started < 10  # 1000 epochs would take minutes
    assert hurried.epochs_run < 1000


def test_deep_models_are_opt_in_and_their_parameters_are_checked() -> None:
    assert not set(TINY) & set(AUTOMATIC)
    with pytest.raises(InvalidInputError):
        forecast(
            AIR,
            "month",
            "passengers",
            6,
            MONTHLY,
            models=[{"key": "tide", "params": {"epochs": 0}}],
        )


def test_tiny_chronos2_loads_from_a_folder_and_forecasts_one_and_many(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = build_tiny_chronos2(tmp_path / "chronos-2")
    monkeypatch.setenv(ENV, str(folder))
    spec = CATALOG["chronos2"]
    assert spec.available and spec.unavailable_reason == ""
    assert spec.family == "foundation" and spec.native_intervals

    one = _monthly(AIR["passengers"].to_numpy())
    model = spec.model(None, Context(12, length=144, horizon=12))
    model.fit(one)
    single = model.predict(12, predict_likelihood_parameters=True)
    assert single.values().shape == (12, 5) and _ordered(single.values())
    assert single.start_time() == one.end_time() + one.freq

    series, past, future = _three_series_with_drivers(6)
    model = spec.model({"batch_size": 2}, Context(12, length=60, series_count=3))
    model.fit(series, past_covariates=past, future_covariates=future)
    # 70 steps: longer than the tiny model's 64, so the pipeline rolls forward
    batch = model.predict(
        70,
        series=series,
        past_covariates=past,
        future_covariates=[f.append_values(np.full((64, 1), 10.0)) for f in future],
        predict_likelihood_parameters=True,
    )
    assert [b.values().shape for b in batch] == [(70, 5)] * 3
    assert all(_ordered(b.values()) and np.isfinite(b.values()).all() for b in batch)
    median_only = model.predict(6)
    assert [m.values().shape for m in median_only] == [(6, 1)] * 3


def test_chronos2_runs_through_the_comparison_on_several_series(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENV, str(build_tiny_chronos2(tmp_path / "weights")))
    both = pl.concat(
        [AIR.with_columns(pl.lit(name).alias("line")) for name in ("a", "b")]
    ).with_columns(
        pl.when(pl.col("line") == "b")
        .then(pl.col("passengers") * 3)
        .otherwise(pl.col("passengers"))
        .alias("passengers")
    )
    result = forecast(
        both,
        "month",
        "passengers",
        6,
        MONTHLY,
        series_columns=["line"],
        models=[{"key": "chronos2"}],
        folds=2,
    )
    [row] = result.leaderboard
    assert row["model"] == "chronos2" and row["error"] is None, row
    assert result.points.height == 12
    assert set(result.points["series"]) == {"a", "b"}


def test_without_weights_chronos2_is_listed_but_disabled(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, api: ApiClient
) -> None:
    spec = CATALOG["chronos2"]
    # a folder that is not there, then one without the weight files
    for setting in (str(tmp_path / "absent"), str(tmp_path)):
        monkeypatch.setenv(ENV, setting)
        assert not spec.available
        # the operator's sentence (Settings → System) and the one anyone may read
        assert "CHRONOS_MODEL_DIR" in spec.setup_instructions
        assert "config.json and model.safetensors" in spec.setup_instructions
        assert spec.unavailable_reason == (
            "Chronos-2 is not set up on this server; ask your administrator."
        )
        with pytest.raises(InvalidInputError) as refused:
            forecast(
                AIR, "month", "passengers", 6, MONTHLY, models=[{"key": "chronos2"}]
            )
        assert refused.value.code == "model_unavailable"

    listed = {m["key"]: m for m in api.get("/api/v1/models").get_json()}
    assert listed["chronos2"]["available"] is False
    assert "ask your administrator" in listed["chronos2"]["unavailable_reason"]
    assert "CHRONOS_MODEL_DIR" not in str(listed["chronos2"])
    dataset = api.upload(SAMPLES / "air_passengers.csv").get_json()
    answer = api.post(
        f"/api/v1/datasets/{dataset['id']}/forecasts",
        json={"target": "passengers", "horizon": 6, "models": [{"key": "chronos2"}]},
    )
    assert answer.status_code == 422
    error = answer.get_json()["error"]
    assert error["code"] == "model_unavailable"
    assert error["message"] == spec.unavailable_reason
    monkeypatch.delenv(ENV)
    assert spec.available  # the testing environment's tiny model is back


def test_deep_models_and_chronos2_in_a_forecast_job_and_mlflow(api: ApiClient) -> None:
    from mlflow.tracking import MlflowClient

    from services.tracking import tracking_uri

    dataset = api.upload(SAMPLES / "air_passengers.csv").get_json()
    models = [{"key": k, "params": p} for k, p in TINY.items()]
    models.append({"key": "chronos2"})  # the testing environment's tiny weights
    accepted = api.post(
        f"/api/v1/datasets/{dataset['id']}/forecasts",
        json={"target": "passengers", "horizon": 6, "folds": 1, "models": models},
    )
    assert accepted.status_code == 202, accepted.get_json()
    job = api.wait_for_job(accepted.get_json()["job_id"])
    assert job["status"] == "succeeded", job
    result = api.get(f"/api/v1/forecasts/{job['forecast_id']}").get_json()
    board = {row["model"]: row for row in result["leaderboard"]}
    assert set(board) == {"nbeats", "tsmixer", "tide", "chronos2"}
    assert all(row["error"] is None and row["mase"] for row in board.values()), board

    client = MlflowClient(tracking_uri())
    parent = client.get_run(result["mlflow_run_id"])
    children = client.search_runs(
        [parent.info.experiment_id],
        filter_string=f"tags.mlflow.parentRunId = '{parent.info.run_id}'",
    )
    tracked = {c.data.tags["model"]: c.data.metrics for c in children}
    assert set(tracked) == set(board)
    assert all("mase" in metrics for metrics in tracked.values())
