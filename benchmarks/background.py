"""The cleaning preview as a background callback: what the round trip adds.

A daily table of 100 series × 10,000 days (1,000,000 rows, seeded spikes) is uploaded;
then "Preview unusual values" runs three times through the real endpoint as the
browser does it (start, then poll every 0.1 s until the answer), next to the same
service call made directly. Run with ``make bench`` (or
``PYTHONPATH=. .venv/bin/python benchmarks/background.py``).
"""

from __future__ import annotations

import json
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

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


def _body(key: str, ref: dict[str, str]) -> dict[str, Any]:
    from components import ids

    param = {"name": "column", "type": ids.CLEANING_PARAM}
    return {
        "output": key,
        "outputs": {"id": ids.CLEANING_ALERT, "property": key.split(".", 1)[1]},
        "inputs": [
            {"id": ids.CLEANING_PREVIEW_OUTLIERS, "property": "n_clicks", "value": 1}
        ],
        "state": [
            [{"id": param, "property": "value", "value": "sales"}],
            [{"id": param, "property": "id", "value": param}],
            {"id": ids.CLEANING_OP, "property": "value", "value": "outliers"},
            {"id": ids.DATASET_STORE, "property": "data", "value": ref},
        ],
        "changedPropIds": [f"{ids.CLEANING_PREVIEW_OUTLIERS}.n_clicks"],
    }


def main() -> None:
    """Print the medians as a Markdown table."""
    os.environ["FORECAST_STUDIO_DATA_DIR"] = tempfile.mkdtemp(prefix="fs-bench-bg-")
    import app as app_module
    from components import ids
    from services import datasets, users, versions

    folder = Path(tempfile.mkdtemp())
    _table(folder / "stores.csv")
    account = users.create_user("bench-background", "bench password")
    client = app_module.server.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    assert token
    form = {"username": account.username, "password": "bench password"}
    client.post("/login", data={"csrf_token": token.group(1), **form})
    page = client.get("/cleaning").get_data(as_text=True)
    config = re.search(r'<script id="_dash-config"[^>]*>(.*?)</script>', page, re.S)
    assert config
    end_id = json.loads(config.group(1))["end_id"]
    client.get("/_dash-layout")
    info = datasets.create_dataset(account.id, "stores.csv", folder / "stores.csv")
    ref = {"dataset_id": info.id, "version_id": info.version_id or ""}
    key = next(
        k for k in app_module.app.callback_map if k.startswith(ids.CLEANING_ALERT + ".")
    )
    body = _body(key, ref)
    direct, background = [], []
    for _ in range(REPEATS):
        started = time.monotonic()
        versions.find_outliers(account.id, info.id, "sales", "iqr")
        direct.append(time.monotonic() - started)
        started = time.monotonic()
        query = {"endId": end_id}
        handles = client.post("/_dash-update-component", json=body, query_string=query)
        query.update(handles.get_json())
        query.pop("cancel", None), query.pop("progressDefault", None)
        while True:
            answer = client.post(
                "/_dash-update-component", json=body, query_string=query
            )
            if answer.status_code == 204 or "response" in (answer.get_json() or {}):
                break
            time.sleep(0.1)
        background.append(time.monotonic() - started)
        assert "would be treated" in answer.get_data(as_text=True)
    print(f"{info.profile.rows:,} rows, median of {REPEATS}:\n")
    print("| path | seconds |\n|---|---|")
    alone = statistics.median(direct)
    print(f"| `versions.find_outliers`, called directly | {alone:.2f} |")
    print(
        "| the page's background callback (start, poll every 0.1 s, answer) | "
        f"{statistics.median(background):.2f} |"
    )


if __name__ == "__main__":
    sys.exit(main())
