"""Which forecasts can have scenarios (the job itself: tests/api/test_scenarios.py)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from services.errors import ConflictError
from services.forecasts import ForecastInfo
from services.scenarios import recipe_of


def _info(**changes: object) -> ForecastInfo:
    fields: dict[str, object] = {
        "id": "f",
        "dataset_id": "d",
        "version_id": "v",
        "target": "sales",
        "horizon": 3,
        "model": "lightgbm",
        "model_name": "LightGBM on lags",
        "time_column": "month",
        "series_columns": [],
        "metrics": {"recipe": {"plans": [[None, {"keys": ["lightgbm"]}]]}},
        "created_at": datetime(2026, 1, 1, tzinfo=UTC),
        "request": {"drivers": ["promo"]},
    }
    return ForecastInfo(**{**fields, **changes})  # type: ignore[arg-type]


def test_a_driver_model_with_drivers_has_its_recipe() -> None:
    assert recipe_of(_info())["plans"][0][1]["keys"] == ["lightgbm"]


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        (
            {"model": "auto_ets", "model_name": "AutoETS", "metrics": {}},
            "model_takes_no_drivers",
        ),
        ({"request": {}}, "model_takes_no_drivers"),
        ({"metrics": {}}, "scenario_unavailable"),
        (
            {"request": {"drivers": ["promo"], "hierarchy": ["region", "store"]}},
            "scenario_unavailable",
        ),
    ],
)
def test_forecasts_without_scenarios_say_why(
    changes: dict[str, object], code: str
) -> None:
    with pytest.raises(ConflictError) as caught:
        recipe_of(_info(**changes))
    assert caught.value.code == code
    assert "Traceback" not in str(caught.value)
