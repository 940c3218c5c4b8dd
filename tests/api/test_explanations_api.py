"""GET /api/v1/forecasts/<id>/explanation: sentences for the owner, 404 for others."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.conftest import ApiClient
from tests.services.test_explanations import stored_forecast


def test_the_owner_reads_why_the_model_says_so(
    api: ApiClient, api_for: Any, tmp_path: Path
) -> None:
    forecast_id = stored_forecast(api.account.id, tmp_path, ["auto_ets"])
    answer = api.get(f"/api/v1/forecasts/{forecast_id}/explanation")
    assert answer.status_code == 200, answer.get_json()
    body = answer.get_json()
    assert body["forecast_id"] == forecast_id and body["model"] == "auto_ets"
    [series] = body["series"]
    assert [p["name"] for p in series["parts"]] == ["level", "trend", "season"]
    assert series["parts"][0]["sentence"].startswith("The level is about 1,")
    assert series["models"][0]["kind"] == "components"
    assert body["sentence"]

    other = api_for().get(f"/api/v1/forecasts/{forecast_id}/explanation")
    assert other.status_code == 404
    assert other.get_json()["error"]["code"] == "not_found"
