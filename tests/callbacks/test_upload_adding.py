"""Upload page, adding newer data: the file is sent as an upload is, then added to
the current dataset by the background callback, driven as Dash's renderer drives it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from components import ids
from services import datasets, pending_uploads, storage, versions
from tests.callbacks import background_requests as renderer
from tests.callbacks.test_guard import sign_in
from tests.conftest import TEST_DATA, make_dataset

ADDING = TEST_DATA / "adding"
HEADERS = {"X-Requested-With": "forecast-studio"}


@pytest.fixture
def owner(server: Any, make_account: Any, tmp_path: Path) -> tuple[Any, Any, Any]:
    """A signed-in session, its account and a monthly dataset cleaned once."""
    account = make_account("adding password")
    client = server.test_client()
    sign_in(client, account, "adding password")
    assert client.get("/_dash-layout").status_code == 200
    info = make_dataset(account.id, ADDING / "history.csv", tmp_path)
    versions.create_version(
        account.id, info.id, None, [{"op": "impute", "column": "sales"}]
    )
    return client, account, datasets.get_dataset(account.id, info.id)


def _send(client: Any, name: str) -> dict[str, Any]:
    """The file as assets/upload.js sends it: kept, its id handed to the page."""
    with (ADDING / name).open("rb") as handle:
        answer = client.post(
            "/files/upload", data={"file": (handle, name)}, headers=HEADERS
        )
    assert answer.status_code == 202, answer.get_data(as_text=True)
    return dict(answer.get_json())


def _add_body(
    dash_app: Any, uploaded: dict[str, Any], ref: dict[str, Any], mode: str
) -> dict[str, Any]:
    """The request the page sends when the add store gets the kept upload's id."""
    key = next(
        key
        for key in dash_app.callback_map
        if ids.UPLOAD_ADD_STATUS in key and ids.DATASET_STORE in key
    )
    outputs = [
        dict(zip(("id", "property"), part.rsplit(".", 1), strict=True))
        for part in key[2:-2].split("...")
    ]
    return {
        "output": key,
        "outputs": outputs,
        "inputs": [{"id": ids.UPLOAD_ADD_STORE, "property": "data", "value": uploaded}],
        "state": [
            {"id": ids.DATASET_STORE, "property": "data", "value": ref},
            {"id": ids.UPLOAD_ADD_MODE, "property": "value", "value": mode},
        ],
        "changedPropIds": [f"{ids.UPLOAD_ADD_STORE}.data"],
    }


def _add(client: Any, dash_app: Any, name: str, ref: dict[str, Any] | None) -> Any:
    """Send the file and run the background add to its answer (the outputs)."""
    body = _add_body(dash_app, _send(client, name), ref, "append")
    end_id = renderer.end_id(client)
    answer = renderer.result(client, end_id, body, renderer.start(client, end_id, body))
    return json.loads(answer)


def test_newer_months_are_added_the_steps_replayed_and_the_page_follows(
    dash_app: Any, logged_in: Any, owner: tuple[Any, Any, Any]
) -> None:
    client, account, info = owner
    ref = {"dataset_id": info.id, "version_id": info.version_id}
    answer = _add(client, dash_app, "newer.csv", ref)

    now = datasets.get_dataset(account.id, info.id)
    assert now.version_id != info.version_id and now.profile.rows == 21
    store = answer[ids.DATASET_STORE]["data"]
    assert store == {"dataset_id": info.id, "version_id": now.version_id}
    said = json.dumps(answer[ids.UPLOAD_ADD_STATUS]["children"], ensure_ascii=False)
    assert "Added 3 new months, updated 1 value; your cleaning steps were " in said
    assert "Filled 2 missing months of “sales”" in said and "success" in said
    pending = storage.user_dir(account.id) / "pending"
    assert not pending.exists() or not any(pending.iterdir())  # nothing left kept
    # The page then shows the new version: the summary counts its rows.
    from callbacks import upload, upload_adding

    with logged_in(account):
        style, title = upload_adding.offer_adding(store)
        summary = str(upload.summarise(store)[0])
    assert style == {} and title == f"Add newer data to “{info.name}”"
    assert "children='21', className='fact-value'" in summary
    assert "2024-09-01" in summary


def test_other_columns_are_refused_by_name_and_nothing_changes(
    dash_app: Any, owner: tuple[Any, Any, Any]
) -> None:
    client, account, info = owner
    ref = {"dataset_id": info.id, "version_id": info.version_id}
    answer = _add(client, dash_app, "other_columns.csv", ref)

    assert ids.DATASET_STORE not in answer  # no_update: the page keeps its version
    said = json.dumps(answer[ids.UPLOAD_ADD_STATUS]["children"], ensure_ascii=False)
    assert "danger" in said and "sales" in said and "revenue" in said
    assert "Traceback" not in said and "Error" not in said
    assert datasets.get_dataset(account.id, info.id).version_id == info.version_id
    assert len(versions.list_versions(account.id, info.id)) == 2


def test_without_a_current_dataset_the_file_is_not_kept(
    dash_app: Any, owner: tuple[Any, Any, Any]
) -> None:
    client, account, _info = owner
    answer = _add(client, dash_app, "newer.csv", None)
    said = json.dumps(answer[ids.UPLOAD_ADD_STATUS]["children"], ensure_ascii=False)
    assert "Choose the dataset" in said and ids.DATASET_STORE not in answer
    pending = storage.user_dir(account.id) / "pending"
    assert not pending.exists() or not any(pending.iterdir())


def test_cancel_forgets_the_kept_file(
    logged_in: Any, make_account: Any, dash_app: Any, tmp_path: Path
) -> None:
    from callbacks import upload_adding

    account = make_account()
    received = tmp_path / "received"
    received.write_bytes((ADDING / "newer.csv").read_bytes())
    kept = pending_uploads.keep(account.id, "newer.csv", received)
    uploaded = {"upload_id": kept.id, "name": kept.name}
    with logged_in(account):
        alert = upload_adding.forget_cancelled(1, uploaded)
    assert "nothing was added" in str(alert)
    with pytest.raises(Exception, match="no longer waiting"):
        pending_uploads.add(account.id, kept.id, "any")
