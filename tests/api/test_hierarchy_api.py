"""Totals that add up through the API: the request, the points' levels, the exports."""

from __future__ import annotations

import csv
import io

import numpy as np

from tests.conftest import TEST_DATA, ApiClient

STORES = TEST_DATA / "region_stores.csv"


def test_forecast_every_level_through_the_api(api: ApiClient) -> None:
    dataset = api.upload(STORES).get_json()
    url = f"/api/v1/datasets/{dataset['id']}/forecasts"
    base = {"target": "units", "horizon": 3, "models": ["naive"], "folds": 1}

    refused = api.post(url, json={**base, "reconciliation": "ols"})
    assert refused.status_code == 422
    assert "hierarchy" in refused.get_json()["error"]["message"]
    refused = api.post(url, json={**base, "hierarchy": ["region", "units"]})
    assert refused.status_code == 422
    assert refused.get_json()["error"]["code"] == "invalid_hierarchy"
    refused = api.post(
        url, json={**base, "hierarchy": ["region"], "reconciliation": "sideways"}
    )
    assert refused.status_code == 422

    accepted = api.post(
        url, json={**base, "hierarchy": ["region", "store"], "reconciliation": "ols"}
    )
    assert accepted.status_code == 202, accepted.get_json()
    job = api.wait_for_job(accepted.get_json()["job_id"], timeout=420)
    assert job["status"] == "succeeded", job
    forecast_url = f"/api/v1/forecasts/{job['forecast_id']}"
    forecast = api.get(forecast_url).get_json()
    assert forecast["hierarchy"] == ["region", "store"]
    assert forecast["reconciliation"] == "ols"
    assert [row["level"] for row in forecast["levels"]] == ["total", "region", "store"]
    points = forecast["points"]
    levels = {p["series"]: p["hierarchy_level"] for p in points}
    assert levels["Total"] == "total" and levels["North"] == "region"
    assert levels["North / N1"] == "store" and len(levels) == 7
    values: dict[str, list[float]] = {}
    for p in points:
        values.setdefault(p["series"], []).append(p["value"])
    north = np.array(values["North / N1"]) + np.array(values["North / N2"])
    assert np.allclose(values["North"], north, rtol=1e-6)

    region = api.get(f"{forecast_url}?series=North").get_json()["points"]
    assert {p["series"] for p in region} == {"North"}

    exported = api.get(f"{forecast_url}/export?format=csv")
    assert exported.status_code == 200
    rows = list(csv.DictReader(io.StringIO(exported.get_data(as_text=True))))
    assert {r["hierarchy_level"] for r in rows} == {"total", "region", "store"}

    # Every level's model is explained in words, or the answer says plainly why not.
    explained = api.get(f"{forecast_url}/explanation")
    assert explained.status_code in (200, 422), explained.get_json()
    assert "Traceback" not in explained.get_data(as_text=True)
    scenario = api.post(
        f"{forecast_url}/scenarios", json={"name": "More", "drivers": {}}
    )
    assert scenario.status_code in (409, 422), scenario.get_json()
