"""A stored forecast to override, made without running a model (fast and exact).

The airline passengers' last three months (1960-10 to 1960-12: 461, 390, 432 in the
data) are "forecast" as 450, 400, 420 with ranges ±10 (80%) and ±20 (95%), so a test
knows every statistical value and has actuals for every step.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import polars as pl

from tests.conftest import SAMPLES, make_dataset

STEPS = [dt.date(1960, 10, 1), dt.date(1960, 11, 1), dt.date(1960, 12, 1)]
STATISTICAL = [450.0, 400.0, 420.0]
ACTUAL = [461.0, 390.0, 432.0]


def points(labels: list[str | None]) -> pl.DataFrame:
    """The points of every series (each label's values as above, plus its index)."""
    rows = []
    for offset, label in enumerate(labels):
        for time, value in zip(STEPS, STATISTICAL, strict=True):
            v = value + 100 * offset
            rows.append((label, time, v, v - 10, v + 10, v - 20, v + 20))
    return pl.DataFrame(
        rows,
        schema={
            "series": pl.String,
            "time": pl.Date,
            "forecast": pl.Float64,
            "lower_80": pl.Float64,
            "upper_80": pl.Float64,
            "lower_95": pl.Float64,
            "upper_95": pl.Float64,
        },
        orient="row",
    )


def stored_forecast(
    owner: int, folder: Path, labels: list[str | None] | None = None
) -> str:
    """A forecast of the user's airline passengers dataset; returns its id."""
    from services import db, storage

    dataset = make_dataset(owner, SAMPLES / "air_passengers.csv", folder)
    forecast_id = db.new_id()
    points(labels or [None]).write_parquet(storage.forecast_path(owner, forecast_id))
    spec: dict[str, Any] = {
        "time_column": "month",
        "series_columns": [],
        "frequency": None,
    }
    with db.session() as s:
        s.add(
            db.Forecast(
                id=forecast_id,
                user_id=owner,
                dataset_id=dataset.id,
                version_id=dataset.version_id,
                target="passengers",
                horizon=3,
                model="naive",
                model_name="Naive",
                spec=spec,
                metrics={"leaderboard": [{"model": "naive", "name": "Naive"}]},
            )
        )
    return forecast_id
