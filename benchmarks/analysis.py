"""Explore on a 100,000-point hourly series: the page's first answer and the full job.

Run with ``make bench`` (or ``.venv/bin/python benchmarks/analysis.py``). The first
answer is what the Explore page computes when it opens (a recent window); the full
analysis is what the "Analyse the whole series" job computes.
"""

from __future__ import annotations

import datetime as dt
import time

import numpy as np
import polars as pl

from services.analysis import WINDOW, analyse
from services.features import build_features, correlations
from services.profiling import Frequency
from services.series_input import series_values

POINTS = 100_000
HOURLY = Frequency(unit="hour", step=1)


def generate() -> pl.DataFrame:
    """Hourly load with daily and weekly patterns, a slow trend and noise (seeded)."""
    rng = np.random.default_rng(3)
    hours = np.arange(POINTS)
    load = (
        500
        + 0.002 * hours
        + 80 * np.sin(2 * np.pi * hours / 24)
        + 40 * np.sin(2 * np.pi * hours / 168)
        + rng.normal(0, 15, POINTS)
    )
    start = dt.datetime(2014, 1, 1)
    return pl.DataFrame(
        {"time": [start + dt.timedelta(hours=int(h)) for h in hours], "load": load}
    )


def first_answer(frame: pl.DataFrame) -> float:
    """Everything the page computes on opening: analysis, plots' data, features."""
    start = time.perf_counter()
    analyse(frame, "time", "load", HOURLY)
    data = series_values(frame, "time", "load", [], None)
    correlations(build_features(data, HOURLY))
    return time.perf_counter() - start


def main() -> None:
    """Time the first answer (median of 3) and the full analysis once."""
    frame = generate()
    firsts = sorted(first_answer(frame) for _ in range(3))
    start = time.perf_counter()
    full = analyse(frame, "time", "load", HOURLY, window=None)
    seconds = time.perf_counter() - start
    print(f"{POINTS:,} hourly points; the page analyses the most recent {WINDOW:,}\n")
    print("| what | seconds |")
    print("|---|---|")
    print(f"| the page's first complete answer (median of 3) | {firsts[1]:.2f} |")
    print(f"| the full analysis (the job's work) | {seconds:.1f} |")
    print(
        f"\nSeasons found on the whole series: {full.season_lengths}; target < 5 s "
        f"for the first answer: {'met' if firsts[1] < 5 else 'NOT met'}."
    )


if __name__ == "__main__":
    main()
