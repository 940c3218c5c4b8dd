"""What adding newer data did, in the sentence the Upload page shows."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path
from typing import Any

from services import datasets, versions
from services.adding_words import describe_added
from services.appending import add_data
from services.numbers import NumberStyle
from tests.conftest import TEST_DATA

ADDING = TEST_DATA / "adding"
FILL = [{"op": "impute", "column": "sales", "method": "linear"}]


def _copy(tmp_path: Path, name: str) -> Path:
    copy = tmp_path / f"sent-{name}"
    shutil.copy(ADDING / name, copy)
    return copy


def _history(owner: int, tmp_path: Path) -> datasets.DatasetInfo:
    return datasets.create_dataset(owner, "history.csv", _copy(tmp_path, "history.csv"))


def test_months_added_values_updated_and_the_steps_replayed_in_words(
    make_account: Any, tmp_path: Path
) -> None:
    owner = make_account().id
    info = _history(owner, tmp_path)
    versions.create_version(owner, info.id, None, FILL)
    added = add_data(owner, info.id, "newer.csv", _copy(tmp_path, "newer.csv"))
    assert describe_added(added) == (
        "Added 3 new months, updated 1 value; your cleaning steps were applied "
        "again (Filled 2 missing months of “sales” by linear interpolation)."
    )


def test_without_a_recipe_only_the_rows_are_told(
    make_account: Any, tmp_path: Path
) -> None:
    owner = make_account().id
    info = _history(owner, tmp_path)
    added = add_data(owner, info.id, "newer.csv", _copy(tmp_path, "newer.csv"))
    assert describe_added(added) == "Added 3 new months, updated 1 value."
    refreshing = dataclasses.replace(added, refresh_job_ids=["a", "b"])
    assert describe_added(refreshing).endswith(
        "value. The 2 forecasts set to refresh with new data are being refreshed now."
    )
    again = add_data(owner, info.id, "newer.csv", _copy(tmp_path, "newer.csv"))
    assert describe_added(again) == (
        "The file held nothing new: no rows added, no values changed."
    )


def test_replacing_the_history_says_what_was_removed(
    make_account: Any, tmp_path: Path
) -> None:
    owner = make_account().id
    info = _history(owner, tmp_path)
    added = add_data(
        owner, info.id, "newer.csv", _copy(tmp_path, "newer.csv"), mode="replace"
    )
    assert describe_added(added, NumberStyle.POINT_COMMA) == (
        "Replaced the whole history with the file: 3 new months, updated 1 value, "
        "16 rows of the old history removed."
    )
