"""The step bar's check marks: the steps done for the current dataset, its owner's."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from dash.exceptions import PreventUpdate

from components import ids
from components.shell import STEPS, step_key
from services import datasets
from tests.auth.helpers import sign_in
from tests.conftest import TEST_DATA, make_dataset

KEYS = [step_key(path) for path, *_rest in STEPS]


def _bar(dash_app: Any, client: Any, ref: Any, explored: Any) -> dict[str, str]:
    """What the bar callback answers a browser whose shell shows the six steps:
    each step's key and what its mark says (empty when not done)."""
    key = next(k for k in dash_app.callback_map if ids.NAV_STEP_DONE in k)
    marks = [{"type": ids.NAV_STEP_DONE, "step": step} for step in KEYS]
    body = {
        "output": key,
        "outputs": [{"id": mark, "property": "children"} for mark in marks],
        "inputs": [
            {"id": ids.URL, "property": "pathname", "value": "/models"},
            {"id": ids.DATASET_STORE, "property": "data", "value": ref},
            {"id": ids.EXPLORED_STORE, "property": "data", "value": explored},
            {"id": ids.STEPS_CHANGED_STORE, "property": "data", "value": 1},
        ],
        "state": [],
        "changedPropIds": [f"{ids.DATASET_STORE}.data"],
    }
    answer = client.post("/_dash-update-component", json=body)
    assert answer.status_code == 200, answer.get_data(as_text=True)
    props = answer.get_json()["response"]
    said = {}
    for mark in marks:
        children = props[json.dumps(mark, sort_keys=True, separators=(",", ":"))]
        said[mark["step"]] = json.dumps(children["children"])
    return said


def test_the_bar_marks_each_step_done_and_says_so(
    make_account: Any, server: Any, dash_app: Any, tmp_path: Path
) -> None:
    owner = make_account("owner password")
    info = make_dataset(owner.id, TEST_DATA / "messy" / "gaps.csv", tmp_path)
    datasets.update_columns(owner.id, info.id, {"target": "sales"})
    ref = {"dataset_id": info.id, "version_id": info.version_id}
    client = server.test_client()
    sign_in(client, owner.username, "owner password")
    said = _bar(dash_app, client, ref, [info.id])
    done = {step for step, text in said.items() if text != "null"}
    assert done == {"upload", "columns", "explore"}
    for step in done:  # a check mark, and "done" for screen readers
        assert "bi-check-circle-fill" in said[step] and "(done)" in said[step]
    assert set(_bar(dash_app, client, None, None).values()) == {"null"}


def test_done_steps_follow_the_database_and_the_visits(
    logged_in: Any, make_account: Any, dash_app: Any, tmp_path: Path
) -> None:
    from callbacks import steps as bar

    owner = make_account()
    info = make_dataset(owner.id, TEST_DATA / "messy" / "gaps.csv", tmp_path)
    ref = {"dataset_id": info.id, "version_id": info.version_id}
    with logged_in(owner):
        assert bar.done_for(None, None) == set()
        assert bar.done_for(ref, None) == {"upload"}
    datasets.update_columns(owner.id, info.id, {"target": "sales"})
    with logged_in(owner):
        assert bar.done_for(ref, []) == {"upload", "columns"}
        # Visiting Explore with the dataset remembers it for the session...
        explored = bar.remember_explored("/explore", ref, ["other"])
        assert explored == ["other", info.id]
        with pytest.raises(PreventUpdate):  # ...once
            bar.remember_explored("/explore", ref, explored)
        with pytest.raises(PreventUpdate):  # and only Explore counts
            bar.remember_explored("/models", ref, None)
        assert bar.done_for(ref, explored) == {"upload", "columns", "explore"}


def test_another_accounts_dataset_shows_nothing_done(
    logged_in: Any, make_account: Any, dash_app: Any, tmp_path: Path
) -> None:
    from callbacks import steps as bar

    owner, other = make_account(), make_account()
    info = make_dataset(owner.id, TEST_DATA / "messy" / "gaps.csv", tmp_path)
    ref = {"dataset_id": info.id, "version_id": info.version_id}
    with logged_in(other):
        assert bar.done_for(ref, [info.id]) == set()
