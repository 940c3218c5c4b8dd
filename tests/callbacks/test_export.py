"""Export page callbacks: only the current dataset's forecasts are offered."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.callbacks.test_models import finished_forecast
from tests.conftest import SAMPLES, TEST_DATA, make_dataset


def test_only_the_current_datasets_forecasts_are_listed(
    logged_in: Any, make_account: Any, server: Any, tmp_path: Path
) -> None:
    from callbacks import export as page

    account = make_account()
    first = make_dataset(account.id, SAMPLES / "air_passengers.csv", tmp_path)
    job = finished_forecast(server, account, first)
    second = make_dataset(account.id, TEST_DATA / "weekly_repeating.csv", tmp_path)
    with logged_in(account):
        line, table, options, chosen = page.list_runs(
            "/export", {"dataset_id": first.id, "version_id": first.version_id}
        )
        assert chosen == job.result_ref and [o["value"] for o in options] == [chosen]
        assert "air_passengers.csv" in str(line)
        line, table, options, chosen = page.list_runs(
            "/export", {"dataset_id": second.id, "version_id": second.version_id}
        )
        assert options == [] and chosen is None
        assert "No forecasts of this dataset yet" in str(table)
        assert "weekly_repeating.csv" in str(line)
        downloads, preview, *_figures, shown, _models, make, status = page.show_preview(
            None
        )
        assert downloads is None and preview is None and status is None
        assert shown == make == {"display": "none"}
