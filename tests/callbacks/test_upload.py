"""Upload page callbacks: "Forecast this" starts the automatic forecast."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from dash import no_update
from dash.exceptions import PreventUpdate

from services import jobs
from tests.conftest import SAMPLES, TEST_DATA, make_dataset


def test_forecast_this_starts_the_automatic_forecast_and_goes_to_models(
    logged_in: Any, make_account: Any, dash_app: Any, tmp_path: Path
) -> None:
    from callbacks import models
    from callbacks import upload as page

    owner, other = make_account(), make_account()
    info = make_dataset(owner.id, SAMPLES / "air_passengers.csv", tmp_path)
    ref = {"dataset_id": info.id, "version_id": info.version_id}
    with logged_in(other):  # not theirs: no button, and a click does nothing
        assert page.offer_forecast(ref)[0] == {"display": "none"}
        with pytest.raises(PreventUpdate):
            page.forecast_this(1, ref)
    assert jobs.list_jobs(owner.id) == [] and jobs.list_jobs(other.id) == []
    with logged_in(owner):
        assert page.offer_forecast(ref)[0] == {}
        assert page.forecast_this(1, ref) == ("/models", None)
    (job,) = jobs.list_jobs(owner.id, kinds=("forecast",), dataset_id=info.id)
    try:
        assert job.params["target"] == "passengers" and job.params["horizon"] == 12
        with logged_in(owner):  # Models follows the run on arrival
            assert models.follow_latest_run(ref, None) == {"job_id": job.id}
    finally:
        jobs.cancel(owner.id, job.id)  # spare the shared cores


def test_a_table_with_nothing_to_forecast_says_so(
    logged_in: Any, make_account: Any, dash_app: Any, tmp_path: Path
) -> None:
    from callbacks import upload as page

    owner = make_account()
    info = make_dataset(owner.id, TEST_DATA / "messy" / "no_time_column.csv", tmp_path)
    ref = {"dataset_id": info.id, "version_id": info.version_id}
    with logged_in(owner):
        href, alert = page.forecast_this(1, ref)
    assert href is no_update and "danger" in str(alert) and "dates" in str(alert)
    assert jobs.list_jobs(owner.id) == []


def test_the_rows_preview_writes_numbers_and_dates_for_people(
    logged_in: Any, make_account: Any, dash_app: Any, tmp_path: Path
) -> None:
    from dash._callback_context import context_value
    from dash._utils import AttributeDict

    from callbacks import upload as page

    owner = make_account()
    (tmp_path / "made").mkdir()
    csv = tmp_path / "made" / "big_numbers.csv"
    rows = [f"2024-01-{d:02d} 00:00:00,{1234567.891 + d}" for d in range(1, 11)]
    csv.write_text("when,amount\n" + "\n".join(rows) + "\n")
    info = make_dataset(owner.id, csv, tmp_path)
    ref = {"dataset_id": info.id, "version_id": info.version_id}
    trigger = [{"prop_id": "shell-dataset-store.data", "value": ref}]
    token = context_value.set(AttributeDict(triggered_inputs=trigger))
    try:
        with logged_in(owner):
            data, _columns, _pages, _page, text, tips = page.page_rows(
                ref, "head", 0, 5, None, None
            )
    finally:
        context_value.reset(token)
    assert data[0] == {"when": "2024-01-01", "amount": "1,234,569"}
    assert tips[0]["amount"]["value"] == "1234568.891"
    assert tips[0]["when"]["value"] == "2024-01-01 00:00:00"
    assert "value as read" in text
