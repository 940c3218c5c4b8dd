"""Receiving an uploaded file into scratch space, shared by the API and the page."""

from __future__ import annotations

import tempfile
from pathlib import Path

from werkzeug.datastructures import FileStorage

from services import appending, datasets, pending_uploads, storage
from services.appending import AddedData
from services.datasets import DatasetInfo
from services.errors import InvalidInputError
from services.ingest import check_suffix
from services.pending_uploads import PendingUpload
from services.telemetry import metrics


def receive(
    upload: FileStorage | None, user_id: int, sheet: str | None = None
) -> DatasetInfo:
    """Stream an upload to disk, then make it a dataset of the user (the API).

    Raises
    ------
    InvalidInputError
        When no file was sent.
    UnreadableFileError
        When the file cannot be read as a table.
    """
    path, filename = _save(upload)
    try:
        return datasets.create_dataset(user_id, filename, path, sheet)
    finally:
        path.unlink(missing_ok=True)


def receive_more(
    upload: FileStorage | None,
    user_id: int,
    dataset_id: str,
    mode: str,
    sheet: str | None = None,
) -> AddedData:
    """Stream an upload to disk, then add it to one of the user's datasets (the API).

    Raises
    ------
    InvalidInputError
        When no file was sent, or it does not fit the dataset.
    NotFoundError
        When the dataset is not the user's.
    """
    path, filename = _save(upload)
    try:
        return appending.add_data(user_id, dataset_id, filename, path, mode, sheet)
    finally:
        path.unlink(missing_ok=True)


def keep(upload: FileStorage | None, user_id: int) -> PendingUpload:
    """Stream an upload to disk and keep it in the user's folder, to be read by the
    upload page's background callback.

    Raises
    ------
    InvalidInputError
        When no file was sent.
    UnreadableFileError
        When the file's type is not one the app reads.
    """
    path, filename = _save(upload)
    try:
        return pending_uploads.keep(user_id, filename, path)
    finally:
        path.unlink(missing_ok=True)


def _save(upload: FileStorage | None) -> tuple[Path, str]:
    """The upload streamed to scratch space (after a look at its name's suffix)."""
    if upload is None or not upload.filename:
        raise InvalidInputError(
            "Send the file in the multipart field “file”.", code="invalid_request"
        )
    check_suffix(upload.filename)
    with tempfile.NamedTemporaryFile(
        dir=storage.uploads_tmp_dir(), delete=False
    ) as tmp:
        upload.save(tmp)
    path = Path(tmp.name)
    metrics.observe_upload(path.stat().st_size)
    return path, upload.filename
