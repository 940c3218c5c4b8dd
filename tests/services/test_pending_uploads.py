"""Uploads kept for reading: read once into a dataset, found only by their owner,
and gone after reading, failing or being discarded."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from services import datasets, pending_uploads, storage
from services.errors import (
    FileTooLargeError,
    InvalidInputError,
    NotFoundError,
    UnreadableFileError,
)
from tests.conftest import SAMPLES, TEST_DATA
from tests.services.hostile_workbooks import whole_sheet_workbook


def _received(tmp_path: Path, source: Path) -> Path:
    """The file as the upload route streamed it: a copy under a scratch name."""
    copy = tmp_path / "received"
    shutil.copy(source, copy)
    return copy


def _pending(owner: int) -> list[Path]:
    folder = storage.user_dir(owner) / "pending"
    return sorted(folder.iterdir()) if folder.exists() else []


def test_a_kept_upload_is_read_once_with_its_steps(
    make_account: Any, tmp_path: Path
) -> None:
    owner = make_account().id
    source = SAMPLES / "air_passengers.csv"
    received = _received(tmp_path, source)
    kept = pending_uploads.keep(owner, "air_passengers.csv", received)
    assert kept.name == "air_passengers.csv" and len(_pending(owner)) == 1
    steps: list[str] = []
    info = pending_uploads.read(owner, kept.id, lambda _f, step: steps.append(step))
    assert info.name == "air_passengers.csv" and info.profile.rows == 144
    assert steps[0] == "Reading the file" and steps[-1] == "Saving the table"
    assert storage.raw_path(owner, info.id, ".csv").read_bytes() == source.read_bytes()
    assert _pending(owner) == []
    with pytest.raises(NotFoundError, match="Upload the file again"):
        pending_uploads.read(owner, kept.id)


def test_another_user_cannot_read_or_discard_an_upload(
    make_account: Any, tmp_path: Path
) -> None:
    owner, other = make_account().id, make_account().id
    source = _received(tmp_path, SAMPLES / "air_passengers.csv")
    kept = pending_uploads.keep(owner, "air_passengers.csv", source)
    for forged in (kept.id, "../" + kept.id, "not-an-id"):
        with pytest.raises(NotFoundError):
            pending_uploads.read(other, forged)
        pending_uploads.discard(other, forged)
    assert datasets.list_datasets(other) == [] and len(_pending(owner)) == 1
    assert pending_uploads.read(owner, kept.id).profile.rows == 144


def test_a_discarded_or_refused_upload_leaves_nothing(
    make_account: Any, tmp_path: Path
) -> None:
    owner = make_account().id
    source = SAMPLES / "air_passengers.csv"
    kept = pending_uploads.keep(owner, "a.csv", _received(tmp_path, source))
    pending_uploads.discard(owner, kept.id)
    assert _pending(owner) == []
    with pytest.raises(NotFoundError):
        pending_uploads.read(owner, kept.id)

    workbook = whole_sheet_workbook(tmp_path / "two_cells.xlsx")
    kept = pending_uploads.keep(owner, "two_cells.xlsx", workbook)
    with pytest.raises(FileTooLargeError, match="MAX_CELLS"):
        pending_uploads.read(owner, kept.id)
    assert _pending(owner) == [] and datasets.list_datasets(owner) == []

    with pytest.raises(UnreadableFileError):
        pending_uploads.keep(owner, "notes.docx", _received(tmp_path, source))
    assert _pending(owner) == []


ADDING = TEST_DATA / "adding"


def test_a_kept_upload_adds_newer_data_to_a_dataset_once(
    make_account: Any, tmp_path: Path
) -> None:
    owner, other = make_account().id, make_account().id
    info = datasets.create_dataset(
        owner, "history.csv", _received(tmp_path, ADDING / "history.csv")
    )
    kept = pending_uploads.keep(
        owner, "newer.csv", _received(tmp_path, ADDING / "newer.csv")
    )
    with pytest.raises(NotFoundError):  # another user's upload id is not found
        pending_uploads.add(other, kept.id, info.id)
    steps: list[str] = []
    added = pending_uploads.add(
        owner, kept.id, info.id, on_progress=lambda _f, step: steps.append(step)
    )
    assert (added.rows_added, added.values_revised) == (3, 1)
    assert datasets.get_dataset(owner, info.id).profile.rows == 21
    assert steps[-1] == "Done" and _pending(owner) == []
    with pytest.raises(NotFoundError):  # gone once added
        pending_uploads.add(owner, kept.id, info.id)


def test_an_upload_with_other_columns_changes_nothing_and_is_gone(
    make_account: Any, tmp_path: Path
) -> None:
    owner = make_account().id
    info = datasets.create_dataset(
        owner, "history.csv", _received(tmp_path, ADDING / "history.csv")
    )
    kept = pending_uploads.keep(
        owner, "other.csv", _received(tmp_path, ADDING / "other_columns.csv")
    )
    with pytest.raises(InvalidInputError) as raised:
        pending_uploads.add(owner, kept.id, info.id)
    assert raised.value.code == "columns_mismatch"
    assert "sales" in raised.value.message and "revenue" in raised.value.message
    assert datasets.get_dataset(owner, info.id).version_id == info.version_id
    assert _pending(owner) == []
