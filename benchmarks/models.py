"""Wall time of the default automatic comparison (3 folds, h = 12) on 200-point monthly
series: one series, 100 series and 1,000 series in one long table.

Run with ``make bench`` (or ``PYTHONPATH=. .venv/bin/python benchmarks/models.py
[--sizes 1 100 1000]``). Targets on this machine after warm-up: under 10 s, under
3 minutes, under 20 minutes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import time
import warnings

import numpy as np
import polars as pl

from services.forecasting import forecast
from services.profiling import Frequency

TARGETS = {1: 10, 100: 180, 1000: 1200}


def series_table(count: int, length: int = 200) -> pl.DataFrame:
    """``count`` seasonal monthly series with trends and noise (seeded), long format."""
    rng = np.random.default_rng(count)
    months = [dt.date(2000 + i // 12, i % 12 + 1, 1) for i in range(length)]
    rows = []
    for k in range(count):
        level, slope = rng.uniform(50, 500), rng.normal(0.5, 0.3)
        season = rng.uniform(5, 40) * np.sin(2 * np.pi * np.arange(length) / 12)
        noise = rng.normal(0, 5 + level * 0.03, length)
        values = level + slope * np.arange(length) + season + noise
        rows.append(
            pl.DataFrame(
                {
                    "month": months,
                    "item": f"item-{k:04d}",
                    "sales": np.maximum(values, 1.0),
                }
            )
        )
    return pl.concat(rows)


def main() -> None:
    """Time each size once after a warm-up run, print a Markdown table."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 100, 1000])
    sizes = parser.parse_args().sizes
    warnings.simplefilter("ignore")
    logging.disable(logging.WARNING)
    monthly = Frequency(unit="month", step=1)
    warm = series_table(1)
    forecast(warm, "month", "sales", 12, monthly, [], folds=3)  # compiles numba code
    print("| series | seconds | target | met |")
    print("|---|---|---|---|")
    for count in sizes:
        table = series_table(count)
        keys = ["item"] if count > 1 else []
        started = time.perf_counter()
        forecast(table, "month", "sales", 12, monthly, keys, folds=3)
        seconds = time.perf_counter() - started
        target = TARGETS.get(count)
        met = "" if target is None else ("yes" if seconds <= target else "no")
        print(f"| {count:,} | {seconds:,.1f} | {target or '—'} | {met} |")


if __name__ == "__main__":
    main()
