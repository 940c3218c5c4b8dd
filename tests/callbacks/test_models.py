"""Models page callbacks: a run is shown only while its dataset is the current one."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from components import ids
from tests.conftest import SAMPLES, TEST_DATA, make_dataset


def finished_forecast(server: Any, account: Any, dataset: Any) -> Any:
    """A quick forecast of the dataset's first target, run as a job; the job."""
    from services import forecasts, jobs
    from services.forecast_request import ForecastRequest

    server.extensions["job_runner"].ensure_running()  # requests start it in the app

    target = dataset.profile.target_candidates[0]
    wanted = ForecastRequest(target=target, horizon=6, models=[{"key": "naive"}])
    job = forecasts.submit_forecast(account.id, dataset.id, wanted)
    deadline = time.monotonic() + 120
    while (done := jobs.get_job(account.id, job.id)).status in ("queued", "running"):
        assert time.monotonic() < deadline, done
        time.sleep(0.2)  # polling the job's record: waiting on state
    assert done.status == "succeeded", done
    return done


def test_a_run_of_another_dataset_is_not_shown(
    logged_in: Any, make_account: Any, server: Any, tmp_path: Path
) -> None:
    from callbacks import models as page

    account = make_account()
    first = make_dataset(account.id, SAMPLES / "air_passengers.csv", tmp_path)
    job = finished_forecast(server, account, first)
    second = make_dataset(account.id, TEST_DATA / "weekly_repeating.csv", tmp_path)
    stored = {"job_id": job.id}  # what the session kept from the first dataset
    with logged_in(account):
        *_shown, box, forecast, runs = page.poll_job(
            None, stored, {"dataset_id": first.id, "version_id": first.version_id}
        )
        assert forecast == {"forecast_id": job.result_ref} and box == {}
        assert "passengers" in str(runs)
        *_shown, box, forecast, runs = page.poll_job(
            None, stored, {"dataset_id": second.id, "version_id": second.version_id}
        )
        assert forecast is None and box == {"display": "none"}
        assert "passengers" not in str(runs) and "No runs yet" in str(runs)
        status = page.poll_job(None, stored, None)[4]
        assert status == ""
        chart, folds, steps, scores = page.draw_forecast(None, None)
        assert not chart.data and not folds.data and not steps.data and scores is None


def test_the_forecast_panel_names_no_operator_details_even_for_an_administrator(
    logged_in: Any,
    make_account: Any,
    make_admin: Any,
    server: Any,
    tmp_path: Path,
    monkeypatch: Any,
) -> None:
    from callbacks import models as page
    from services import forecasts

    for account in (make_account(), make_admin()):
        dataset = make_dataset(account.id, SAMPLES / "air_passengers.csv", tmp_path)
        job = finished_forecast(server, account, dataset)
        info = forecasts.get_forecast(account.id, str(job.result_ref))
        run, name = info.metrics["mlflow_run_id"], info.metrics["registered_model"]
        assert run and name  # tracked and registered, just not shown
        with logged_in(account):
            ref = {"forecast_id": info.id}
            shown = str(page.draw_forecast(None, ref)[3]) + str(page.show_forecast(ref))
        for secret in (run, name, "MLflow", "mlflow", "FORECAST_STUDIO_"):
            assert secret not in shown, secret

    # A model that is not set up: users are told whom to ask, administrators where
    # to look; neither is told the setting or the folder.
    monkeypatch.setenv("FORECAST_STUDIO_CHRONOS_MODEL_DIR", str(tmp_path / "none"))
    missing = [{"type": ids.MODELS_UNAVAILABLE, "key": "chronos2"}]
    with logged_in(make_admin()):
        [told] = page.explain_unavailable("/models", missing)
    assert "Settings → System" in str(told) and "CHRONOS_MODEL_DIR" not in str(told)
