"""The step bar's check marks: the steps done for the current dataset, its owner's."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from dash.exceptions import PreventUpdate

from components.shell import STEPS
from services import datasets
from tests.conftest import TEST_DATA, make_dataset


def _marked(answer: list[Any]) -> list[str]:
    """The steps an answer marks done, by key, and each mark says "done" aloud."""
    keys = [path.strip("/") for path, *_rest in STEPS]
    assert len(answer) == len(keys)
    marked = [key for key, mark in zip(keys, answer, strict=True) if mark]
    for key, mark in zip(keys, answer, strict=True):
        if mark:
            assert "(done)" in str(mark) and "visually-hidden" in str(mark), key
    return marked


def test_the_bar_marks_what_the_database_and_the_visits_say(
    logged_in: Any, make_account: Any, dash_app: Any, tmp_path: Path
) -> None:
    from callbacks import steps as bar

    owner = make_account()
    info = make_dataset(owner.id, TEST_DATA / "messy" / "gaps.csv", tmp_path)
    ref = {"dataset_id": info.id, "version_id": info.version_id}
    with logged_in(owner):
        assert _marked(bar.mark_done_steps("/", None, None)) == []
        assert _marked(bar.mark_done_steps("/upload", ref, None)) == ["upload"]
    datasets.update_columns(owner.id, info.id, {"target": "sales"})
    with logged_in(owner):
        assert _marked(bar.mark_done_steps("/columns", ref, [])) == [
            "upload",
            "columns",
        ]
        # Visiting Explore with the dataset remembers it for the session...
        explored = bar.remember_explored("/explore", ref, ["other"])
        assert explored == ["other", info.id]
        with pytest.raises(PreventUpdate):  # ...once
            bar.remember_explored("/explore", ref, explored)
        with pytest.raises(PreventUpdate):  # and only Explore counts
            bar.remember_explored("/models", ref, None)
        assert _marked(bar.mark_done_steps("/models", ref, explored)) == [
            "upload",
            "columns",
            "explore",
        ]


def test_another_accounts_dataset_shows_nothing_done(
    logged_in: Any, make_account: Any, dash_app: Any, tmp_path: Path
) -> None:
    from callbacks import steps as bar

    owner, other = make_account(), make_account()
    info = make_dataset(owner.id, TEST_DATA / "messy" / "gaps.csv", tmp_path)
    ref = {"dataset_id": info.id, "version_id": info.version_id}
    with logged_in(other):
        assert _marked(bar.mark_done_steps("/upload", ref, [info.id])) == []
