"""Accuracy of "automatic" on M3 monthly, M3 quarterly and M1 monthly, with references.

Every pool model's backtests and final forecast are computed once per series and kept
(``benchmarks/pool.py``; missing series are computed first, which takes most of the
time), and the app's "LightGBM across series" once per fold over all of a set's
series (``benchmarks/global_model.py``, a few seconds). "Automatic" is then the app's
own choice (its services code) on those runs, the global member included;
the references are each single model and the plain mean and median of ETS, Theta, CES
and ARIMA. Each is scored on the official test part: MASE (seasonal, scaled by the
training part), sMAPE, and the share of test actuals inside the 80% and 95% ranges;
means over series.

Run with ``make bench`` (or ``PYTHONPATH=. .venv/bin/python benchmarks/accuracy.py
[--sets m3_monthly …] [--limit N]``); ``--limit`` takes the first N series of each
set's fixed random order. Only M1 and M3 are read.
"""

from __future__ import annotations

import argparse
import logging
import subprocess
import sys
import time
import warnings
from typing import Any

import numpy as np

from benchmarks import global_model, replay
from benchmarks.global_model import KEY as GLOBAL
from benchmarks.pool import SETS, load


def cost() -> float:
    """CPU seconds of the default comparison on one 200-point monthly series."""
    from benchmarks.models import series_table
    from services.forecasting import forecast
    from services.profiling import Frequency

    warnings.simplefilter("ignore")
    logging.disable(logging.WARNING)
    monthly = Frequency(unit="month", step=1)
    table = series_table(1)
    forecast(table, "month", "sales", 12, monthly)  # warm-up: compiles numba code
    started = time.process_time()
    forecast(table, "month", "sales", 12, monthly)
    return time.process_time() - started


def references() -> dict[str, replay.Rule]:
    """Each single model and the plain mean and median of the four (own ranges)."""
    out: dict[str, replay.Rule] = {
        key: replay.single(key)
        for key in ["seasonal_naive", "drift", *replay.STATS, "dynamic_theta"]
    }
    out["mean of ETS, Theta, CES, ARIMA"] = replay.combine(replay.STATS, "mean")
    out["median of ETS, Theta, CES, ARIMA"] = replay.combine(replay.STATS, "median")
    return out


def report(name: str, limit: int | None) -> None:
    """Score automatic and the references on one set; print a Markdown table."""
    started = time.perf_counter()
    kept = load(name)
    with_global = replay.add_global(name, kept)
    if limit:
        order = [sid for sid, _train, _test in _order(name)][:limit]
        kept = {sid: kept[sid] for sid in order if sid in kept}
    season = SETS[name].period
    rows: dict[str, list[dict[str, float]]] = {}
    cpu = []
    for runs in kept.values():
        members = replay.members_of(runs, season)
        auto = replay.automatic()(runs, season)
        rows.setdefault("automatic", []).append(replay.score(runs, auto, season))
        for rname, rule in references().items():
            result = rule(members)
            if result is not None:
                rows.setdefault(rname, []).append(replay.score(runs, result, season))
        # What the app runs for this series: with the global member, the candidates
        # for many series (its own fits are counted below, per series).
        run = replay.AUTOMATIC_MANY if GLOBAL in runs["models"] else replay.AUTOMATIC
        cpu.append(
            sum(
                e.get("backtest_cpu", 0.0) + e.get("final_cpu", 0.0)
                for k, e in runs["models"].items()
                if k in run
            )
        )
    found = global_model.load_global(name)
    share = 0.0
    if found is not None:
        fits = sum(f["cpu"] for f in found["fits"])
        share = fits / max(1, len(found["series"]))
        print(
            f"\nThe global member forecast {with_global} of the {len(kept)} series "
            f"(its fits: {fits:.0f} s of CPU for the set, {share:.3f} s per series)."
        )
    seconds = time.perf_counter() - started
    print(f"\n{name}: {len(kept)} series; scoring took {seconds:.0f} s; the default")
    print(
        f"comparison's models cost {np.mean(cpu) + share:.2f} s of CPU per series on "
        "average"
    )
    print("\n| model | MASE | sMAPE % | 80% range | 95% range | series failed |")
    print("|---|---|---|---|---|---|")
    for rname, scored in rows.items():
        mean = {k: float(np.mean([s[k] for s in scored])) for k in scored[0]}
        print(
            f"| {rname} | {mean['mase']:.3f} | {mean['smape']:.2f} | "
            f"{mean['cover80']:.1%} | {mean['cover95']:.1%} | "
            f"{len(kept) - len(scored)} |"
        )
    mase = {k: float(np.mean([s["mase"] for s in v])) for k, v in rows.items()}
    best = min((k for k in mase if k != "automatic"), key=mase.__getitem__)
    change = mase["automatic"] / mase[best] - 1
    print(
        f"\nAutomatic's MASE {mase['automatic']:.4f} is {abs(change):.2%} "
        f"{'lower' if change < 0 else 'higher'} than the best reference's ({best}, "
        f"{mase[best]:.4f}); the target is 2% lower."
    )


def _order(name: str) -> list[tuple[str, Any, Any]]:
    from benchmarks.pool import series_of

    return series_of(name)


def main() -> None:
    """Compute what is missing, then report each set."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--sets", nargs="+", default=list(SETS), choices=list(SETS))
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--no-compute", action="store_true")
    args = parser.parse_args()
    for name in args.sets:
        if not args.no_compute:
            more = ["--limit", str(args.limit)] if args.limit else []
            for script in ("pool", "global_model"):
                subprocess.run(
                    [sys.executable, f"benchmarks/{script}.py", name, *more],
                    check=True,
                )
        report(name, args.limit)
    print(f"\nCost: {cost():.2f} s of one core for one 200-point monthly series.")


if __name__ == "__main__":
    main()
