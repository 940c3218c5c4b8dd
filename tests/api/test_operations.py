"""Operating the app: /health, /ready, /metrics and its readers, request ids."""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import Any

import pytest
from prometheus_client.parser import text_string_to_metric_families

import config
from services import db, jobs
from services.telemetry import logs
from tests.auth.helpers import sign_in
from tests.conftest import SAMPLES, ApiClient, make_dataset


@pytest.fixture
def metrics_token() -> Any:
    """A METRICS_TOKEN for this test."""
    token, before = uuid.uuid4().hex, config.settings.get("METRICS_TOKEN", "")
    config.settings.set("METRICS_TOKEN", token)
    yield token
    config.settings.set("METRICS_TOKEN", before)


def _make_admin(account: Any, admin: bool = True) -> None:
    # The first account of a database is an administrator: say which each one is.
    with db.session() as s:
        s.get_one(db.User, account.id).is_admin = admin


def samples(client: Any, token: str) -> dict[tuple[str, frozenset[Any]], float]:
    """The scrape's samples: (name, labels) → value."""
    response = client.get("/metrics", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/plain")
    text = response.get_data(as_text=True)
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def test_health_and_ready_need_no_sign_in(client: Any) -> None:
    assert client.get("/health").get_json() == {"status": "ok"}
    assert client.get("/ready").get_json() == {"status": "ready"}


def test_ready_says_why_not_when_redis_is_unreachable(client: Any) -> None:
    before = config.settings.get("REDIS_URL", "")
    config.settings.set("REDIS_URL", "redis://127.0.0.1:1/0")  # nothing listens there
    try:
        response = client.get("/ready")
    finally:
        config.settings.set("REDIS_URL", before)
    assert response.status_code == 503
    assert response.get_json() == {
        "status": "unavailable",
        "reason": "Redis (REDIS_URL) is not reachable.",
    }


def test_metrics_refuse_everyone_but_admins_and_the_metrics_token(
    client: Any, api_for: Any, make_account: Any, metrics_token: str
) -> None:
    user, admin = api_for(), api_for()
    _make_admin(user.account, admin=False)
    _make_admin(admin.account)
    browser = client
    account = make_account("metrics password")
    _make_admin(account)  # even an administrator's browser session is not a token
    assert sign_in(browser, account.username, "metrics password").status_code == 302
    refused = {
        "anonymous": client.get("/metrics"),
        "signed-in browser": browser.get("/metrics"),
        "user's API token": user.get("/metrics"),
        "wrong token": client.get(
            "/metrics", headers={"Authorization": "Bearer not-the-token"}
        ),
        "token in another scheme": client.get(
            "/metrics", headers={"Authorization": f"Basic {metrics_token}"}
        ),
    }
    for who, response in refused.items():
        assert response.status_code == 401, who
        assert response.get_json()["error"]["code"] == "unauthorized", who
        assert "Prometheus" not in response.get_data(as_text=True), who
    assert admin.get("/metrics").status_code == 200
    assert samples(client, metrics_token)


def at(
    found: dict[tuple[str, frozenset[Any]], float], name: str, **labels: str
) -> float:
    """One sample's value."""
    return found[(name, frozenset(labels.items()))]


def test_metrics_count_requests_by_route_template(
    api: ApiClient, metrics_token: str
) -> None:
    missing = uuid.uuid4().hex
    assert api.get(f"/api/v1/datasets/{missing}").status_code == 404
    found = samples(api.client, metrics_token)
    route = "/api/v1/datasets/<dataset_id>"
    requests = "forecast_studio_http_requests_total"
    assert at(found, requests, route=route, method="GET", status="404") >= 1
    assert not any(missing in str(labels) for _, labels in found)
    latency = "forecast_studio_http_request_duration_seconds_count"
    assert at(found, latency, route=route, method="GET") >= 1
    assert at(found, "forecast_studio_database_up") == 1
    assert [name for name, _ in found if name == "forecast_studio_build_info"]


def test_metrics_count_upload_bytes(api: ApiClient, metrics_token: str) -> None:
    name = "forecast_studio_upload_bytes_total"
    before = at(samples(api.client, metrics_token), name)
    source = SAMPLES / "air_passengers.csv"
    assert api.upload(source).status_code == 201
    after = at(samples(api.client, metrics_token), name)
    assert after - before == source.stat().st_size


def test_metrics_read_jobs_and_fit_times_from_the_database(
    api: ApiClient, metrics_token: str, tmp_path: Path
) -> None:
    owner = api.account.id
    kind = f"probe-{uuid.uuid4().hex[:8]}"  # a kind no runner takes: it stays queued
    first, second = jobs.submit(owner, kind, {}), jobs.submit(owner, kind, {})
    found = samples(api.client, metrics_token)
    assert at(found, "forecast_studio_jobs", kind=kind, status="queued") == 2
    assert at(found, "forecast_studio_job_queue_depth") >= 2
    assert at(found, "forecast_studio_job_oldest_queued_age_seconds") >= 0
    claimed = jobs.claim_next("metrics-test", [kind])
    assert claimed is not None and claimed.id == first.id
    jobs.finish(claimed.id, "failed", "It broke")
    jobs.cancel(owner, second.id)
    dataset = make_dataset(owner, SAMPLES / "air_passengers.csv", tmp_path)
    model = f"model-{uuid.uuid4().hex[:8]}"
    with db.session() as s:
        s.add(
            db.Forecast(
                user_id=owner,
                dataset_id=dataset.id,
                version_id=dataset.version_id,
                target="x",
                horizon=1,
                model=model,
                model_name=model,
                metrics={"leaderboard": [{"model": model, "fit_seconds": 0.3}]},
            )
        )
    found = samples(api.client, metrics_token)
    assert at(found, "forecast_studio_jobs", kind=kind, status="failed") == 1
    assert at(found, "forecast_studio_jobs", kind=kind, status="cancelled") == 1
    durations = "forecast_studio_job_duration_seconds_count"
    assert at(found, durations, kind=kind, status="failed") == 1
    fits = "forecast_studio_model_fit_seconds"
    assert at(found, f"{fits}_count", model=model) == 1
    assert at(found, f"{fits}_bucket", model=model, le="0.5") == 1
    assert at(found, f"{fits}_bucket", model=model, le="0.1") == 0


def test_request_id_is_echoed_or_made(client: Any) -> None:
    assert (
        client.get("/health", headers={"X-Request-ID": "abc.123"}).headers[
            "X-Request-ID"
        ]
        == "abc.123"
    )
    for hostile in ("two words", "x" * 500, "a\u00e9b", ""):
        answer = client.get("/health", headers={"X-Request-ID": hostile})
        assert re.fullmatch(r"[0-9a-f]{32}", answer.headers["X-Request-ID"]), hostile
    refused = client.get("/models")  # the sign-in guard's redirect carries one too
    assert re.fullmatch(r"[0-9a-f]{32}", refused.headers["X-Request-ID"])


def test_a_job_records_the_request_that_submitted_it(
    server: Any, make_account: Any
) -> None:
    owner = make_account().id
    with server.test_request_context(headers={"X-Request-ID": "submit-42"}):
        server.preprocess_request()
        job = jobs.submit(owner, f"probe-{uuid.uuid4().hex[:8]}", {"a": 1})
        assert logs.current_request_id() == "submit-42"
    assert jobs.origin(job.id) == {"request_id": "submit-42"}
    # The handler and the owner see the parameters they gave, and nothing else.
    assert job.params == {"a": 1} == jobs.get_job(owner, job.id).params
    with db.session() as s:
        assert jobs.handler_params(s.get_one(db.Job, job.id).params) == {"a": 1}
    outside = jobs.submit(owner, "probe-outside", {})
    assert jobs.origin(outside.id) == {}
    jobs.cancel(owner, job.id)
    jobs.cancel(owner, outside.id)
