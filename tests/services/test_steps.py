"""Which workflow steps are done for a dataset, from what the database holds."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from services import jobs, steps, stored_analyses, versions
from services.errors import NotFoundError
from services.reports import exports
from tests.conftest import SAMPLES, TEST_DATA, ApiClient, make_dataset

FAST = [{"key": "naive"}, {"key": "seasonal_naive"}]


def _wait(api: ApiClient, job_id: str) -> None:
    job = api.wait_for_job(job_id, timeout=300)
    assert job["status"] == "succeeded", job


def test_a_new_dataset_is_only_uploaded_and_a_sheet_read_is_no_cleaning(
    make_account: Any, tmp_path: Path
) -> None:
    owner = make_account().id
    info = make_dataset(owner, TEST_DATA / "messy" / "gaps.csv", tmp_path)
    assert steps.done_steps(owner, info.id) == {"upload"}
    assert not steps._is_cleaning([{"op": "read", "sheet": "Data"}])
    assert steps._is_cleaning([{"op": "read"}, {"op": "impute"}])


def test_each_step_is_marked_done_by_what_it_leaves(
    api: ApiClient, dash_app: Any, tmp_path: Path
) -> None:
    owner = api.account.id
    created = api.upload(SAMPLES / "air_passengers.csv").get_json()
    dataset_id = created["id"]
    assert steps.done_steps(owner, dataset_id) == {"upload"}

    api.client.patch(
        f"/api/v1/datasets/{dataset_id}/columns",
        headers=api.headers,
        json={"target": "passengers"},
    )
    assert steps.done_steps(owner, dataset_id) == {"upload", "columns"}

    versions.create_version(owner, dataset_id, None, [{"op": "deduplicate"}])
    assert "cleaning" in steps.done_steps(owner, dataset_id)

    params = stored_analyses.analysis_params(owner, dataset_id)
    job = jobs.submit(owner, "analysis", params)
    _wait(api, job.id)
    assert "explore" in steps.done_steps(owner, dataset_id)

    accepted = api.post(
        f"/api/v1/datasets/{dataset_id}/forecasts",
        json={"target": "passengers", "horizon": 12, "models": FAST},
    )
    _wait(api, accepted.get_json()["job_id"])
    done = steps.done_steps(owner, dataset_id)
    assert "models" in done and "export" not in done

    (forecast,) = [j for j in jobs.list_jobs(owner, kinds=("forecast",))]
    report = exports.submit_report(owner, str(forecast.result_ref), "xlsx")
    _wait(api, report.id)
    assert steps.done_steps(owner, dataset_id) == set(steps.STEPS)


def test_another_users_dataset_is_not_found(make_account: Any, tmp_path: Path) -> None:
    owner, other = make_account().id, make_account().id
    info = make_dataset(owner, TEST_DATA / "messy" / "gaps.csv", tmp_path)
    with pytest.raises(NotFoundError):
        steps.done_steps(other, info.id)
