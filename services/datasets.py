"""Datasets and their versions: store an upload once, read any version back."""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import polars as pl
from sqlalchemy import select

from services import db, storage
from services.errors import NotFoundError
from services.ingest import check_suffix, read_table
from services.profiling import Profile, profile_table


@dataclass(frozen=True)
class DatasetInfo:
    """A dataset as the pages and the API show it: its current version's profile."""

    id: str
    name: str
    version_id: str
    version_number: int
    created_at: datetime
    profile: Profile
    columns_config: dict[str, Any]


def create_dataset(
    user_id: int, filename: str, source: Path, sheet: str | None = None
) -> DatasetInfo:
    """Read an uploaded file, profile it and store it as a dataset with version 1.

    The file at ``source`` is moved into the user's folder and kept unchanged.

    Raises
    ------
    UnreadableFileError
        When the file's type or content cannot be read as a table.

    """
    suffix = check_suffix(filename)
    read = read_table(source, suffix, sheet)
    frame = read.frame
    profile = profile_table(frame, read.notes)
    name = Path(filename).name[:255] or "upload"
    with db.session() as s:
        dataset = db.Dataset(
            id=db.new_id(),
            user_id=user_id,
            name=name,
            raw_suffix=suffix,
            columns_config={},
        )
        version_id = db.new_id()
        raw = storage.raw_path(user_id, dataset.id, suffix)
        shutil.move(source, raw)
        raw.chmod(0o440)
        path = storage.version_path(user_id, dataset.id, version_id)
        frame.write_parquet(path)
        path.chmod(0o440)
        dataset.current_version_id = version_id
        s.add(dataset)
        s.add(
            db.DatasetVersion(
                id=version_id,
                dataset_id=dataset.id,
                parent_id=None,
                number=1,
                recipe=[],
                content_hash=_file_hash(path),
                rows=frame.height,
                profile=profile.model_dump(),
                author_id=user_id,
            )
        )
        s.flush()
        return _info(dataset, s.get_one(db.DatasetVersion, version_id))


def _file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _info(dataset: db.Dataset, version: db.DatasetVersion) -> DatasetInfo:
    return DatasetInfo(
        id=dataset.id,
        name=dataset.name,
        version_id=version.id,
        version_number=version.number,
        created_at=dataset.created_at,
        profile=Profile.model_validate(version.profile),
        columns_config=dict(dataset.columns_config or {}),
    )


def _owned(s: Any, user_id: int, dataset_id: str) -> db.Dataset:
    dataset = s.get(db.Dataset, dataset_id) if isinstance(dataset_id, str) else None
    if dataset is None or dataset.user_id != user_id:
        raise NotFoundError("This dataset does not exist, or it is not yours.")
    return dataset  # type: ignore[no-any-return]


def get_dataset(user_id: int, dataset_id: str) -> DatasetInfo:
    """One of the user's datasets, at its current version.

    Raises
    ------
    NotFoundError
        When it does not exist or belongs to someone else.

    """
    with db.session() as s:
        dataset = _owned(s, user_id, dataset_id)
        return _info(dataset, s.get_one(db.DatasetVersion, dataset.current_version_id))


def list_datasets(user_id: int) -> list[DatasetInfo]:
    """The user's datasets, newest first."""
    with db.session() as s:
        rows = s.scalars(
            select(db.Dataset)
            .where(db.Dataset.user_id == user_id)
            .order_by(db.Dataset.created_at.desc())
        )
        return [
            _info(d, s.get_one(db.DatasetVersion, d.current_version_id)) for d in rows
        ]


def open_version(
    user_id: int, dataset_id: str, version_id: str | None = None
) -> pl.DataFrame:
    """The table of a version (the current one by default).

    Raises
    ------
    NotFoundError
        When the dataset or version does not exist or is not the user's.

    """
    with db.session() as s:
        dataset = _owned(s, user_id, dataset_id)
        version_id = version_id or dataset.current_version_id
        version = s.get(db.DatasetVersion, version_id) if version_id else None
        if version is None or version.dataset_id != dataset.id:
            raise NotFoundError("This version of the dataset does not exist.")
    return pl.read_parquet(storage.version_path(user_id, dataset_id, version.id))


def preview(user_id: int, dataset_id: str, rows: int = 10) -> pl.DataFrame:
    """The first rows of the current version, read without loading the whole table."""
    info = get_dataset(user_id, dataset_id)
    path = storage.version_path(user_id, dataset_id, info.version_id)
    return pl.scan_parquet(path).head(rows).collect()
