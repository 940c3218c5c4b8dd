"""The Models page's hierarchy choice: shown for groups of series, read back."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.conftest import SAMPLES, TEST_DATA, make_dataset


def test_the_choice_is_offered_for_groups_of_series(
    logged_in: Any, make_account: Any, tmp_path: Path
) -> None:
    from callbacks import hierarchy as page

    account = make_account()
    stores = make_dataset(account.id, TEST_DATA / "region_stores.csv", tmp_path)
    single = make_dataset(account.id, SAMPLES / "air_passengers.csv", tmp_path)
    with logged_in(account):
        style, options, value = page.offer_hierarchy(
            {"dataset_id": stores.id, "version_id": stores.version_id}
        )
        assert style == {} and value == ["region", "store"] and options == value
        style, _options, _value = page.offer_hierarchy(
            {"dataset_id": single.id, "version_id": single.version_id}
        )
        assert style == {"display": "none"}
    assert page.hierarchy_options(False, ["region"], "ols") == {}
    assert page.hierarchy_options(True, ["region", "store"], "ols") == {
        "hierarchy": ["region", "store"],
        "reconciliation": "ols",
    }


def test_a_region_is_drawn(
    logged_in: Any, make_account: Any, server: Any, tmp_path: Path
) -> None:
    import time

    from callbacks import models as page
    from services import forecasts, jobs
    from services.forecast_request import ForecastRequest

    server.extensions["job_runner"].ensure_running()
    account = make_account()
    stores = make_dataset(account.id, TEST_DATA / "region_stores.csv", tmp_path)
    wanted = ForecastRequest(
        target="units",
        horizon=3,
        models=[{"key": "naive"}],
        folds=1,
        hierarchy=["region", "store"],
    )
    job = forecasts.submit_forecast(account.id, stores.id, wanted)
    deadline = time.monotonic() + 300
    while (done := jobs.get_job(account.id, job.id)).status in ("queued", "running"):
        assert time.monotonic() < deadline, done
        time.sleep(0.2)
    assert done.status == "succeeded", done
    ref = {"forecast_id": done.result_ref}
    with logged_in(account):
        _style, options, value, _shown, _downloads = page.show_forecast(ref)
        assert options[0] == {"label": "All stores", "value": "Total"}
        chart, *_rest = page.draw_forecast("North", ref)
    history = next(t for t in chart.data if t.name == "History")
    assert len(history.y) == 36
    _an_overridden_region_says_its_total_no_longer_adds_up(logged_in, account, ref)


def _an_overridden_region_says_its_total_no_longer_adds_up(
    logged_in: Any, account: Any, ref: dict[str, Any]
) -> None:
    from callbacks import overrides

    with logged_in(account):
        rows, *_ = overrides.fill_table("North", ref, 0)
        rows[0] = {**rows[0], "value": rows[0]["value"] + 100, "reason": "New store"}
        alert, saved, _chart = overrides.save_table(1, rows, "North", ref, 0)
    assert saved == 1
    assert alert.color == "warning" and alert.children.startswith("Saved 1 change. ")
    assert "the sum of their parts: North at 2024-01-01, Total at 2024-01-01" in (
        alert.children
    )
