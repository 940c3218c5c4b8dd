"""A 5-step cleaning recipe on 1,000,000 rows × 100 series, next to hand-written Polars.

Run with ``make bench`` (or ``.venv/bin/python benchmarks/cleaning.py``). Each contender
runs in its own process so its peak memory (max RSS) is its own; median of three runs.
"""

from __future__ import annotations

import json
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

import polars as pl

from benchmarks.children import run_child

SERIES, DAYS, REPEATS = 100, 10_000, 3
RECIPE = [
    {"op": "deduplicate", "keep": "first"},
    {"op": "regularize", "fill": None},
    {"op": "impute", "column": "sales", "method": "linear", "max_gap": 3},
    {"op": "outliers", "column": "sales", "method": "iqr", "action": "clip"},
    {"op": "impute", "column": "sales", "method": "ffill"},
]


def generate(path: Path) -> None:
    """100 daily series with gaps, missing values, duplicates and spikes (seeded)."""
    import numpy as np

    rng = np.random.default_rng(11)
    days = pl.date_range(
        pl.date(1990, 1, 1),
        pl.date(1990, 1, 1) + pl.duration(days=DAYS - 1),
        "1d",
        eager=True,
    )
    frame = pl.DataFrame(
        {
            "day": pl.concat([days] * SERIES),
            "store": np.repeat([f"S{i:03d}" for i in range(SERIES)], DAYS),
            "sales": rng.gamma(5, 20, SERIES * DAYS),
        }
    )
    frame = frame.with_columns(
        pl.when(pl.Series(rng.random(frame.height) < 0.02))
        .then(None)
        .when(pl.Series(rng.random(frame.height) < 0.001))
        .then(pl.col("sales") * 50)
        .otherwise(pl.col("sales"))
        .alias("sales")
    )
    keep = pl.Series(rng.random(frame.height) > 0.01)  # 1% of the days are absent
    frame = frame.filter(keep)
    frame = pl.concat([frame, frame.sample(2000, seed=1)])  # a few duplicate rows
    frame.write_parquet(path)


def direct(frame: pl.DataFrame) -> pl.DataFrame:
    """The same five steps written straight in Polars."""
    keys = ["store", "day"]
    frame = frame.unique(keys, keep="first", maintain_order=True)
    grid = (
        frame.group_by("store")
        .agg(
            pl.date_ranges(pl.col("day").min(), pl.col("day").max(), "1d").alias("day")
        )
        .explode("day")
    )
    frame = pl.concat(
        [frame, grid.join(frame, on=keys, how="anti")], how="diagonal_relaxed"
    ).sort(keys)
    run = pl.col("sales").is_null().rle_id().over("store")
    gap = pl.len().over("store", run)
    frame = frame.with_columns(
        pl.when(pl.col("sales").is_null() & (gap > 3))
        .then(None)
        .otherwise(pl.col("sales").interpolate().over("store"))
        .alias("sales")
    )
    q1 = pl.col("sales").quantile(0.25).over("store")
    q3 = pl.col("sales").quantile(0.75).over("store")
    low, high = q1 - 1.5 * (q3 - q1), q3 + 1.5 * (q3 - q1)
    frame = frame.with_columns(pl.col("sales").clip(low, high))
    return frame.with_columns(
        pl.col("sales").fill_null(strategy="forward").over("store")
    )


def child(mode: str, path: Path) -> dict[str, float]:
    """Run one contender on the file; return seconds and peak memory."""
    frame = pl.read_parquet(path)
    if mode == "app":
        from services.cleaning import Layout, apply_recipe, parse_recipe
        from services.profiling import Frequency

        steps = parse_recipe(RECIPE)
        layout = Layout("day", ["store"], Frequency(unit="day", step=1))
        start = time.perf_counter()
        out, _ = apply_recipe(frame, steps, layout)
    else:
        start = time.perf_counter()
        out = direct(frame)
    seconds = time.perf_counter() - start
    assert out["sales"].null_count() < frame["sales"].null_count()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "seconds": seconds,
        "peak_mb": peak,
        "rows": out.height,
        "checksum": float(out["sales"].sum()),
    }


def main() -> None:
    """Generate the data, run both contenders, print a Markdown table."""
    with tempfile.TemporaryDirectory(prefix="fs-bench-") as folder:
        path = Path(folder) / "series.parquet"
        generate(path)
        rows = pl.read_parquet(path).height
        results = {}
        for mode in ("direct", "app"):
            runs = []
            for _ in range(REPEATS):
                runs.append(run_child(__file__, mode, str(path)))
            results[mode] = {
                "seconds": statistics.median(r["seconds"] for r in runs),
                "peak_mb": max(r["peak_mb"] for r in runs),
                "rows": runs[0]["rows"],
                "checksum": runs[0]["checksum"],
            }
    base = results["direct"]["seconds"]
    print(
        f"{rows:,} rows, {SERIES} series; recipe: "
        + ", ".join(s["op"] for s in RECIPE)
        + f"; median of {REPEATS} runs\n"
    )
    print("| path | seconds | × direct Polars | peak memory (MB) | rows out |")
    print("|---|---|---|---|---|")
    for mode, name in (
        ("app", "Forecast Studio recipe (`apply_recipe`)"),
        ("direct", "the same steps written in Polars"),
    ):
        r = results[mode]
        print(
            f"| {name} | {r['seconds']:.2f} | {r['seconds'] / base:.2f} | "
            f"{r['peak_mb']:,.0f} | {r['rows']:,} |"
        )
    same = abs(results["app"]["checksum"] - results["direct"]["checksum"]) < 1e-6 * abs(
        results["direct"]["checksum"]
    )
    print(
        f"\nSame result: {'yes' if same else 'NO'}; target ≤ 1.5× direct Polars: "
        f"{'met' if results['app']['seconds'] <= 1.5 * base else 'NOT met'}."
    )


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        print(json.dumps(child(sys.argv[2], Path(sys.argv[3]))))
    else:
        main()
