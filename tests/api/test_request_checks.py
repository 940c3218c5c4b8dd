"""Requests the API cannot use are 4xx answers with a message, never a 500."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import SAMPLES, ApiClient


def _dataset(api: ApiClient, name: str = "air_passengers.csv") -> dict[str, Any]:
    answer = api.upload(SAMPLES / name)
    assert answer.status_code == 201
    return dict(answer.get_json())


def _refused(answer: Any, status: int = 422) -> str:
    assert answer.status_code == status, answer.get_data(as_text=True)
    error = answer.get_json()["error"]
    assert error["message"] and "Traceback" not in error["message"]
    return str(error["message"])


@pytest.mark.parametrize(
    "series", [["month"], ["passengers", "passengers"], ["month", "passengers"]]
)
def test_the_time_column_cannot_name_the_series(
    api: ApiClient, series: list[str]
) -> None:
    dataset = _dataset(api)
    url = f"/api/v1/datasets/{dataset['id']}/columns"
    answer = api.client.patch(
        url, headers=api.headers, json={"series_id_columns": series}
    )
    message = _refused(answer)
    assert answer.get_json()["error"]["code"] == "invalid_series_id"
    assert "time column" in message or "once" in message
    # nothing was saved: the dataset reads as before
    assert api.get(f"/api/v1/datasets/{dataset['id']}").get_json() == dataset


def test_the_time_column_a_role_makes_cannot_name_the_series(api: ApiClient) -> None:
    dataset = _dataset(api, "australian_accommodation.csv")
    url = f"/api/v1/datasets/{dataset['id']}/columns"
    change = {"time_column": None, "series_id_columns": ["quarter"]}
    message = _refused(api.client.patch(url, headers=api.headers, json=change))
    assert "“quarter” is the time column" in message


@pytest.mark.parametrize("kind", ["head", "tail", "sample"])
def test_a_preview_offset_past_any_table_is_refused_or_empty(
    api: ApiClient, kind: str
) -> None:
    url = f"/api/v1/datasets/{_dataset(api)['id']}/preview?kind={kind}"
    for offset in ("10000000000000000000000", "9223372036854775808", "1e3", "0x10"):
        assert "offset" in _refused(api.get(f"{url}&offset={offset}"))
    last = api.get(f"{url}&offset=9223372036854775807")
    assert last.status_code == 200 and last.get_json()["rows"] == []


@pytest.mark.parametrize(
    "change",
    [
        {"horizon": True},
        {"horizon": "12"},
        {"horizon": 12.5},
        {"per_series": "yes"},
        {"per_series": 1},
        {"folds": True},
        {"target": 7},
        {"models": [{"key": "lightgbm", "params": {"n_estimators": True}}]},
        {"models": [{"key": "auto_arima", "params": {"seasonal": "no"}}]},
    ],
)
def test_forecast_requests_are_what_they_say(
    api: ApiClient, change: dict[str, Any]
) -> None:
    url = f"/api/v1/datasets/{_dataset(api)['id']}/forecasts"
    body = {"target": "passengers", "horizon": 12, **change}
    field = next(iter(change))
    message = _refused(api.post(url, json=body))
    assert field in message
    assert "Traceback" not in message and "validation error" not in message
    assert api.get("/api/v1/jobs").get_json()["jobs"] == []  # nothing was queued


def test_other_bodies_are_strict_too(api: ApiClient) -> None:
    dataset = _dataset(api)
    base = f"/api/v1/datasets/{dataset['id']}"
    columns = {"series_id_columns": "month"}
    _refused(api.client.patch(f"{base}/columns", headers=api.headers, json=columns))
    assert "steps" in _refused(api.post(f"{base}/versions", json={"steps": []}))
    assert "target" in _refused(api.post(f"{base}/analysis/jobs", json={"target": 5}))
    _refused(api.post(f"{base}/analysis/jobs", json=["passengers"]))


@pytest.mark.parametrize(
    "query",
    [
        "",
        "column=passengers&method=magic",
        "column=passengers&sensitivity=0",
        "column=passengers&sensitivity=nan",
        "column=passengers&sensitivity=inf",
        "column=passengers&sensitivity=101",
        "column=passengers&sensitivity=much",
    ],
)
def test_outlier_queries_are_checked(api: ApiClient, query: str) -> None:
    url = f"/api/v1/datasets/{_dataset(api)['id']}/outliers?{query}"
    _refused(api.get(url))


def test_the_document_s_query_parameters_are_the_ones_read(api: ApiClient) -> None:
    dataset = _dataset(api)
    base = f"/api/v1/datasets/{dataset['id']}"
    assert (
        api.get(f"{base}/outliers?column=passengers&sensitivity=2").status_code == 200
    )
    assert "with=" in _refused(
        api.get(f"{base}/versions/{dataset['version_id']}/compare")
    )
    assert _refused(api.get(f"{base}/analysis?full=yes"))
    assert api.get(f"{base}/analysis?full=false").status_code == 200


def test_a_one_series_dataset_has_no_named_series(api: ApiClient) -> None:
    base = f"/api/v1/datasets/{_dataset(api)['id']}"
    answer = api.get(f"{base}/analysis?series=x")
    assert "one series" in _refused(answer)
    assert answer.get_json()["error"]["code"] == "unknown_series"
    assert api.get(f"{base}/analysis").get_json()["series"] is None


def test_a_series_of_a_multi_series_dataset_is_found_by_its_label(
    api: ApiClient,
) -> None:
    base = f"/api/v1/datasets/{_dataset(api, 'australian_accommodation.csv')['id']}"
    found = api.get(f"{base}/analysis?series=Victoria")
    assert found.status_code == 200 and found.get_json()["series"] == "Victoria"
    assert api.get(f"{base}/analysis?series=Atlantis").status_code == 422
