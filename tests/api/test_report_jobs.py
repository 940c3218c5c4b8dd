"""Reports of forecasts with many series: made by a job with progress."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
import pytest
from pypdf import PdfReader

from services import forecasts, jobs, storage, versions
from services.errors import NotFoundError
from services.job_kinds import JobContext
from services.reports import exports
from tests.api.test_security import sign_in
from tests.conftest import SAMPLES, ApiClient

FAST = [{"key": "naive"}, {"key": "seasonal_naive"}]


@pytest.fixture
def states_forecast(api: ApiClient) -> str:
    """A forecast of the eight Australian states' takings (eight series)."""
    created = api.upload(SAMPLES / "australian_accommodation.csv").get_json()
    accepted = api.post(
        f"/api/v1/datasets/{created['id']}/forecasts",
        json={
            "target": "takings_m_aud",
            "horizon": 4,
            "models": FAST,
            "series_id": ["state"],
        },
    )
    assert accepted.status_code == 202, accepted.get_json()
    job = api.wait_for_job(accepted.get_json()["job_id"])
    assert job["status"] == "succeeded", job
    return str(job["forecast_id"])


@pytest.fixture
def small_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    """Treat every forecast of more than two series as large."""
    monkeypatch.setattr(exports, "inline_limit", lambda: 2)


def _pdf_text(data: bytes) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)


def test_large_reports_are_made_by_jobs(
    api: ApiClient, states_forecast: str, small_limit: None
) -> None:
    export = f"/api/v1/forecasts/{states_forecast}/export"
    refused = api.get(f"{export}?format=pdf")
    assert refused.status_code == 409
    error = refused.get_json()["error"]
    assert error["code"] == "report_too_large"
    assert f"/api/v1/forecasts/{states_forecast}/export/jobs" in error["message"]
    assert api.get(f"{export}?format=csv").status_code == 200  # always direct

    accepted = api.post(f"{export}/jobs", json={"format": "pdf"})
    assert accepted.status_code == 202
    job = api.wait_for_job(accepted.get_json()["job_id"])
    assert job["status"] == "succeeded" and job["progress"] == 1.0, job
    assert job["kind"] == "report" and job["forecast_id"] is None
    assert job["download_url"] == f"/api/v1/jobs/{job['id']}/file"
    answer = api.get(job["download_url"])
    assert answer.status_code == 200 and answer.mimetype == "application/pdf"
    assert answer.headers["Content-Disposition"].endswith(".pdf")
    text = _pdf_text(answer.get_data())
    assert "Forecast of takings_m_aud" in text and "8 series" in text

    book_job = api.wait_for_job(
        api.post(f"{export}/jobs", json={"format": "xlsx"}).get_json()["job_id"]
    )
    book = openpyxl.load_workbook(io.BytesIO(api.get(book_job["download_url"]).data))
    forecast_sheet = book["Forecast"]
    assert forecast_sheet.max_row == 1 + 8 * 4  # eight states, four quarters each


def test_report_jobs_refuse_bad_requests(
    api: ApiClient, api_for: Any, states_forecast: str
) -> None:
    jobs_url = f"/api/v1/forecasts/{states_forecast}/export/jobs"
    for body in ({"format": "csv"}, {"format": "docx"}, {}, {"format": "pdf", "x": 1}):
        answer = api.post(jobs_url, json=body)
        assert answer.status_code == 422, body
        assert answer.get_json()["error"]["code"] == "invalid_request"
    stranger = api_for()
    assert stranger.post(jobs_url, json={"format": "pdf"}).status_code == 404

    job_id = api.post(jobs_url, json={"format": "xlsx"}).get_json()["job_id"]
    early = api.get(f"/api/v1/jobs/{job_id}/file")
    if early.status_code != 200:  # the job may already be done on a fast machine
        assert early.status_code == 409
        assert early.get_json()["error"]["code"] == "report_not_ready"
    api.wait_for_job(job_id)
    assert stranger.get(f"/api/v1/jobs/{job_id}/file").status_code == 404
    forecast_job = api.get("/api/v1/jobs").get_json()["jobs"][-1]
    assert forecast_job["kind"] == "forecast"
    assert api.get(f"/api/v1/jobs/{forecast_job['id']}/file").status_code == 404
    # The Models page lists forecast runs only; the Export page this forecast's files.
    user_id = api.account.id
    assert [j.kind for j in jobs.list_jobs(user_id, kinds=("forecast",))] == [
        "forecast"
    ]
    assert [j.id for j in exports.report_jobs(user_id, states_forecast)] == [job_id]
    assert exports.report_jobs(user_id, "f" * 32) == []


def test_the_page_route_serves_a_report_to_its_owner_only(
    server: Any, api: ApiClient, api_for: Any, states_forecast: str, small_limit: None
) -> None:
    browser = server.test_client()
    sign_in(browser, api.account.username, "correct horse battery")
    assert browser.get(f"/files/forecasts/{states_forecast}.xlsx").status_code == 409
    job = exports.submit_report(api.account.id, states_forecast, "xlsx")
    api.wait_for_job(job.id)
    answer = browser.get(f"/files/reports/{job.id}")
    assert answer.status_code == 200 and answer.get_data()[:2] == b"PK"
    other = server.test_client()
    sign_in(other, api_for().account.username, "correct horse battery")
    assert other.get(f"/files/reports/{job.id}").status_code == 404
    assert other.get("/files/reports/not-a-job").status_code == 404


class _Recorder(JobContext):
    """A job context that keeps what the job reported instead of writing it."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.said: list[tuple[float, str]] = []

    def progress(self, fraction: float, message: str) -> None:
        self.said.append((fraction, message))


def test_the_report_job_reports_each_stage_and_keeps_the_file(
    api: ApiClient, states_forecast: str
) -> None:
    user_id = api.account.id
    context = _Recorder(
        "0" * 32, user_id, {"forecast_id": states_forecast, "format": "pdf"}
    )
    assert exports.run_report_job(context) == "0" * 32
    fractions = [f for f, _ in context.said]
    assert fractions == sorted(fractions) and 0 < fractions[0] and fractions[-1] < 1
    messages = [m for _, m in context.said]
    assert messages == [
        "Gathering the forecast, its history and backtests",
        "Drawing the charts",
        "Laying out the pages",
        "Saving the file",
    ]
    kept = storage.report_path(user_id, "0" * 32, "pdf")
    assert kept.read_bytes().startswith(b"%PDF")
    assert not kept.with_suffix(".partial").exists()


def test_deleting_the_dataset_deletes_its_forecasts_and_reports(
    api: ApiClient, states_forecast: str
) -> None:
    user_id = api.account.id
    job = api.wait_for_job(
        api.post(
            f"/api/v1/forecasts/{states_forecast}/export/jobs", json={"format": "pdf"}
        ).get_json()["job_id"]
    )
    report = storage.report_path(user_id, job["id"], "pdf")
    points = storage.forecast_path(user_id, states_forecast)
    assert report.exists() and points.exists()
    dataset_id = forecasts.get_forecast(user_id, states_forecast).dataset_id
    assert (
        api.client.delete(
            f"/api/v1/datasets/{dataset_id}", headers=api.headers
        ).status_code
        == 204
    )
    assert not report.exists() and not points.exists()
    assert not storage.backtests_path(user_id, states_forecast).exists()
    assert api.get(f"/api/v1/forecasts/{states_forecast}").status_code == 404
    assert api.get(job["download_url"]).status_code == 404


def test_a_report_finished_after_its_dataset_was_deleted_keeps_no_file(
    api: ApiClient, states_forecast: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    user_id = api.account.id
    dataset_id = forecasts.get_forecast(user_id, states_forecast).dataset_id

    def render_while_deleted(*_args: Any, **_kwargs: Any) -> bytes:
        versions.delete_dataset(user_id, dataset_id)  # the owner deletes it meanwhile
        return b"%PDF-1.7 a report"

    monkeypatch.setattr(exports, "render", render_while_deleted)
    asked = {"forecast_id": states_forecast, "format": "pdf"}
    context = _Recorder("1" * 32, user_id, asked)
    with pytest.raises(NotFoundError):
        exports.run_report_job(context)
    assert not storage.report_path(user_id, "1" * 32, "pdf").exists()
