"""Refresh a forecast, see how it did, note it: the API over real runs."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from services import datasets, db, forecasts, refresh
from services.profiling import profile_table
from tests.conftest import ApiClient

STORES = {"north": 100.0, "south": 40.0}


def _month(i: int) -> dt.date:
    return dt.date(2020 + i // 12, i % 12 + 1, 1)


def _sales(store: str, i: int) -> float:
    """A trend and a yearly season, different per store."""
    level = STORES[store]
    return round(level + 0.5 * i + 0.1 * level * math.sin(2 * math.pi * i / 12), 2)


def _stores(months: range) -> pl.DataFrame:
    return pl.DataFrame(
        [(_month(i), s, _sales(s, i)) for s in STORES for i in months],
        schema=["month", "store", "sales"],
        orient="row",
    )


def _upload_stores(api: ApiClient, tmp_path: Path, months: int) -> dict[str, Any]:
    path = tmp_path / "stores.csv"
    _stores(range(months)).write_csv(path)
    created = api.upload(path)
    assert created.status_code == 201, created.get_json()
    return dict(created.get_json())


def _add_rows(user_id: int, dataset_id: str, rows: pl.DataFrame) -> str:
    """Add newer rows as the dataset's next version (as adding data does)."""
    current = datasets.open_version(user_id, dataset_id)
    grown = pl.concat([current, rows.select(current.columns).cast(current.schema)])
    with db.session() as s:
        dataset = datasets.owned_dataset(s, user_id, dataset_id)
        version = datasets.add_version(
            s, dataset, grown, profile_table(grown), user_id, []
        )
        return version.id


def _run(api: ApiClient, dataset_id: str, body: dict[str, Any]) -> str:
    accepted = api.post(f"/api/v1/datasets/{dataset_id}/forecasts", json=body)
    assert accepted.status_code == 202, accepted.get_json()
    job = api.wait_for_job(accepted.get_json()["job_id"])
    assert job["status"] == "succeeded", job
    return str(job["forecast_id"])


def _patch(api: ApiClient, path: str, body: Any) -> Any:
    return api.client.patch(path, headers=api.headers, json=body)


SETUP = {
    "target": "sales",
    "horizon": 3,
    "models": ["naive", {"key": "seasonal_naive"}],
    "transform": "log",
    "folds": 2,
    "metric": "mae",
    "per_series": True,
}


def test_refresh_keeps_the_setup_and_tracks_how_the_last_forecast_did(
    api: ApiClient, tmp_path: Path
) -> None:
    user = api.account.id
    dataset = _upload_stores(api, tmp_path, 36)
    old_id = _run(api, dataset["id"], SETUP)
    old = forecasts.get_forecast(user, old_id)

    before = api.get(f"/api/v1/forecasts/{old_id}/accuracy").get_json()
    assert before["verdict"]["code"] == "no_actuals_yet"
    assert before["overall"]["n"] == 0 and before["overall"]["mase"] is None
    assert [s["n"] for s in before["series"]] == [0, 0]

    added = _stores(range(36, 39))
    new_version = _add_rows(user, dataset["id"], added)
    accepted = api.post(f"/api/v1/forecasts/{old_id}/refresh")
    assert accepted.status_code == 202, accepted.get_json()
    job = api.wait_for_job(accepted.get_json()["job_id"])
    assert job["status"] == "succeeded", job
    new_id = job["forecast_id"]
    assert new_id and new_id != old_id

    new = forecasts.get_forecast(user, new_id)
    assert new.previous_id == old_id and new.version_id == new_version
    assert old.version_id != new_version
    assert (new.target, new.horizon, new.series_columns) == ("sales", 3, ["store"])
    assert new.request == old.request
    assert new.request["models"] == [
        {"key": "naive", "params": None},
        {"key": "seasonal_naive", "params": None},
    ]
    assert (new.request["transform"], new.request["folds"]) == ("log", 2)
    assert (new.request["metric"], new.request["per_series"]) == ("mae", True)
    answer = api.get(f"/api/v1/forecasts/{new_id}").get_json()
    assert answer["previous_id"] == old_id and answer["auto_refresh"] is False
    assert answer["points"][0]["time"] == _month(39).isoformat()

    # The last forecast against the three months that came in.
    measured = api.get(f"/api/v1/forecasts/{old_id}/accuracy").get_json()
    assert measured["forecast_id"] == old_id
    assert measured["overall"]["n"] == 6
    assert [s["series"] for s in measured["series"]] == ["north", "south"]
    assert [s["n"] for s in measured["series"]] == [3, 3]
    truth = {(r["store"], r["month"].isoformat()): r["sales"] for r in added.to_dicts()}
    points = measured["points"]
    assert len(points) == 6
    assert all(p["actual"] == truth[(p["series"], p["time"])] for p in points)
    errors = [abs(p["forecast"] - p["actual"]) for p in points]
    assert measured["overall"]["mae"] == pytest.approx(sum(errors) / 6)
    inside = sum(p["lower_80"] <= p["actual"] <= p["upper_80"] for p in points)
    assert measured["overall"]["coverage_80"] == pytest.approx(inside / 6)
    assert measured["verdict"]["code"] in (
        "as_expected",
        "worse_than_backtests",
        "better_than_backtests",
    )
    assert measured["verdict"]["message"]
    # Each store's own model (per_series) scored in its backtests: their mean.
    expected = [s["backtest_mase"] for s in measured["series"]]
    assert all(isinstance(e, float) and e > 0 for e in expected)
    assert measured["backtest_mase"] == pytest.approx(sum(expected) / 2)

    for asked in (old_id, new_id):
        history = api.get(f"/api/v1/forecasts/{asked}/history").get_json()
        assert history["forecast_id"] == asked
        entries = history["forecasts"]
        assert [e["id"] for e in entries] == [old_id, new_id]
        assert [e["current"] for e in entries] == [asked == old_id, asked == new_id]
        assert entries[1]["previous_id"] == old_id
        assert entries[0]["accuracy"]["n"] == 6 and entries[1]["accuracy"]["n"] == 0
        assert entries[1]["verdict"]["code"] == "no_actuals_yet"


def test_settings_and_note_with_a_strict_body(api: ApiClient, tmp_path: Path) -> None:
    dataset = _upload_stores(api, tmp_path, 30)
    forecast_id = _run(
        api, dataset["id"], {"target": "sales", "horizon": 2, "models": ["naive"]}
    )
    path = f"/api/v1/forecasts/{forecast_id}"
    answer = api.get(path).get_json()
    assert (answer["auto_refresh"], answer["note"], answer["previous_id"]) == (
        False,
        None,
        None,
    )

    changed = _patch(
        api, path, {"auto_refresh": True, "note": " includes the March promotion "}
    )
    assert changed.status_code == 200, changed.get_json()
    assert changed.get_json()["auto_refresh"] is True
    assert changed.get_json()["note"] == "includes the March promotion"
    # A field left out stays as it is.
    kept = _patch(api, path, {"auto_refresh": False}).get_json()
    assert kept["auto_refresh"] is False
    assert kept["note"] == "includes the March promotion"
    assert api.get(path).get_json()["note"] == "includes the March promotion"
    assert _patch(api, path, {"note": None}).get_json()["note"] is None

    for wrong in (
        {"auto_refresh": "yes"},
        {"auto_refresh": 1},
        {"note": 5},
        {"colour": "red"},
        {"note": "x" * (refresh.NOTE_MAX_CHARS + 1)},
    ):
        refused = _patch(api, path, wrong)
        assert refused.status_code == 422, wrong
        assert refused.get_json()["error"]["code"] == "invalid_request"
    assert _patch(api, path, ["auto_refresh"]).status_code == 422
    assert _patch(api, path, {"note": "x" * refresh.NOTE_MAX_CHARS}).status_code == 200


def test_another_users_forecast_is_not_found(
    api: ApiClient, api_for: Any, tmp_path: Path
) -> None:
    dataset = _upload_stores(api, tmp_path, 30)
    forecast_id = _run(
        api, dataset["id"], {"target": "sales", "horizon": 2, "models": ["naive"]}
    )
    other = api_for()
    path = f"/api/v1/forecasts/{forecast_id}"
    answers = [
        other.post(f"{path}/refresh"),
        _patch(other, path, {"note": "mine now"}),
        other.get(f"{path}/accuracy"),
        other.get(f"{path}/history"),
        other.get(f"/api/v1/forecasts/{'0' * 32}/accuracy"),
    ]
    assert [a.status_code for a in answers] == [404] * 5
    assert api.get(path).get_json()["note"] is None
    assert other.get("/api/v1/jobs").get_json()["jobs"] == []


def test_new_data_refreshes_the_forecasts_that_ask_for_it(
    api: ApiClient, tmp_path: Path
) -> None:
    user = api.account.id
    dataset = _upload_stores(api, tmp_path, 30)
    body = {"target": "sales", "horizon": 2, "models": ["naive"]}
    asked, left = _run(api, dataset["id"], body), _run(api, dataset["id"], body)
    path = f"/api/v1/forecasts/{asked}"
    assert _patch(api, path, {"auto_refresh": True, "note": "March"}).status_code == 200

    newer = tmp_path / "newer.csv"
    _stores(range(30, 32)).write_csv(newer)
    with newer.open("rb") as handle:
        added = api.post(
            f"/api/v1/datasets/{dataset['id']}/data",
            data={"file": (handle, newer.name)},
            content_type="multipart/form-data",
        )
    assert added.status_code == 201, added.get_json()
    submitted = added.get_json()["refresh_job_ids"]
    assert len(submitted) == 1
    # Not twice while its refresh is queued or running.
    assert refresh.refresh_after_new_data(user, dataset["id"]) == []
    job = api.wait_for_job(submitted[0])
    assert job["status"] == "succeeded", job
    fresh = forecasts.get_forecast(user, job["forecast_id"])
    assert fresh.previous_id == asked
    assert fresh.auto_refresh is True and fresh.note is None  # the note was about it
    assert forecasts.get_forecast(user, left).auto_refresh is False

    # Next time only the newest of the history is refreshed.
    _add_rows(user, dataset["id"], _stores(range(32, 33)))
    again = refresh.refresh_after_new_data(user, dataset["id"])
    assert len(again) == 1
    job = api.wait_for_job(again[0].id)
    assert forecasts.get_forecast(user, job["forecast_id"]).previous_id == fresh.id
    assert [e.id for e in refresh.refresh_history(user, asked)] == [
        asked,
        fresh.id,
        job["forecast_id"],
    ]


def test_a_refresh_whose_setup_no_longer_fits_is_refused(
    api: ApiClient, tmp_path: Path
) -> None:
    dataset = _upload_stores(api, tmp_path, 30)
    forecast_id = _run(
        api, dataset["id"], {"target": "sales", "horizon": 2, "models": ["naive"]}
    )
    user = api.account.id
    path = f"/api/v1/forecasts/{forecast_id}"
    assert _patch(api, path, {"auto_refresh": True}).status_code == 200
    current = datasets.open_version(user, dataset["id"])
    without = current.drop("sales").with_columns(pl.lit(1.0).alias("units"))
    with db.session() as s:
        row = datasets.owned_dataset(s, user, dataset["id"])
        datasets.add_version(s, row, without, profile_table(without), user, [])
    refused = api.post(f"{path}/refresh")
    assert refused.status_code == 422
    assert refused.get_json()["error"]["code"] == "invalid_target"
    gone = api.get(f"{path}/accuracy")
    assert gone.status_code == 422
    assert gone.get_json()["error"]["code"] == "unknown_column"
    # Adding data does not fail because of it: the forecast is skipped.
    assert refresh.refresh_after_new_data(user, dataset["id"]) == []
    history = api.get(f"{path}/history").get_json()["forecasts"]
    assert history[0]["accuracy"] is None and history[0]["verdict"] is None
