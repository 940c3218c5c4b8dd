"""The upload page's file route keeps the file for its background read, and that
read takes the user from the session: another user's upload id reads nothing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from components import ids
from services import datasets, storage
from tests.callbacks import background_requests as renderer
from tests.callbacks.test_guard import sign_in
from tests.conftest import SAMPLES

HEADERS = {"X-Requested-With": "forecast-studio"}


def _send(client: Any, path: Path, name: str) -> Any:
    with path.open("rb") as handle:
        form = {"file": (handle, name)}
        return client.post("/files/upload", data=form, headers=HEADERS)


def _read_body(dash_app: Any, uploaded: dict[str, str]) -> dict[str, Any]:
    """The upload page's background read, as Dash's renderer sends it."""
    key = next(k for k in dash_app.callback_map if ids.UPLOAD_READ_STORE in k)
    outputs = [o.split(".", 1) for o in key.strip(".").split("...")]
    value = {"id": ids.UPLOAD_RESULT_STORE, "property": "data", "value": uploaded}
    return {
        "output": key,
        "outputs": [{"id": id_, "property": prop} for id_, prop in outputs],
        "inputs": [value],
        "state": [],
        "changedPropIds": [f"{ids.UPLOAD_RESULT_STORE}.data"],
    }


def test_the_file_is_kept_for_its_owner_and_read_once(
    dash_app: Any, server: Any, make_account: Any
) -> None:
    a, b = make_account("password of a"), make_account("password of b")
    client_a, client_b = server.test_client(), server.test_client()
    sign_in(client_a, a, "password of a")
    sign_in(client_b, b, "password of b")
    kept = _send(client_a, SAMPLES / "air_passengers.csv", "air_passengers.csv")
    assert kept.status_code == 202, kept.get_data(as_text=True)
    uploaded = kept.get_json()
    assert uploaded["name"] == "air_passengers.csv"
    assert (storage.pending_upload_dir(a.id, uploaded["upload_id"])).is_dir()
    assert datasets.list_datasets(a.id) == []  # kept, not read yet

    # B sends A's upload id to the read: the read runs as B and finds nothing.
    end_b = renderer.end_id(client_b)
    body = _read_body(dash_app, uploaded)
    text = renderer.result(client_b, end_b, body, renderer.start(client_b, end_b, body))
    assert "no longer waiting" in text and datasets.list_datasets(b.id) == []

    # A's read makes the dataset, once; the kept file is gone.
    end_a = renderer.end_id(client_a)
    text = renderer.result(client_a, end_a, body, renderer.start(client_a, end_a, body))
    assert "Read air_passengers.csv" in text, text
    (made,) = datasets.list_datasets(a.id)
    assert json.loads(text)[ids.UPLOAD_READ_STORE]["data"] == {"dataset_id": made.id}
    assert not storage.pending_upload_dir(a.id, uploaded["upload_id"]).exists()
    again = renderer.result(
        client_a, end_a, body, renderer.start(client_a, end_a, body)
    )
    assert "no longer waiting" in again and len(datasets.list_datasets(a.id)) == 1


def test_a_file_of_another_type_is_refused_and_not_kept(
    server: Any, make_account: Any, tmp_path: Path
) -> None:
    a = make_account("password of a")
    client = server.test_client()
    sign_in(client, a, "password of a")
    notes = tmp_path / "notes.docx"
    notes.write_bytes(b"PK\x03\x04 not a table")
    answer = _send(client, notes, "notes.docx")
    assert 400 <= answer.status_code < 500
    assert answer.get_json()["error"]["message"]
    assert not (storage.user_dir(a.id) / "pending").exists()
