"""Dataset endpoints: the full profile on upload, sheets, previews, column overrides."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pytest

import config
from tests.conftest import SAMPLES, TEST_DATA, ApiClient
from tests.services.hostile_workbooks import whole_sheet_workbook

MESSY = TEST_DATA / "messy"


def test_upload_returns_the_full_profile(api: ApiClient) -> None:
    body = api.upload(MESSY / "european_latin1_report.csv").get_json()
    assert body["time_column"] == "Datum" and body["frequency"] == {
        "unit": "day",
        "step": 1,
        "anchor": None,
    }
    assert (body["start"], body["end"]) == ("2024-01-01", "2024-02-29")
    assert body["target_candidates"] == ["Umsatz", "Menge"]
    assert body["series_id_columns"] == [] and body["target"] == "Umsatz"
    issues = " ".join(i["message"] for i in body["issues"])
    assert "title" in issues and "footer" in issues
    umsatz = next(c for c in body["columns"] if c["name"] == "Umsatz")
    assert umsatz["role"] == "numeric" and umsatz["min"] > 0 and umsatz["distinct"] > 1


def test_upload_recognises_number_codes_and_lists_a_typo(api: ApiClient) -> None:
    stores = api.upload(MESSY / "long_store_codes.csv").get_json()
    assert stores["series_id_columns"] == ["store"]
    assert stores["target_candidates"] == ["units", "price"]
    store = next(c for c in stores["columns"] if c["name"] == "store")
    assert store["role"] == "categorical"
    typo = api.upload(MESSY / "typo_store_month.csv").get_json()
    assert any(
        i["severity"] == "warning"
        and i["message"].startswith(
            "“revenue” on 2022-07-01 (store Hamburg) is 1,000,000, about "
        )
        for i in typo["issues"]
    )


def test_a_named_sheet_is_read(api: ApiClient) -> None:
    path = MESSY / "xlsx_sheet_choice.xlsx"
    with path.open("rb") as handle:
        response = api.post(
            "/api/v1/datasets",
            data={"file": (handle, path.name), "sheet": "Daily"},
            content_type="multipart/form-data",
        )
    assert response.status_code == 201 and response.get_json()["sheet"] == "Daily"
    with path.open("rb") as handle:
        missing = api.post(
            "/api/v1/datasets",
            data={"file": (handle, path.name), "sheet": "Nope"},
            content_type="multipart/form-data",
        )
    assert missing.status_code == 422
    assert "Daily" in missing.get_json()["error"]["message"]


def test_preview_pages(api: ApiClient) -> None:
    dataset = api.upload(SAMPLES / "air_passengers.csv").get_json()
    url = f"/api/v1/datasets/{dataset['id']}/preview"
    head = api.get(url + "?kind=head&n=3&offset=1").get_json()
    assert head["total_rows"] == 144 and head["columns"] == ["month", "passengers"]
    assert head["rows"][0] == {"month": "1949-02-01", "passengers": 118}
    tail = api.get(url + "?kind=tail&n=2").get_json()
    assert [r["month"] for r in tail["rows"]] == ["1960-11-01", "1960-12-01"]
    sample = api.get(url + "?kind=sample&n=5").get_json()
    assert sample == api.get(url + "?kind=sample&n=5").get_json()
    found = api.get(url + "?column=month&contains=1958-0&n=100").get_json()
    assert found["matched_rows"] == 9 and len(found["rows"]) == 9
    for query in (
        "?kind=sideways",
        "?n=0",
        "?n=many",
        "?offset=-1",
        "?column=nope",
        "?offset=10000000000000000000000",
        "?column_offset=-1",
    ):
        assert api.get(url + query).status_code == 422, query


def test_column_overrides_persist_and_are_validated(api: ApiClient) -> None:
    dataset = api.upload(SAMPLES / "australian_accommodation.csv").get_json()
    url = f"/api/v1/datasets/{dataset['id']}/columns"
    changed = api.client.patch(
        url,
        headers=api.headers,
        json={"roles": {"cpi": "text"}, "target": "occupancy_pct"},
    )
    assert changed.status_code == 200, changed.get_json()
    assert changed.get_json()["target"] == "occupancy_pct"
    again = api.get(f"/api/v1/datasets/{dataset['id']}").get_json()
    assert next(c for c in again["columns"] if c["name"] == "cpi")["role"] == "text"
    for body in (
        {"roles": {"state": "time"}},
        {"time_column": "nope"},
        {"roles": {"cpi": "purple"}},
        {"unknown": 1},
        [],
    ):
        response = api.client.patch(url, headers=api.headers, json=body)
        assert response.status_code == 422, body
    job = api.post(
        f"/api/v1/datasets/{dataset['id']}/forecasts",
        json={"target": "cpi", "horizon": 4},
    )
    assert job.status_code == 422  # no longer a number to forecast


def test_a_zip_bomb_is_refused_before_it_is_inflated(api: ApiClient) -> None:
    response = api.upload(MESSY / "zip_bomb.xlsx")
    assert response.status_code == 415
    assert "malicious" in response.get_json()["error"]["message"]


@pytest.fixture
def setting() -> Iterator[Callable[[str, Any], None]]:
    """Change a setting for one test."""
    before: dict[str, Any] = {}

    def change(name: str, value: Any) -> None:
        before.setdefault(name, config.settings.get(name))
        config.settings.set(name, value)

    yield change
    for name, value in before.items():
        config.settings.set(name, value)


def test_a_workbook_spanning_the_whole_sheet_is_refused_and_the_app_answers(
    api: ApiClient, tmp_path: Path, setting: Callable[[str, Any], None]
) -> None:
    path = whole_sheet_workbook(tmp_path / "two_cells.xlsx")
    refused = api.upload(path)
    assert refused.status_code == 413
    assert "MAX_CELLS" in refused.get_json()["error"]["message"]
    # With the limit lifted, the reader itself gives up, in its own process.
    setting("MAX_CELLS", 10**12)
    crashed = api.upload(path)
    assert crashed.status_code == 413
    assert "PARSE_MEMORY_LIMIT_MB" in crashed.get_json()["error"]["message"]
    assert api.get("/api/v1/datasets").get_json()["datasets"] == []
    assert api.upload(SAMPLES / "air_passengers.csv").status_code == 201


def test_an_upload_over_its_time_budget_is_stopped(
    api: ApiClient, setting: Callable[[str, Any], None]
) -> None:
    setting("PARSE_TIME_LIMIT_S", 0.001)
    late = api.upload(SAMPLES / "air_passengers.csv")
    assert late.status_code == 413
    assert "PARSE_TIME_LIMIT_S" in late.get_json()["error"]["message"]
    setting("PARSE_TIME_LIMIT_S", 60)
    assert api.upload(SAMPLES / "air_passengers.csv").status_code == 201


def test_a_table_wider_than_the_limit_is_refused(
    api: ApiClient, tmp_path: Path, setting: Callable[[str, Any], None]
) -> None:
    setting("MAX_COLUMNS", 3)
    path = tmp_path / "four.csv"
    path.write_text("month,a,b,c\n2024-01-01,1,2,3\n2024-02-01,4,5,6\n")
    refused = api.upload(path)
    assert refused.status_code == 413
    message = refused.get_json()["error"]["message"]
    assert "4 columns" in message and "at most 3 (the MAX_COLUMNS setting)" in message


@pytest.mark.timeout(240)
def test_a_wide_table_previews_a_page_of_its_columns(
    api: ApiClient, tmp_path: Path
) -> None:
    # Each preview once rebuilt the table's schema for every column: quadratic.
    months = pl.date_range(pl.date(2022, 1, 1), pl.date(2024, 4, 1), "1mo", eager=True)
    values = np.random.default_rng(3).normal(100, 10, (28, 2999)).round(1)
    wide = pl.DataFrame({"month": months}).hstack(
        pl.DataFrame(values, schema=[f"s{i}" for i in range(2999)])
    )
    wide.write_csv(tmp_path / "wide.csv")
    dataset = api.upload(tmp_path / "wide.csv").get_json()
    url = f"/api/v1/datasets/{dataset['id']}/preview"
    page = api.get(url + "?n=5").get_json()
    assert page["total_columns"] == 3000 and page["column_offset"] == 0
    assert page["columns"] == ["month", *(f"s{i}" for i in range(99))]
    assert len(page["rows"]) == 5 and page["rows"][0]["month"] == "2022-01-01"
    later = api.get(url + "?n=5&column_offset=2950").get_json()
    assert later["columns"] == [f"s{i}" for i in range(2949, 2999)]
    assert later["rows"][0]["s2949"] == wide["s2949"][0]


def test_other_users_cannot_preview_or_change(api_for: Any) -> None:
    owner, stranger = api_for(), api_for()
    dataset = owner.upload(SAMPLES / "air_passengers.csv").get_json()
    assert stranger.get(f"/api/v1/datasets/{dataset['id']}/preview").status_code == 404
    patched = stranger.client.patch(
        f"/api/v1/datasets/{dataset['id']}/columns",
        headers=stranger.headers,
        json={"target": None},
    )
    assert patched.status_code == 404


def test_analysis_endpoint(api: ApiClient) -> None:
    dataset = api.upload(SAMPLES / "air_passengers.csv").get_json()
    body = api.get(f"/api/v1/datasets/{dataset['id']}/analysis").get_json()
    assert body["season_lengths"][0] == 12 and body["frequency"]["unit"] == "month"
    assert body["stationarity"] in (
        "difference-stationary",
        "inconclusive",
        "trend-stationary",
    )
    assert set(body["adf"]) == set(body["kpss_trend"]) == {"statistic", "pvalue"}
    assert body["suggested_transform"] == "log" and body["summary"]
    assert len(body["acf"]) == len(body["pacf"]) > 12
    wrong = api.get(f"/api/v1/datasets/{dataset['id']}/analysis?target=month")
    assert wrong.status_code == 422


def test_a_full_analysis_runs_as_a_job(api: ApiClient) -> None:
    dataset = api.upload(SAMPLES / "victoria_electricity_daily.csv").get_json()
    accepted = api.post(f"/api/v1/datasets/{dataset['id']}/analysis/jobs", json={})
    assert accepted.status_code == 202
    job = api.wait_for_job(accepted.get_json()["job_id"])
    assert job["status"] == "succeeded" and job["analysis_id"], job
    result = api.get(f"/api/v1/analyses/{job['analysis_id']}").get_json()
    assert result["analysed_points"] == result["points"] == 365
    assert result["season_lengths"][0] == 7
    assert api.get("/api/v1/analyses/" + "a" * 32).status_code == 404
