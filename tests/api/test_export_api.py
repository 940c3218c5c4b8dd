"""Exports through the API and the pages: CSV, the workbook and the PDF report."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
import pytest
from pypdf import PdfReader

from services.reports.narrative import number
from tests.api.test_security import sign_in
from tests.conftest import SAMPLES, TEST_DATA, ApiClient

FAST = [{"key": "naive"}, {"key": "seasonal_naive"}]


@pytest.fixture
def forecast_id(api: ApiClient) -> str:
    created = api.upload(SAMPLES / "air_passengers.csv").get_json()
    accepted = api.post(
        f"/api/v1/datasets/{created['id']}/forecasts",
        json={"target": "passengers", "horizon": 12, "models": FAST},
    )
    assert accepted.status_code == 202, accepted.get_json()
    job = api.wait_for_job(accepted.get_json()["job_id"])
    assert job["status"] == "succeeded", job
    return str(job["forecast_id"])


def test_pdf_report_holds_the_forecast(api: ApiClient, forecast_id: str) -> None:
    answer = api.get(f"/api/v1/forecasts/{forecast_id}/export?format=pdf")
    assert answer.status_code == 200 and answer.mimetype == "application/pdf"
    assert answer.headers["Content-Disposition"].endswith(".pdf")
    reader = PdfReader(io.BytesIO(answer.get_data()))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Forecast of passengers" in text and "air_passengers.csv" in text
    assert "Executive summary" in text and "Model comparison" in text
    points = api.get(f"/api/v1/forecasts/{forecast_id}?level=95").get_json()
    first = points["points"][0]
    assert f"Jan 1961 {number(first['value'])}" in text
    assert number(first["upper"]) in text
    chosen = api.get(f"/api/v1/forecasts/{forecast_id}").get_json()["model_name"]
    assert chosen in text


def test_workbook_has_every_sheet(api: ApiClient, forecast_id: str) -> None:
    answer = api.get(f"/api/v1/forecasts/{forecast_id}/export?format=xlsx")
    assert answer.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(answer.get_data()))
    assert book.sheetnames[:5] == [
        "Summary",
        "Forecast",
        "History",
        "Backtest",
        "Cleaning",
    ]
    assert book["History"].max_row == 145  # 144 months and the header
    assert book["Forecast"]["A2"].is_date


def test_unknown_format_and_other_users(
    api: ApiClient, api_for: Any, forecast_id: str
) -> None:
    wrong = api.get(f"/api/v1/forecasts/{forecast_id}/export?format=docx")
    assert wrong.status_code == 422
    assert wrong.get_json()["error"]["code"] == "invalid_request"
    stranger = api_for()
    hidden = stranger.get(f"/api/v1/forecasts/{forecast_id}/export?format=pdf")
    assert hidden.status_code == 404


def test_the_page_route_serves_the_pdf_to_its_owner(
    server: Any, api: ApiClient, forecast_id: str
) -> None:
    browser = server.test_client()
    sign_in(browser, api.account.username, "correct horse battery")
    answer = browser.get(f"/files/forecasts/{forecast_id}.pdf")
    assert answer.status_code == 200 and answer.get_data().startswith(b"%PDF")


def test_the_workbook_lists_the_cleaning_behind_the_forecast(api: ApiClient) -> None:
    dataset = api.upload(TEST_DATA / "messy" / "gaps.csv").get_json()
    base = f"/api/v1/datasets/{dataset['id']}"
    steps = [
        {"op": "regularize", "fill": None},
        {"op": "impute", "column": "sales", "method": "linear", "max_gap": 3},
    ]
    version = api.post(f"{base}/versions", json={"steps": steps}).get_json()
    accepted = api.post(
        f"{base}/forecasts", json={"target": "sales", "horizon": 7, "models": FAST}
    )
    job = api.wait_for_job(accepted.get_json()["job_id"])
    assert job["status"] == "succeeded", job
    answer = api.get(f"/api/v1/forecasts/{job['forecast_id']}/export?format=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(answer.get_data()))["Cleaning"]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    steps = [(r[0], r[1]) for r in rows]
    assert steps == [(2, "Insert missing dates"), (2, "Fill missing values")]
    assert rows[1][3] == version["changes"][1]["filled"] > 0


def test_csv_in_a_spreadsheets_layout_rounded_to_the_datas_decimals(
    api: ApiClient, forecast_id: str
) -> None:
    url = f"/api/v1/forecasts/{forecast_id}/export?format=csv"
    plain = api.get(url).get_data(as_text=True)
    header, first, *_rest = plain.splitlines()
    assert header == (
        "time,series,forecast,lower_80,upper_80,lower_95,upper_95,"
        "statistical_forecast,override_reason"
    )
    # passengers are counts: two decimals, never 36435.14831449608
    numbers = first.split(",")[2:-1]  # the reason is empty: nothing overridden
    assert all(len(cell.split(".")[1]) == 2 for cell in numbers), first
    excel = api.get(url + "&sep=;&decimal=,")
    assert excel.status_code == 200 and excel.mimetype == "text/csv"
    text = excel.get_data().decode("utf-8")
    assert text.startswith("\ufefftime;series;forecast;")
    row = text.splitlines()[1].split(";")
    assert row[0] == first.split(",")[0]
    assert row[2] == first.split(",")[2].replace(".", ",")
    tabbed = api.get(url + "&sep=tab").get_data().decode("utf-8-sig")
    assert tabbed.splitlines()[1].split("\t") == first.split(",")
    for query, says in (
        ("&sep=|", "sep must be “,”, “;” or “tab”"),
        ("&decimal=;", "decimal must be “.” or “,”"),
        ("&decimal=,", "sep and decimal must differ"),
        ("&sep=,&decimal=,", "sep and decimal must differ"),
    ):
        refused = api.get(url + query)
        assert refused.status_code == 422, query
        assert says in refused.get_json()["error"]["message"]


def test_a_european_upload_gets_its_layout_and_its_decimals(api: ApiClient) -> None:
    dataset = api.upload(TEST_DATA / "european_sales.csv").get_json()
    accepted = api.post(
        f"/api/v1/datasets/{dataset['id']}/forecasts",
        json={"target": "Umsatz", "horizon": 7, "models": FAST},
    )
    job = api.wait_for_job(accepted.get_json()["job_id"])
    assert job["status"] == "succeeded", job
    url = f"/api/v1/forecasts/{job['forecast_id']}/export?format=csv&sep=;&decimal=,"
    rows = api.get(url).get_data().decode("utf-8-sig").splitlines()
    value = rows[1].split(";")[2]  # the history has cents: four decimals
    assert "," in value and len(value.split(",")[1]) == 4 and "." not in value, rows
