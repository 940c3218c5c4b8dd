"""Background callbacks belong to the user who started them.

Dash (4.4.1) signs a background callback's handles (the page load's ``endId``, the
result's ``cacheKey``, the ``job``); the app signs them with a secret of the signed-in
user. These tests start the cleaning preview as user A through the real endpoint, then
replay A's handles from user B's session: B reads nothing, cancels nothing, and A still
gets the result, which is only there once (reading it deletes it).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from components import ids
from tests.callbacks import background_requests as renderer
from tests.callbacks.test_guard import sign_in
from tests.conftest import TEST_DATA, make_dataset


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
    end_a, end_b = renderer.end_id(client_a), renderer.end_id(client_b)
    body = renderer.preview_body(dash_app, ref)
    handles = renderer.start(client_a, end_a, body)

    # B replays A's handles, with A's page token and with its own: nothing comes back.
    for end_id in (end_a, end_b):
        answer = renderer.poll(client_b, end_id, body, handles)
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
            renderer.UPDATE,
            json=cancel,
            query_string={"endId": end_id, "cancelJob": handles["job"]},
        )
        assert answer.status_code in (200, 204), answer.get_data(as_text=True)
        renderer.start(
            client_b,
            end_id,
            renderer.preview_body(dash_app, None),
            oldJob=handles["job"],
        )

    # A's callback was neither stopped nor read: A gets its answer, once.
    text = renderer.result(client_a, end_a, body, handles)
    assert "would be treated" in text and "2024-" in text, text
    assert "response" not in json.dumps(
        renderer.poll(client_a, end_a, body, handles).json
    )


def test_the_user_comes_from_the_session_not_from_the_page(
    dash_app: Any, two_users: tuple[Any, Any, dict[str, str]]
) -> None:
    """B sends A's dataset reference: the callback runs as B, so it is not found."""
    _client_a, client_b, ref = two_users
    end_b = renderer.end_id(client_b)
    body = renderer.preview_body(dash_app, ref)
    text = renderer.result(client_b, end_b, body, renderer.start(client_b, end_b, body))
    assert "Choose" in text and "would be treated" not in text, text


def test_an_anonymous_poll_is_refused(
    server: Any, dash_app: Any, two_users: tuple[Any, Any, dict[str, str]]
) -> None:
    client_a, _client_b, ref = two_users
    end_a = renderer.end_id(client_a)
    body = renderer.preview_body(dash_app, ref)
    handles = renderer.start(client_a, end_a, body)
    answer = renderer.poll(server.test_client(), end_a, body, handles)
    assert answer.status_code == 401
    assert "would be treated" in renderer.result(client_a, end_a, body, handles)


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
