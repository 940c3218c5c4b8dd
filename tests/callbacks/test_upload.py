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
