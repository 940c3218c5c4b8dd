"""The cleaning preview as a background callback: what the round trip adds.

A daily table of 100 series × 10,000 days (1,000,000 rows, seeded spikes) is uploaded;
then "Preview unusual values" runs three times through the real endpoint as the
browser does it (start, then poll every 0.1 s until the answer), next to the same
service call made directly. Run with ``make bench`` (or
``PYTHONPATH=. .venv/bin/python benchmarks/background.py``).
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from pathlib import Path

SERIES, DAYS, REPEATS = 100, 10_000, 3


def _table(path: Path) -> None:
    import numpy as np
    import polars as pl

    rng = np.random.default_rng(5)
    days = pl.date_range(
        pl.date(1990, 1, 1),
        pl.date(1990, 1, 1) + pl.duration(days=DAYS - 1),
        "1d",
        eager=True,
    )
    values = rng.normal(100, 10, SERIES * DAYS)
    values[rng.choice(values.size, values.size // 1000, replace=False)] *= 5
    pl.DataFrame(
        {
            "store": np.repeat([f"s{i:03d}" for i in range(SERIES)], DAYS),
            "date": pl.concat([days] * SERIES),
            "sales": values.round(2),
        }
    ).write_csv(path)


def main() -> None:
    """Print the medians as a Markdown table."""
    os.environ["FORECAST_STUDIO_DATA_DIR"] = tempfile.mkdtemp(prefix="fs-bench-bg-")
    import app as app_module
    from services import datasets, users, versions
    from tests.auth.helpers import sign_in
    from tests.callbacks import background_requests as renderer

    folder = Path(tempfile.mkdtemp())
    _table(folder / "stores.csv")
    account = users.create_user("bench-background", "bench password")
    client = app_module.server.test_client()
    assert sign_in(client, account.username, "bench password").status_code == 302
    end_id = renderer.end_id(client)
    client.get("/_dash-layout")
    info = datasets.create_dataset(account.id, "stores.csv", folder / "stores.csv")
    ref = {"dataset_id": info.id, "version_id": info.version_id or ""}
    body = renderer.preview_body(app_module.app, ref)
    direct, background = [], []
    for _ in range(REPEATS):
        started = time.monotonic()
        versions.find_outliers(account.id, info.id, "sales", "iqr")
        direct.append(time.monotonic() - started)
        started = time.monotonic()
        handles = renderer.start(client, end_id, body)
        answer = renderer.result(client, end_id, body, handles, every_s=0.1)
        background.append(time.monotonic() - started)
        assert "would be treated" in answer
    print(f"{info.profile.rows:,} rows, median of {REPEATS}:\n")
    print("| path | seconds |\n|---|---|")
    alone = statistics.median(direct)
    print(f"| `versions.find_outliers`, called directly | {alone:.2f} |")
    print(
        "| the page's background callback (start, poll every 0.1 s, answer) | "
        f"{statistics.median(background):.2f} |"
    )


if __name__ == "__main__":
    main()
