"""The OpenAPI document is what the API answers: Schemathesis against a seeded app.

Schemathesis generates requests from the document (valid ones, and ones that break
it), a bounded number per operation, and checks every answer: never a 5xx, a status
the document lists, a body and content type that fit the document, and a 405 with
``Allow`` for a method an endpoint does not take. Path ids point at a seeded user's
real dataset, version, forecast and job, so the answers are not all 404s.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
    unsupported_method,
)

from api.openapi import document
from tests.conftest import SAMPLES, ApiClient

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    unsupported_method,
]
# Operations whose real ids would make files or queue jobs on every example (PDFs,
# workbooks, report jobs) or delete the seeded data get generated ids (a 404).
GENERATED_IDS = {
    ("DELETE", "/api/v1/datasets/{dataset_id}"),
    ("GET", "/api/v1/forecasts/{forecast_id}/export"),
    ("POST", "/api/v1/forecasts/{forecast_id}/export/jobs"),
    ("POST", "/api/v1/datasets/{dataset_id}/forecasts"),
    ("POST", "/api/v1/forecasts/{forecast_id}/refresh"),
    ("POST", "/api/v1/datasets/{dataset_id}/analysis/jobs"),
    ("POST", "/api/v1/datasets"),
}


@dataclass(frozen=True)
class Seeded:
    """A user with a token and one of each object."""

    headers: dict[str, str]
    ids: dict[str, str]


@pytest.fixture(scope="module")
def seeded(server: Any) -> Seeded:
    from services import users

    account = users.create_user(f"user-{uuid.uuid4().hex[:10]}", "schema password")
    api = ApiClient(server.test_client(), users.create_token(account.username), account)
    dataset = api.upload(SAMPLES / "air_passengers.csv").get_json()
    base = f"/api/v1/datasets/{dataset['id']}"
    steps = [{"op": "impute", "column": "passengers", "method": "linear"}]
    version = api.post(f"{base}/versions", json={"steps": steps}).get_json()
    job = api.post(
        f"{base}/forecasts",
        json={"target": "passengers", "horizon": 6, "models": ["naive"]},
    ).get_json()
    done = api.wait_for_job(job["job_id"])
    assert done["status"] == "succeeded", done
    analysis = api.post(f"{base}/analysis/jobs", json={}).get_json()
    analysed = api.wait_for_job(analysis["job_id"])
    assert analysed["status"] == "succeeded", analysed
    share = api.post(f"/api/v1/forecasts/{done['forecast_id']}/shares").get_json()
    return Seeded(
        api.headers,
        {
            "dataset_id": dataset["id"],
            "version_id": version["id"],
            "forecast_id": done["forecast_id"],
            "job_id": done["id"],
            "analysis_id": analysed["analysis_id"],
            "share_id": share["id"],
        },
    )


# The document as the app serves it (``test_the_app_serves_this_document``); the
# requests go to the app in-process (its WSGI app is set once the app is built).
schema = schemathesis.openapi.from_dict(document())


@schema.parametrize()
@settings(
    max_examples=6,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_the_api_answers_as_its_document_says(
    case: Any, server: Any, seeded: Seeded
) -> None:
    if (case.method.upper(), case.path) not in GENERATED_IDS:
        for name in case.path_parameters or {}:
            case.path_parameters[name] = seeded.ids[name]
    case.call_and_validate(headers=seeded.headers, checks=CHECKS, app=server)


def test_the_app_serves_this_document(api: ApiClient) -> None:
    assert api.get("/api/v1/openapi.json").get_json() == document()


def test_the_document_describes_the_arrays(api: ApiClient) -> None:
    paths = api.get("/api/v1/openapi.json").get_json()["paths"]
    for path in ("/api/v1/datasets/{dataset_id}/versions", "/api/v1/models"):
        answer = paths[path]["get"]["responses"]["200"]["content"]
        assert answer["application/json"]["schema"]["type"] == "array", path
    assert isinstance(api.get("/api/v1/models").get_json(), list)


def test_an_undeclared_method_is_a_405_that_says_what_is_allowed(
    api: ApiClient,
) -> None:
    dataset = api.upload(SAMPLES / "air_passengers.csv").get_json()
    for method, path, allowed in [
        ("PUT", "/api/v1/datasets", {"GET", "POST"}),
        ("PATCH", f"/api/v1/datasets/{dataset['id']}", {"GET", "DELETE"}),
        ("DELETE", "/api/v1/jobs", {"GET"}),
        ("TRACE", "/api/v1/models", {"GET"}),
    ]:
        answer = api.client.open(path, method=method, headers=api.headers)
        assert answer.status_code == 405, (method, path)
        assert answer.get_json()["error"]["code"] == "method_not_allowed"
        assert allowed <= set(answer.headers["Allow"].split(", ")), answer.headers
    assert (
        api.client.put("/api/v1/nothing-here", headers=api.headers).status_code == 404
    )
