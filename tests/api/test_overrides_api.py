"""PUT and GET /api/v1/forecasts/<id>/overrides, and value added in accuracy."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ApiClient
from tests.overrides_data import stored_forecast


@pytest.fixture
def path(api: ApiClient, tmp_path: Path) -> str:
    return f"/api/v1/forecasts/{stored_forecast(api.account.id, tmp_path)}"


def _put(api: ApiClient, path: str, *entries: dict[str, Any]) -> Any:
    return api.client.put(
        f"{path}/overrides", headers=api.headers, json={"overrides": list(entries)}
    )


def test_an_override_with_a_reason_answers_the_forecast(
    api: ApiClient, path: str
) -> None:
    answer = _put(
        api,
        path,
        {"series": None, "time": "1960-11-01", "value": 430, "reason": "contract"},
    )
    assert answer.status_code == 200, answer.get_json()
    body = answer.get_json()
    assert body == api.get(path).get_json()
    points = body["points"]
    assert points[1] == {
        "series": None,
        "time": "1960-11-01",
        "value": 430.0,
        "lower": 420.0,
        "upper": 440.0,
        "statistical_value": 400.0,
        "reason": "contract",
        "hierarchy_level": None,
    }
    assert points[0]["statistical_value"] == points[0]["value"] == 450.0
    assert points[0]["reason"] is None


@pytest.mark.parametrize(
    ("entry", "code"),
    [
        ({"time": "1960-11-01", "value": 430}, "reason_required"),
        ({"time": "1960-11-01", "value": 430, "reason": "  "}, "reason_required"),
        ({"time": "1999-01-01", "value": 430, "reason": "x"}, "unknown_step"),
        (
            {"series": "North", "time": "1960-11-01", "value": 1, "reason": "x"},
            "unknown_series",
        ),
    ],
)
def test_changes_that_do_not_fit_answer_422(
    api: ApiClient, path: str, entry: dict[str, Any], code: str
) -> None:
    answer = _put(api, path, entry)
    assert answer.status_code == 422
    assert answer.get_json()["error"]["code"] == code


def test_the_trail_lists_changes_and_removals(api: ApiClient, path: str) -> None:
    _put(api, path, {"time": "1960-10-01", "value": 470, "reason": "event"})
    removed = _put(api, path, {"time": "1960-10-01", "value": None})
    assert removed.status_code == 200
    assert removed.get_json()["points"][0]["reason"] is None
    trail = api.get(f"{path}/overrides").get_json()["overrides"]
    assert [(e["action"], e["before"], e["after"], e["reason"]) for e in trail] == [
        ("set", 450.0, 470.0, "event"),
        ("removed", 470.0, 450.0, None),
    ]
    assert trail[0]["user"] == api.account.username
    assert trail[0]["time"] == "1960-10-01T00:00:00" and trail[0]["at"]


def test_another_users_forecast_is_404(
    path: str, api_for: Callable[[], ApiClient]
) -> None:
    other = api_for()
    entry = {"time": "1960-10-01", "value": 470, "reason": "event"}
    assert _put(other, path, entry).status_code == 404
    assert other.get(f"{path}/overrides").status_code == 404


def test_accuracy_reports_the_overrides_value_added(api: ApiClient, path: str) -> None:
    _put(api, path, {"time": "1960-10-01", "value": 460, "reason": "event"})
    added = api.get(f"{path}/accuracy").get_json()["overrides"]
    # actual 461: final error 1, statistical (450) error 11
    assert added["n"] == 1 and added["value_added"] == pytest.approx(10.0)
    assert added["mae_final"] == pytest.approx(1.0)
    assert "helped" in added["message"]


def _totals_forecast(owner: int, tmp_path: Path) -> str:
    """A stored forecast with totals that add up: Total = North = N1 + N2."""
    import polars as pl

    from services import db, storage

    forecast_id = stored_forecast(owner, tmp_path, ["North / N1", "North / N2"])
    parts = pl.read_parquet(storage.forecast_path(owner, forecast_id))
    summed = parts.group_by("time").agg(pl.exclude("series").sum())
    points = pl.concat(
        [
            summed.with_columns(pl.lit(name).alias("series"))
            for name in ("Total", "North")
        ]
        + [parts],
        how="diagonal",
    ).with_columns(
        pl.col("series")
        .replace_strict(
            {"Total": "total", "North": "region"},
            default="store",
            return_dtype=pl.String,
        )
        .alias("hierarchy_level")
    )
    points.select(*parts.columns, "hierarchy_level").write_parquet(
        storage.forecast_path(owner, forecast_id)
    )
    with db.session() as s:
        row = s.get_one(db.Forecast, forecast_id)
        row.spec = {**row.spec, "request": {"hierarchy": ["region", "store"]}}
    return forecast_id


def test_an_overridden_total_answers_a_note_that_totals_differ(
    api: ApiClient, tmp_path: Path
) -> None:
    path = f"/api/v1/forecasts/{_totals_forecast(api.account.id, tmp_path)}"
    assert api.get(path).get_json()["notes"] == []
    entry = {"series": "Total", "time": "1960-11-01", "value": 1, "reason": "x"}
    answer = _put(api, path, entry)
    assert answer.status_code == 200, answer.get_json()
    [note] = answer.get_json()["notes"]
    assert "Total at 1960-11-01" in note and "no longer equal" in note
    removed = _put(api, path, {**entry, "value": None})
    assert removed.status_code == 200 and removed.get_json()["notes"] == []


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity", "1e999"])
def test_a_value_that_is_not_finite_is_refused_plainly(
    api: ApiClient, path: str, number: str
) -> None:
    body = '{"overrides": [{"time": "1960-11-01", "value": %s, "reason": "x"}]}'
    answer = api.client.put(
        f"{path}/overrides",
        headers={**api.headers, "Content-Type": "application/json"},
        data=body % number,
    )
    assert answer.status_code == 422, answer.get_data(as_text=True)
    message = answer.get_json()["error"]["message"]
    assert "finite" in message and "Traceback" not in message
