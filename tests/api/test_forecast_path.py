"""The whole API path: upload → forecast job → forecast → export, and its errors."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import openpyxl

from services.selection import COMBINATION_MARGIN
from tests.conftest import SAMPLES, TEST_DATA, ApiClient


def _forecast(api: ApiClient, path: Path, target: str, horizon: int) -> dict[str, Any]:
    created = api.upload(path)
    assert created.status_code == 201, created.get_json()
    accepted = api.post(
        f"/api/v1/datasets/{created.get_json()['id']}/forecasts",
        json={"target": target, "horizon": horizon},
    )
    assert accepted.status_code == 202, accepted.get_json()
    return api.wait_for_job(accepted.get_json()["job_id"])


def test_upload_forecast_and_export(api: ApiClient) -> None:
    created = api.upload(SAMPLES / "air_passengers.csv")
    assert created.status_code == 201
    dataset = created.get_json()
    assert dataset["rows"] == 144 and dataset["time_column"] == "month"
    assert dataset["target_candidates"] == ["passengers"]
    assert {
        "name": "passengers",
        "role": "numeric",
        "dtype": "Int64",
        "missing": 0,
    }.items() <= dataset["columns"][1].items()
    assert dataset["version_id"]
    listed = api.get("/api/v1/datasets").get_json()["datasets"]
    assert [d["id"] for d in listed] == [dataset["id"]]
    assert (
        api.get(f"/api/v1/datasets/{dataset['id']}").get_json()["id"] == dataset["id"]
    )

    accepted = api.post(
        f"/api/v1/datasets/{dataset['id']}/forecasts",
        json={"target": "passengers", "horizon": 12},
    )
    assert accepted.status_code == 202
    job = api.wait_for_job(accepted.get_json()["job_id"])
    assert job["status"] == "succeeded", job
    assert job["progress"] == 1.0 and job["forecast_id"]
    assert [j["id"] for j in api.get("/api/v1/jobs").get_json()["jobs"]] == [job["id"]]

    forecast = api.get(f"/api/v1/forecasts/{job['forecast_id']}").get_json()
    board = forecast["leaderboard"]
    # automatic keeps the combination unless one model is far better on backtests
    best = board[0]
    rows = {r["model"]: r for r in board}
    expected = (
        best["model"]
        if best["mase"] < (1 - COMBINATION_MARGIN) * rows["combination"]["mase"]
        else "combination"
    )
    assert forecast["model"] == expected
    assert {"seasonal_naive", "auto_ets", "combination"} <= {r["model"] for r in board}
    assert all(
        set(r) >= {"mase", "smape", "coverage", "msis", "fit_seconds"} for r in board
    )
    assert forecast["mlflow_run_id"]
    assert forecast["level"] == 80 and forecast["horizon"] == 12
    first = forecast["points"][0]
    assert first["series"] is None and first["time"] == "1961-01-01"
    assert first["lower"] < first["value"] < first["upper"]
    wide = api.get(f"/api/v1/forecasts/{job['forecast_id']}?level=95").get_json()
    assert wide["points"][0]["lower"] < first["lower"]
    assert (
        api.get(f"/api/v1/forecasts/{job['forecast_id']}?level=50").status_code == 422
    )

    exported = api.get(f"/api/v1/forecasts/{job['forecast_id']}/export?format=csv")
    assert exported.status_code == 200 and exported.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(exported.get_data(as_text=True))))
    assert len(rows) == 12 and rows[0]["time"] == "1961-01-01"
    workbook = api.get(f"/api/v1/forecasts/{job['forecast_id']}/export?format=xlsx")
    assert workbook.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(workbook.get_data()))["Forecast"]
    assert [c.value for c in sheet[1]][:3] == ["time", "series", "forecast"]
    assert sheet.max_row == 13


def test_several_series_from_an_excel_file(api: ApiClient) -> None:
    job = _forecast(api, TEST_DATA / "store_units.xlsx", "units", 6)
    assert job["status"] == "succeeded", job
    points = api.get(f"/api/v1/forecasts/{job['forecast_id']}").get_json()["points"]
    assert sorted({p["series"] for p in points}) == ["North", "South"]


def test_a_short_series_is_forecast_and_a_tiny_one_refused(
    api: ApiClient, tmp_path: Path
) -> None:
    job = _forecast(api, TEST_DATA / "short_monthly.csv", "sales", 6)
    assert job["status"] == "succeeded", job
    forecast = api.get(f"/api/v1/forecasts/{job['forecast_id']}").get_json()
    assert len(forecast["points"]) == 6
    assert any("backtests checked 2 steps" in note for note in forecast["notes"])
    tiny = tmp_path / "tiny.csv"
    tiny.write_text("month,sales\n2024-01-01,5\n2024-02-01,6\n2024-03-01,7\n")
    job = _forecast(api, tiny, "sales", 2)
    assert job["status"] == "failed"
    assert job["error"] == (
        "The series is too short to forecast: it has 3 values; forecasting needs at "
        "least 4."
    )


def test_a_column_with_a_very_long_name_is_forecast(
    api: ApiClient, tmp_path: Path
) -> None:
    # A header may be as long as its author likes; every database keeps it whole.
    target = "units sold in the region " + "x" * 300
    table = tmp_path / "long_name.csv"
    table.write_text(
        f"month,{target}\n"
        + "".join(f"20{y}-{m:02d}-01,{y * m}\n" for y in (22, 23) for m in range(1, 13))
    )
    job = _forecast(api, table, target, 3)
    assert job["status"] == "succeeded", job
    forecast = api.get(f"/api/v1/forecasts/{job['forecast_id']}").get_json()
    assert forecast["target"] == target and len(forecast["points"]) == 3


def test_bad_requests_get_clear_4xx_answers(api: ApiClient, tmp_path: Path) -> None:
    dataset = api.upload(SAMPLES / "air_passengers.csv").get_json()
    url = f"/api/v1/datasets/{dataset['id']}/forecasts"
    cases = [
        (api.post(url, json={"target": "month", "horizon": 3}), 422, "invalid_target"),
        (
            api.post(url, json={"target": "passengers", "horizon": 0}),
            422,
            "invalid_request",
        ),
        (api.post(url, json={"target": "passengers"}), 422, "invalid_request"),
        (api.post(url, data="not json"), 422, "invalid_request"),
        (api.post("/api/v1/datasets"), 422, "invalid_request"),
        (api.get("/api/v1/datasets/" + "0" * 32), 404, "not_found"),
        (api.get("/api/v1/jobs/nonsense"), 404, "not_found"),
        (api.get("/api/v1/forecasts/" + "f" * 32), 404, "not_found"),
        (api.get("/api/v1/nowhere"), 404, "not_found"),
    ]
    image = tmp_path / "photo.jpg"
    image.write_bytes(b"\xff\xd8\xff" + bytes(100))
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    binary = tmp_path / "binary.csv"
    binary.write_bytes(bytes(range(256)) * 4)
    cases += [
        (api.upload(image), 415, "unreadable_file"),
        (api.upload(empty), 415, "unreadable_file"),
        (api.upload(binary), 415, "unreadable_file"),
    ]
    for response, status, code in cases:
        body = response.get_json()
        assert body is not None, (
            status,
            code,
            response.status_code,
            response.data[:300],
        )
        assert (response.status_code, body["error"]["code"]) == (status, code), body
        assert body["error"]["message"]


def test_uploads_over_the_limit_are_refused(
    api: ApiClient, server: Any, tmp_path: Path
) -> None:
    big = tmp_path / "big.csv"
    big.write_text("day,value\n" + "2024-01-01,1\n" * 2000)
    limit = server.config["MAX_CONTENT_LENGTH"]
    server.config["MAX_CONTENT_LENGTH"] = 10_000
    try:
        response = api.upload(big)
    finally:
        server.config["MAX_CONTENT_LENGTH"] = limit
    assert response.status_code == 413
    assert "MB limit" in response.get_json()["error"]["message"]


def test_cancelling_an_ended_job_is_a_conflict(api: ApiClient) -> None:
    job = _forecast(api, TEST_DATA / "weekly_repeating.csv", "visits", 7)
    response = api.post(f"/api/v1/jobs/{job['id']}/cancel")
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "job_ended"


def test_openapi_document_lists_every_route_and_error_code(api: ApiClient) -> None:
    doc = api.get("/api/v1/openapi.json").get_json()
    assert doc["openapi"].startswith("3.")
    assert {
        "/api/v1/datasets",
        "/api/v1/datasets/{dataset_id}/forecasts",
        "/api/v1/jobs/{job_id}/cancel",
        "/api/v1/forecasts/{forecast_id}/export",
        "/health",
    } <= set(doc["paths"])
    schemas = doc["components"]["schemas"]
    assert {
        "DatasetOut",
        "ForecastRequest",
        "JobOut",
        "ForecastOut",
        "ErrorResponse",
    } <= set(schemas)
    assert schemas["ForecastRequest"]["properties"]["horizon"]["minimum"] == 1
    assert (
        "file_too_large"
        in schemas["ErrorResponse"]["properties"]["error"]["description"]
    )


def test_chosen_models_folds_metric_and_the_catalog(api: ApiClient) -> None:
    dataset = api.upload(SAMPLES / "air_passengers.csv").get_json()
    url = f"/api/v1/datasets/{dataset['id']}/forecasts"
    accepted = api.post(
        url,
        json={
            "target": "passengers",
            "horizon": 6,
            "folds": 2,
            "metric": "smape",
            "transform": "log",
            "models": [{"key": "naive"}, {"key": "auto_theta"}],
        },
    )
    assert accepted.status_code == 202, accepted.get_json()
    job = api.wait_for_job(accepted.get_json()["job_id"])
    forecast = api.get(f"/api/v1/forecasts/{job['forecast_id']}").get_json()
    assert [r["model"] for r in forecast["leaderboard"]] in (
        ["auto_theta", "naive"],
        ["naive", "auto_theta"],
    )
    assert forecast["leaderboard"][0]["smape"] <= forecast["leaderboard"][1]["smape"]
    for body in (
        {"models": [{"key": "crystal_ball"}]},
        {"folds": 0},
        {"metric": "vibes"},
        {"models": [{"key": "auto_arima", "params": {"max_p": 99}}]},
    ):
        wrong = api.post(url, json={"target": "passengers", "horizon": 6, **body})
        assert wrong.status_code == 422, body
    catalog = api.get("/api/v1/models").get_json()
    assert {"auto_ets", "lightgbm", "seasonal_naive"} <= {m["key"] for m in catalog}
    assert all(m["params_schema"]["type"] == "object" for m in catalog)


def test_drivers_and_many_series_through_a_job(api: ApiClient, tmp_path: Path) -> None:
    from tests.services.test_forecasting import _promotions

    path = tmp_path / "promotions.csv"
    _promotions(months=48, future=3, series=4).write_csv(path)
    dataset = api.upload(path).get_json()
    assert dataset["series_id_columns"] == ["store"]
    url = f"/api/v1/datasets/{dataset['id']}/forecasts"
    bad = api.post(url, json={"target": "sales", "horizon": 3, "drivers": ["store"]})
    assert (
        bad.status_code == 422 and bad.get_json()["error"]["code"] == "invalid_driver"
    )
    accepted = api.post(
        url,
        json={
            "target": "sales",
            "horizon": 3,
            "drivers": ["promo"],
            "folds": 1,
            "models": [{"key": "linear_regression"}, {"key": "naive"}],
        },
    )
    assert accepted.status_code == 202, accepted.get_json()
    job = api.wait_for_job(accepted.get_json()["job_id"])
    assert job["status"] == "succeeded", job
    forecast = api.get(f"/api/v1/forecasts/{job['forecast_id']}").get_json()
    assert forecast["model"] == "linear_regression"  # the promotions explain sales
    assert len(forecast["points"]) == 12
    assert any("Known future values" in note for note in forecast["notes"])


def test_models_as_auto_plain_keys_or_objects(api: ApiClient) -> None:
    from services import jobs

    dataset = api.upload(SAMPLES / "air_passengers.csv").get_json()
    url = f"/api/v1/datasets/{dataset['id']}/forecasts"
    wanted = {"target": "passengers", "horizon": 6, "folds": 1}

    automatic = api.post(url, json={**wanted, "models": ["auto"]})
    assert automatic.status_code == 202, automatic.get_json()
    job_id = automatic.get_json()["job_id"]
    assert jobs.get_job(api.account.id, job_id).params["models"] is None
    api.post(f"/api/v1/jobs/{job_id}/cancel")  # the automatic run is not needed here

    mixed = api.post(url, json={**wanted, "models": ["naive", {"key": "drift"}]})
    assert mixed.status_code == 202, mixed.get_json()
    job = api.wait_for_job(mixed.get_json()["job_id"])
    assert jobs.get_job(api.account.id, job["id"]).params["models"] == [
        {"key": "naive", "params": None},
        {"key": "drift", "params": None},
    ]
    assert job["status"] == "succeeded", job
    forecast = api.get(f"/api/v1/forecasts/{job['forecast_id']}").get_json()
    assert {r["model"] for r in forecast["leaderboard"]} == {"naive", "drift"}

    for models, says in (
        (["auto", "naive"], '"auto" means the automatic comparison'),
        ([{"key": "auto", "params": {"season": 12}}], "without params"),
        (["naive", {"key": "naive"}], '"naive" is listed more than once'),
        (["crystal_ball"], "There is no model"),
        ([7], "models.0"),
    ):
        wrong = api.post(url, json={**wanted, "models": models})
        assert wrong.status_code == 422, models
        assert says in wrong.get_json()["error"]["message"], wrong.get_json()
