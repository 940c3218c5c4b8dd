"""What-if on drivers: scenarios of a LightGBM forecast through the API."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import openpyxl
import polars as pl
import pytest
from pypdf import PdfReader

from services import db, forecasts, overrides, scenarios, storage
from services.models import CATALOG
from tests.conftest import ApiClient
from tests.services.test_forecasting import _promotions

LIGHTGBM = {"key": "lightgbm", "params": {"n_estimators": 30, "lags": 3}}


def _forecast(api: ApiClient, tmp_path: Path, body: dict[str, Any]) -> str:
    path = tmp_path / "promotions.csv"
    _promotions(months=60, future=3, series=2).write_csv(path)
    dataset = api.upload(path).get_json()
    accepted = api.post(
        f"/api/v1/datasets/{dataset['id']}/forecasts",
        json={"target": "sales", "horizon": 3, "folds": 1, **body},
    )
    assert accepted.status_code == 202, accepted.get_json()
    job = api.wait_for_job(accepted.get_json()["job_id"])
    assert job["status"] == "succeeded", job
    return str(job["forecast_id"])


@pytest.fixture
def baseline(api: ApiClient, tmp_path: Path) -> str:
    return _forecast(api, tmp_path, {"models": [LIGHTGBM], "drivers": ["promo"]})


def _scenario(api: ApiClient, forecast_id: str, body: dict[str, Any]) -> Any:
    return api.post(f"/api/v1/forecasts/{forecast_id}/scenarios", json=body)


def _run(api: ApiClient, forecast_id: str, body: dict[str, Any]) -> dict[str, Any]:
    accepted = _scenario(api, forecast_id, body)
    assert accepted.status_code == 202, accepted.get_json()
    job = api.wait_for_job(accepted.get_json()["job_id"])
    assert job["status"] == "succeeded", job
    return dict(api.get(f"/api/v1/forecasts/{job['forecast_id']}").get_json())


def _values(forecast: dict[str, Any]) -> dict[tuple[str, str], float]:
    return {(p["series"], p["time"]): p["value"] for p in forecast["points"]}


def test_a_scenario_moves_the_forecast_and_leaves_the_baseline(
    api: ApiClient, baseline: str
) -> None:
    user = api.account.id
    stored = storage.forecast_path(user, baseline).read_bytes()
    before = api.get(f"/api/v1/forecasts/{baseline}").get_json()
    future = scenarios.future_drivers(user, baseline)
    steps = sorted({t.isoformat() for t in future["time"]})

    unchanged = _run(
        api,
        baseline,
        {
            "name": "As planned",
            "drivers": {
                "promo": [
                    {
                        "series": r["series"],
                        "time": r["time"].isoformat(),
                        "value": r["promo"],
                    }
                    for r in future.iter_rows(named=True)
                ]
            },
        },
    )
    assert unchanged["baseline_id"] == baseline
    assert unchanged["scenario"] == "As planned"
    assert _values(unchanged) == pytest.approx(_values(before))

    promoted = _run(
        api,
        baseline,
        {
            "name": "Promotion every month",
            "drivers": {"promo": [{"time": t, "value": 1.0} for t in steps]},
        },
    )
    assert promoted["baseline_id"] == baseline
    assert _values(promoted) != pytest.approx(_values(before))
    compared = scenarios.comparison(user, promoted["id"])
    assert compared.height == 6
    # Promotions lift sales: every step that had none goes up.
    lifted = compared.join(future, on=["series", "time"]).filter(pl.col("promo") == 0)
    assert lifted.height and (lifted["difference"] > 0).all()
    # A value changed by hand on the baseline is no difference the drivers made.
    first = compared.row(0, named=True)
    overrides.set_overrides(
        user,
        baseline,
        [
            overrides.OverrideChange(
                first["series"], first["time"].isoformat(), 1e6, "Big order"
            )
        ],
    )
    assert scenarios.comparison(user, promoted["id"]).equals(compared)
    overrides.set_overrides(
        user,
        baseline,
        [overrides.OverrideChange(first["series"], first["time"].isoformat(), None)],
    )

    # The baseline is untouched: its stored points and its answer.
    assert storage.forecast_path(user, baseline).read_bytes() == stored
    again = api.get(f"/api/v1/forecasts/{baseline}").get_json()
    assert again["points"] == before["points"]
    assert again["baseline_id"] is None and again["scenario"] is None
    assert forecasts.get_forecast(user, promoted["id"]).scenario == (
        "Promotion every month"
    )
    _tracked_as_a_run_of_its_own(promoted, before)
    _exports_show_it_beside_the_baseline(api, promoted["id"])


def _tracked_as_a_run_of_its_own(
    scenario: dict[str, Any], baseline: dict[str, Any]
) -> None:
    """The scenario has its own MLflow run, tagged with its baseline's run."""
    from mlflow.tracking import MlflowClient

    from services.tracking import tracking_uri

    client = MlflowClient(tracking_uri())
    assert baseline["mlflow_run_id"]
    assert scenario["mlflow_run_id"] not in (None, baseline["mlflow_run_id"])
    run = client.get_run(scenario["mlflow_run_id"])
    assert run.data.tags["baseline_run_id"] == baseline["mlflow_run_id"]
    assert run.data.tags["scenario"] == "Promotion every month"
    assert run.data.params["changed_columns"] == "promo"
    assert run.info.status == "FINISHED"
    kept = {a.path for a in client.list_artifacts(run.info.run_id)}
    assert "changes.csv" in kept and any(p.endswith(".parquet") for p in kept)


def _exports_show_it_beside_the_baseline(api: ApiClient, scenario_id: str) -> None:
    url = f"/api/v1/forecasts/{scenario_id}/export?format="
    csv = pl.read_csv(io.BytesIO(api.get(url + "csv").get_data()))
    assert csv.columns[0] == "scenario"
    assert set(csv["scenario"]) == {"Promotion every month"}
    book = openpyxl.load_workbook(io.BytesIO(api.get(url + "xlsx").get_data()))
    rows = list(book["Scenario"].values)
    assert rows[0][:6] == (
        "scenario_name",
        "series",
        "time",
        "baseline",
        "scenario",
        "difference",
    )
    assert len(rows) == 7
    pdf = PdfReader(io.BytesIO(api.get(url + "pdf").get_data()))
    text = "\n".join(page.extract_text() for page in pdf.pages)
    assert "Scenario “Promotion every month” vs the baseline" in text


def test_bad_scenarios_are_refused(api: ApiClient, api_for: Any, baseline: str) -> None:
    user = api.account.id
    step = scenarios.future_drivers(user, baseline)["time"][0].isoformat()
    for drivers, says in (
        ({"price": [{"time": step, "value": 1}]}, "not a driver"),
        ({"promo": [{"time": "1999-01-01", "value": 1}]}, "not a step"),
        ({"promo": [{"time": "soon", "value": 1}]}, "not a date"),
        ({"promo": [{"series": "S9", "time": step, "value": 1}]}, "no series"),
    ):
        refused = _scenario(api, baseline, {"name": "Bad", "drivers": drivers})
        assert refused.status_code == 422, refused.get_json()
        assert says in refused.get_json()["error"]["message"]
    assert _scenario(api, baseline, {"name": "", "drivers": {}}).status_code == 422
    other = _scenario(api_for(), baseline, {"name": "Mine", "drivers": {"promo": []}})
    assert other.status_code == 404

    # The same forecast as if AutoETS had been chosen, then as if made without drivers.
    body = {"name": "Promo", "drivers": {"promo": [{"time": step, "value": 1}]}}
    with db.session() as s:
        row = s.get_one(db.Forecast, baseline)
        row.model, row.model_name = "auto_ets", CATALOG["auto_ets"].name
        row.metrics = {
            **row.metrics,
            "recipe": {
                **row.metrics["recipe"],
                "plans": [[None, {"keys": ["auto_ets"]}]],
            },
        }
    refused = _scenario(api, baseline, body)
    assert refused.status_code == 409
    error = refused.get_json()["error"]
    assert error["code"] == "model_takes_no_drivers"
    assert error["message"].startswith("AutoETS does not use drivers; choose LightGBM")
    with db.session() as s:
        row = s.get_one(db.Forecast, baseline)
        row.model, row.metrics = "lightgbm", {}
        row.spec = {**row.spec, "request": {**row.spec["request"], "drivers": []}}
    refused = _scenario(api, baseline, body)
    assert refused.status_code == 409
    assert "made without drivers" in refused.get_json()["error"]["message"]


@pytest.mark.parametrize("number", ["NaN", "Infinity", "1e999"])
def test_a_driver_value_that_is_not_finite_is_refused_plainly(
    api: ApiClient, number: str
) -> None:
    body = '{"name": "x", "drivers": {"promo": [{"time": "2024-01-01", "value": %s}]}}'
    answer = api.client.post(
        "/api/v1/forecasts/no-such-forecast/scenarios",
        headers={**api.headers, "Content-Type": "application/json"},
        data=body % number,
    )
    assert answer.status_code == 422, answer.get_data(as_text=True)
    message = answer.get_json()["error"]["message"]
    assert "finite" in message and "Traceback" not in message, message
