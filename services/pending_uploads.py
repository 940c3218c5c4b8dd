"""Uploads the page has sent and the app has not read yet.

The upload page sends a file to be kept, under an id the server issues, in the user's
own folder; a background callback then reads it into a dataset (or adds it to one as
newer data), with its steps shown and a Cancel. The id is looked up only in the
folder of the user who asks, so another user's id is simply not found. Reading,
adding or discarding an upload removes it, whatever the outcome.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from services import appending, datasets, db, storage
from services.appending import AddedData
from services.datasets import DatasetInfo
from services.errors import NotFoundError
from services.ingest import check_suffix

# An upload still unread after this long was abandoned (its process ended mid-read).
ABANDONED_AFTER_S = 24 * 3600
_NAME = "name.txt"  # the file's name as the user had it: shown, never used in paths


@dataclass(frozen=True)
class PendingUpload:
    """An upload kept for reading: its server-issued id and the file's name."""

    id: str
    name: str


def keep(user_id: int, filename: str, source: Path) -> PendingUpload:
    """Move a received file into the user's folder, to be read by :func:`read`.

    Examples
    --------
    >>> upload = keep(user_id, "sales.csv", received)  # doctest: +SKIP
    >>> read(user_id, upload.id).name  # doctest: +SKIP
    'sales.csv'

    Raises
    ------
    UnreadableFileError
        When the file's type is not one the app reads (nothing is kept).

    """
    suffix = check_suffix(filename)
    _forget_abandoned(user_id)
    upload = PendingUpload(db.new_id(), Path(filename).name[:255] or "upload")
    folder = storage.pending_upload_dir(user_id, upload.id)
    folder.mkdir(parents=True)
    (folder / _NAME).write_text(upload.name, encoding="utf-8")
    shutil.move(source, folder / f"raw{suffix}")
    return upload


def read(
    user_id: int,
    upload_id: str,
    on_progress: Callable[[float, str], None] | None = None,
) -> DatasetInfo:
    """Read a kept upload into a new dataset of the user.

    ``on_progress`` is told the steps. The upload is removed afterwards, read or not.

    Raises
    ------
    NotFoundError
        When the user has no such upload (already read, cancelled, or not theirs).
    UnreadableFileError, FileTooLargeError
        As :func:`services.datasets.create_dataset`.

    """
    folder, name, source = _kept(user_id, upload_id)
    try:
        return datasets.create_dataset(
            user_id,
            name,
            source,
            on_progress=on_progress,
            staged=folder / "table.parquet",
        )
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def add(
    user_id: int,
    upload_id: str,
    dataset_id: str,
    mode: str = "append",
    on_progress: Callable[[float, str], None] | None = None,
) -> AddedData:
    """Add a kept upload to one of the user's datasets, as newer data.

    The file is read and merged as :func:`services.appending.add_data` does, in
    ``mode`` ``append`` or ``replace``; ``on_progress`` is told the steps. The upload
    is removed afterwards, added or not.

    Raises
    ------
    NotFoundError
        When the user has no such upload, or no such dataset.
    InvalidInputError
        When the file's columns are not the dataset's (``columns_mismatch``), or
        as :func:`services.appending.add_data` says.
    UnreadableFileError, FileTooLargeError
        As for an upload.

    Examples
    --------
    >>> kept = keep(user_id, "sales-march.csv", received)  # doctest: +SKIP
    >>> add(user_id, kept.id, dataset.id).rows_added  # doctest: +SKIP
    3

    """
    folder, name, source = _kept(user_id, upload_id)
    try:
        return appending.add_data(
            user_id, dataset_id, name, source, mode, on_progress=on_progress
        )
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def discard(user_id: int, upload_id: str) -> None:
    """Remove a kept upload of the user (after Cancel); no such upload is no error."""
    try:
        shutil.rmtree(_folder(user_id, upload_id), ignore_errors=True)
    except NotFoundError:
        pass


def _kept(user_id: int, upload_id: str) -> tuple[Path, str, Path]:
    """The upload's folder, the file's name as the user had it, and the file."""
    folder = _folder(user_id, upload_id)
    try:
        name = (folder / _NAME).read_text(encoding="utf-8")
        source = next(folder.glob("raw.*"))
    except (OSError, StopIteration):
        shutil.rmtree(folder, ignore_errors=True)
        raise _gone() from None
    return folder, name, source


def _folder(user_id: int, upload_id: str) -> Path:
    try:
        folder = storage.pending_upload_dir(user_id, upload_id)
    except ValueError:  # not an id the server issues
        raise _gone() from None
    if not folder.is_dir():
        raise _gone()
    return folder


def _gone() -> NotFoundError:
    return NotFoundError(
        "This upload is no longer waiting to be read (it was read or cancelled). "
        "Upload the file again."
    )


def _forget_abandoned(user_id: int) -> None:
    """Remove uploads whose reading never finished (a process that ended mid-read)."""
    pending = storage.user_dir(user_id) / "pending"
    if not pending.is_dir():
        return
    cutoff = time.time() - ABANDONED_AFTER_S
    for folder in pending.iterdir():
        if folder.stat().st_mtime < cutoff:
            shutil.rmtree(folder, ignore_errors=True)
