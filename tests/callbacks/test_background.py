"""Background callbacks belong to the user who started them.

Dash (4.4.1) signs a background callback's handles (the page load's ``endId``, the
result's ``cacheKey``, the ``job``); the app signs them with a secret of the signed-in
user. These tests start the cleaning preview as user A through the real endpoint, then
replay A's handles from user B's session: B reads nothing, cancels nothing, and A still
gets the result, which is only there once (reading it deletes it).
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Any

import pytest

from components import ids
from tests.callbacks.test_guard import sign_in
from tests.conftest import TEST_DATA, make_dataset

UPDATE = "/_dash-update-component"
PARAM = ids.CLEANING_PARAM


def _end_id(client: Any) -> str:
    """The page load's signed token, as the page hands it to Dash's renderer."""
    page = client.get("/cleaning").get_data(as_text=True)
    found = re.search(r'<script id="_dash-config"[^>]*>(.*?)</script>', page, re.S)
    assert found, page[:500]
    return str(json.loads(found.group(1))["end_id"])


def _callback_key(dash_app: Any, output_id: str) -> str:
    return next(key for key in dash_app.callback_map if key.startswith(output_id))


def _preview_body(dash_app: Any, ref: dict[str, str] | None) -> dict[str, Any]:
    """The cleaning page's "Preview unusual values" request, as sent by Dash."""
    key = _callback_key(dash_app, ids.CLEANING_ALERT + ".children@")
    param = {"name": "column", "type": PARAM}
    return {
        "output": key,
        "outputs": {"id": ids.CLEANING_ALERT, "property": key.split(".", 1)[1]},
        "inputs": [
            {"id": ids.CLEANING_PREVIEW_OUTLIERS, "property": "n_clicks", "value": 1}
        ],
        "state": [
            [{"id": param, "property": "value", "value": "sales"}],
            [{"id": param, "property": "id", "value": param}],
            {"id": ids.CLEANING_OP, "property": "value", "value": "outliers"},
            {"id": ids.DATASET_STORE, "property": "data", "value": ref},
        ],
        "changedPropIds": [f"{ids.CLEANING_PREVIEW_OUTLIERS}.n_clicks"],
    }


def _poll_body(body: dict[str, Any]) -> dict[str, Any]:
    """A poll: the renderer sends the same dependencies with every value ``None``."""
    poll = json.loads(json.dumps(body))
    for item in poll["inputs"] + poll["state"]:
        if isinstance(item, dict):
            item["value"] = None
    return poll


def _start(client: Any, end_id: str, body: dict[str, Any], **args: str) -> Any:
    answer = client.post(UPDATE, json=body, query_string={"endId": end_id, **args})
    assert answer.status_code == 200, answer.get_data(as_text=True)
    handles = answer.get_json()
    assert set(handles) >= {"cacheKey", "job"}, handles
    return handles


def _poll(client: Any, end_id: str, body: dict[str, Any], handles: Any) -> Any:
    query = {"endId": end_id, "cacheKey": handles["cacheKey"], "job": handles["job"]}
    return client.post(UPDATE, json=_poll_body(body), query_string=query)


def _result(client: Any, end_id: str, body: dict[str, Any], handles: Any) -> str:
    """Poll as the renderer does until the callback answers; the answer's text."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        answer = _poll(client, end_id, body, handles)
        assert answer.status_code in (200, 204), answer.get_data(as_text=True)
        if answer.status_code == 200 and "response" in answer.get_json():
            return json.dumps(answer.get_json()["response"])
        if answer.status_code == 204:  # nothing more will come (the job is gone)
            return ""
        time.sleep(0.2)  # polling the job's state, as the page does
    raise AssertionError("the background callback did not answer")


@pytest.fixture
def two_users(
    server: Any, make_account: Any, tmp_path: Path
) -> tuple[Any, Any, dict[str, str]]:
    """A's and B's signed-in sessions, and A's dataset with a spike."""
    a, b = make_account("password of a"), make_account("password of b")
    client_a, client_b = server.test_client(), server.test_client()
    sign_in(client_a, a, "password of a")
    sign_in(client_b, b, "password of b")
    for client in (client_a, client_b):
        assert client.get("/_dash-layout").status_code == 200
    info = make_dataset(a.id, TEST_DATA / "gaps_and_spike.csv", tmp_path)
    return client_a, client_b, {"dataset_id": info.id, "version_id": info.version_id}


def test_another_user_cannot_poll_cancel_or_read_a_background_callback(
    dash_app: Any, two_users: tuple[Any, Any, dict[str, str]]
) -> None:
    client_a, client_b, ref = two_users
    end_a, end_b = _end_id(client_a), _end_id(client_b)
    body = _preview_body(dash_app, ref)
    handles = _start(client_a, end_a, body)

    # B replays A's handles, with A's page token and with its own: nothing comes back.
    for end_id in (end_a, end_b):
        answer = _poll(client_b, end_id, body, handles)
        assert answer.status_code in (200, 204)
        assert answer.status_code == 204 or "response" not in answer.get_json()
    # B cancels A's job: with the Cancel button's request, and by starting its own
    # preview with A's job as the one to replace.
    cancel = {
        "output": f"{ids.CLEANING_PREVIEW_CANCEL}.id",
        "outputs": {"id": ids.CLEANING_PREVIEW_CANCEL, "property": "id"},
        "inputs": [
            {"id": ids.CLEANING_PREVIEW_CANCEL, "property": "n_clicks", "value": 1}
        ],
        "changedPropIds": [f"{ids.CLEANING_PREVIEW_CANCEL}.n_clicks"],
    }
    for end_id in (end_a, end_b):
        answer = client_b.post(
            UPDATE,
            json=cancel,
            query_string={"endId": end_id, "cancelJob": handles["job"]},
        )
        assert answer.status_code in (200, 204), answer.get_data(as_text=True)
        _start(client_b, end_id, _preview_body(dash_app, None), oldJob=handles["job"])

    # A's callback was neither stopped nor read: A gets its answer, once.
    text = _result(client_a, end_a, body, handles)
    assert "would be treated" in text and "2024-" in text, text
    assert "response" not in json.dumps(_poll(client_a, end_a, body, handles).json)


def test_the_user_comes_from_the_session_not_from_the_page(
    dash_app: Any, two_users: tuple[Any, Any, dict[str, str]]
) -> None:
    """B sends A's dataset reference: the callback runs as B, so it is not found."""
    _client_a, client_b, ref = two_users
    end_b = _end_id(client_b)
    body = _preview_body(dash_app, ref)
    text = _result(client_b, end_b, body, _start(client_b, end_b, body))
    assert "Choose" in text and "would be treated" not in text, text


def test_an_anonymous_poll_is_refused(
    server: Any, dash_app: Any, two_users: tuple[Any, Any, dict[str, str]]
) -> None:
    client_a, _client_b, ref = two_users
    end_a = _end_id(client_a)
    body = _preview_body(dash_app, ref)
    handles = _start(client_a, end_a, body)
    answer = _poll(server.test_client(), end_a, body, handles)
    assert answer.status_code == 401
    assert "would be treated" in _result(client_a, end_a, body, handles)


def test_the_manager_follows_job_backend(dash_app: Any) -> None:
    """Embedded: results in DATA_DIR/background. Celery: on REDIS_URL, own queue."""
    from dash import CeleryManager, DiskcacheManager

    import app as app_module
    import config

    manager = dash_app._background_manager
    assert isinstance(manager, DiskcacheManager)
    assert Path(manager.handle.directory) == config.data_dir() / "background"
    assert app_module.celery_app is None
    before = (config.settings.JOB_BACKEND, config.settings.get("REDIS_URL"))
    try:
        config.settings.set("JOB_BACKEND", "celery")
        config.settings.set("REDIS_URL", "")
        with pytest.raises(RuntimeError, match="REDIS_URL"):
            app_module.background_manager()
        config.settings.set("REDIS_URL", "redis://127.0.0.1:6379/14")
        app_module.callbacks_celery.cache_clear()
        celery = app_module.background_manager()
        assert isinstance(celery, CeleryManager)
        assert celery.handle.conf.broker_url == "redis://127.0.0.1:6379/14"
        assert celery.handle.conf.task_default_queue == "callbacks"
    finally:
        config.settings.set("JOB_BACKEND", before[0])
        config.settings.set("REDIS_URL", before[1] or "")
        app_module.callbacks_celery.cache_clear()
