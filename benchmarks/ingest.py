"""Upload-parse-profile-store of a 1M-row CSV, next to bare Polars and pandas reads.

Run with ``make bench`` (or ``.venv/bin/python benchmarks/ingest.py``). Each contender
runs in its own process so its peak memory (max RSS) is its own. Besides wall time,
each run reports the CPU seconds of its process (all threads), which another load on
the machine disturbs less; the load average before and after is printed too.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.children import run_child

ROOT = Path(__file__).resolve().parent.parent
ROWS = 1_000_000
STORES = 50
REPEATS = 3  # each contender runs this many times; the median is reported


def generate(path: Path) -> None:
    """A long table: 50 stores × 20,000 hours, ten columns, seeded."""
    import numpy as np
    import polars as pl

    rng = np.random.default_rng(7)
    hours = ROWS // STORES
    base = pl.datetime_range(
        pl.datetime(2020, 1, 1),
        pl.datetime(2020, 1, 1) + pl.duration(hours=hours - 1),
        "1h",
        eager=True,
    )
    frame = pl.DataFrame(
        {
            "time": pl.concat([base] * STORES),
            "store": np.repeat([f"S{i:03d}" for i in range(STORES)], hours),
            "sales": rng.gamma(4, 250, ROWS).round(2),
            "units": rng.poisson(40, ROWS),
            "price": rng.uniform(1, 20, ROWS).round(2),
            "promo": rng.random(ROWS) < 0.1,
            "temperature": rng.normal(15, 8, ROWS).round(1),
            "visits": rng.poisson(300, ROWS),
            "region": np.repeat(
                ["north", "south", "east", "west", "centre"], ROWS // 5
            ),
            "note": np.where(rng.random(ROWS) < 0.01, "restock", ""),
        }
    )
    frame.write_csv(path)


def child(mode: str, path: Path) -> dict[str, float]:
    """Run one contender; return its seconds, CPU seconds and peak memory."""
    if mode == "app":
        from services import db, users
        from services.datasets import create_dataset
        from services.parse_process import parse_upload

        db.migrate()
        account = users.create_user("bench", "bench password")
        # Uploads are read in a child process from a fork server; a running app's
        # is warm, so start this one with a small upload, untimed.
        warm = path.with_name("warm.csv")
        shutil.copy(ROOT / "samples" / "air_passengers.csv", warm)
        create_dataset(account.id, "warm.csv", warm)
        upload = path.with_name("upload.csv")
        shutil.copy(path, upload)
        start, cpu = time.perf_counter(), time.process_time()
        info = create_dataset(account.id, "bench.csv", upload)
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
        assert info.profile.rows == ROWS and info.profile.time_column == "time"
        # The file was read in a child process: its CPU and memory, from a second read.
        child = parse_upload(path, ".csv", None, path.with_name("again.parquet"))
        cpu += child.cpu_seconds
        return {"seconds": seconds, "cpu": cpu, "peak_mb": child.peak_mb}
    elif mode == "polars":
        import polars as pl

        start, cpu = time.perf_counter(), time.process_time()
        frame = pl.read_csv(path, try_parse_dates=True)
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
        assert frame.height == ROWS
    else:
        import pandas as pd

        start, cpu = time.perf_counter(), time.process_time()
        frame = pd.read_csv(path, parse_dates=["time"])
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
        assert len(frame) == ROWS
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"seconds": seconds, "cpu": cpu, "peak_mb": peak}


def main() -> None:
    """Generate the file, run the three contenders, print a Markdown table."""
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="fs-bench-") as folder:
        path = Path(folder) / "bench.csv"
        generate(path)
        size_mb = path.stat().st_size / 1e6
        results = {}
        for mode in ("polars", "pandas", "app"):
            runs = []
            for repeat in range(REPEATS):
                data = Path(folder) / f"data-{mode}-{repeat}"
                runs.append(run_child(__file__, mode, str(path), data_dir=data))
            results[mode] = {
                "seconds": statistics.median(r["seconds"] for r in runs),
                "cpu": statistics.median(r["cpu"] for r in runs),
                "runs": [r["seconds"] for r in runs],
                "peak_mb": max(r["peak_mb"] for r in runs),
            }
    bare = results["polars"]["seconds"]
    print(
        f"CSV: {ROWS:,} rows × 10 columns, {size_mb:.0f} MB; {os.cpu_count()} cores; "
        f"median of {REPEATS} runs each; load average {load_before:.2f} before, "
        f"{os.getloadavg()[0]:.2f} after\n"
    )
    print("| path | seconds | × bare Polars | CPU seconds | runs | peak memory (MB) |")
    print("|---|---|---|---|---|---|")
    names = {
        "app": "Forecast Studio: read, type, profile, store (Parquet + hash)",
        "polars": "bare `polars.read_csv(try_parse_dates=True)`",
        "pandas": "bare `pandas.read_csv(parse_dates=['time'])`",
    }
    for mode in ("app", "polars", "pandas"):
        r = results[mode]
        runs = ", ".join(f"{s:.2f}" for s in r["runs"])
        print(
            f"| {names[mode]} | {r['seconds']:.2f} | {r['seconds'] / bare:.1f} | "
            f"{r['cpu']:.2f} | {runs} | {r['peak_mb']:,.0f} |"
        )
    app, pandas = results["app"]["seconds"], results["pandas"]["seconds"]
    print(
        f"\nTarget ≤ 3× bare Polars: {'met' if app <= 3 * bare else 'NOT met'}; "
        f"faster than pandas: {'yes' if app < pandas else 'NO'}."
    )


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        print(json.dumps(child(sys.argv[2], Path(sys.argv[3]))))
    else:
        main()
