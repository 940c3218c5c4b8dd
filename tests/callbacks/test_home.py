"""Home page callbacks: a sample forecast in one click, for its owner only."""

from __future__ import annotations

import json
from typing import Any

import pytest
from dash.exceptions import PreventUpdate

from components import ids
from services import datasets, jobs
from services.errors import NotFoundError
from tests.auth.helpers import sign_in


def _click_sample(dash_app: Any, client: Any, key: str) -> dict[str, Any]:
    """What Home's sample button callback answers a click, sent as a browser does."""
    callback_key = next(k for k in dash_app.callback_map if ids.HOME_ALERT in k)
    outputs = []
    for part in callback_key[2:-2].split("..."):
        component, prop = part.rsplit(".", 1)
        outputs.append({"id": component.split("@")[0], "property": prop})
    button = {"type": ids.HOME_SAMPLE, "key": key}
    body = {
        "output": callback_key,
        "outputs": outputs,
        "inputs": [[{"id": button, "property": "n_clicks", "value": 1}]],
        "state": [],
        "changedPropIds": [
            json.dumps(button, sort_keys=True, separators=(",", ":")) + ".n_clicks"
        ],
    }
    answer = client.post("/_dash-update-component", json=body)
    assert answer.status_code == 200, answer.get_data(as_text=True)
    return dict(answer.get_json()["response"])


def test_the_sample_button_shows_only_without_data(
    logged_in: Any, make_account: Any, dash_app: Any
) -> None:
    from callbacks import home as page

    account = make_account()
    with logged_in(account):
        shown, upload = page.offer_samples("/")
        offer = str(shown)
        assert upload == "outline-primary"  # the sample is the one main button
        assert "Forecast the airline passengers" in offer and "air_passengers" in offer
        with pytest.raises(PreventUpdate):
            page.offer_samples("/models")
    from services import samples

    samples.load_sample(account.id, "air_passengers")
    with logged_in(account):
        assert page.offer_samples("/") == (None, "primary")


def test_one_click_makes_the_dataset_and_a_forecast_job_of_its_owner(
    logged_in: Any, make_account: Any, server: Any, dash_app: Any
) -> None:
    from callbacks import models

    owner, other = make_account("owner password"), make_account()
    client = server.test_client()
    sign_in(client, owner.username, "owner password")
    answer = _click_sample(dash_app, client, "air_passengers")
    ref = answer[ids.DATASET_STORE]["data"]
    assert answer[ids.URL]["href"] == "/models"
    info = datasets.get_dataset(owner.id, ref["dataset_id"])
    assert info.name == "air_passengers.csv"
    (job,) = jobs.list_jobs(owner.id, kinds=("forecast",), dataset_id=info.id)
    assert job.params["target"] == "passengers" and job.params["horizon"] == 12
    try:
        with pytest.raises(NotFoundError):
            jobs.get_job(other.id, job.id)
        with pytest.raises(NotFoundError):
            datasets.get_dataset(other.id, info.id)
        # Models shows the run on arrival to its owner, and to nobody else.
        with logged_in(owner):
            assert models.follow_latest_run(ref, None) == {"job_id": job.id}
            with pytest.raises(PreventUpdate):  # already shown: left as it is
                models.follow_latest_run(ref, {"job_id": job.id})
        with logged_in(other):
            with pytest.raises(PreventUpdate):
                models.follow_latest_run(ref, None)
            with pytest.raises(PreventUpdate):
                models.follow_latest_run(ref, {"job_id": job.id})
    finally:
        jobs.cancel(owner.id, job.id)  # not needed here: spare the shared cores


def test_an_unknown_sample_says_so_and_makes_nothing(
    make_account: Any, server: Any, dash_app: Any
) -> None:
    account = make_account("some password")
    client = server.test_client()
    sign_in(client, account.username, "some password")
    answer = _click_sample(dash_app, client, "no-such-sample")
    assert "no such sample" in str(answer[ids.HOME_ALERT]["children"])
    assert ids.DATASET_STORE not in answer and ids.URL not in answer
    assert datasets.list_datasets(account.id) == []
