"""A forecast's accuracy is measured once per version of its data, kept on disk."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from services import accuracy, accuracy_cache, storage
from services.numbers import NumberStyle
from tests.api.test_forecast_lifecycle import _add_rows, _run, _stores, _upload_stores
from tests.conftest import ApiClient


def test_measured_once_per_version_and_again_on_a_new_one(
    api: ApiClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = api.account.id
    dataset = _upload_stores(api, tmp_path, 30)
    body = {"target": "sales", "horizon": 3, "models": ["naive"]}
    forecast_id = _run(api, dataset["id"], body)
    calls: list[str] = []
    measure = accuracy.measure

    def counted(*args: Any, **kwargs: Any) -> accuracy.Accuracy:
        calls.append(args[0])
        return measure(*args, **kwargs)

    monkeypatch.setattr(accuracy, "measure", counted)
    before = accuracy_cache.accuracy(user, forecast_id)
    again = accuracy_cache.accuracy(user, forecast_id)
    assert calls == [forecast_id]
    assert again.overall.n == before.overall.n == 0
    assert again.verdict == before.verdict
    assert storage.accuracy_path(user, forecast_id).exists()

    _add_rows(user, dataset["id"], _stores(range(30, 32)))
    fresh = accuracy_cache.accuracy(user, forecast_id)
    assert len(calls) == 2 and fresh.overall.n == 4
    kept = accuracy_cache.accuracy(user, forecast_id, NumberStyle.POINT_COMMA)
    assert len(calls) == 2
    # What was kept is what measuring gives; the verdict in the reader's format.
    assert kept.overall == fresh.overall and kept.series == fresh.series
    assert kept.backtest_mase == fresh.backtest_mase
    assert kept.points.equals(fresh.points)
    assert kept.points.schema == fresh.points.schema
    direct = accuracy.accuracy(user, forecast_id, NumberStyle.POINT_COMMA)
    assert kept.verdict == direct.verdict


def test_an_unreadable_file_is_measured_again(api: ApiClient, tmp_path: Path) -> None:
    user = api.account.id
    dataset = _upload_stores(api, tmp_path, 30)
    forecast_id = _run(
        api, dataset["id"], {"target": "sales", "horizon": 2, "models": ["naive"]}
    )
    storage.accuracy_path(user, forecast_id).write_bytes(b"not parquet")
    assert accuracy_cache.accuracy(user, forecast_id).overall.n == 0
    kept = accuracy_cache.accuracy(user, forecast_id)
    assert kept.points.height == 4
