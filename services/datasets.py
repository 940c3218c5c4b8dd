"""Datasets and their versions: store an upload once, read any version back."""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import polars as pl
from sqlalchemy import select
from sqlalchemy.orm import Session

from services import db, storage
from services.errors import InvalidInputError, NotFoundError
from services.ingest import check_suffix
from services.parse_process import ParsedUpload, parse_upload
from services.profiling import ColumnsConfig, Profile, profile_table


@dataclass(frozen=True)
class DatasetInfo:
    """A dataset as the pages and the API show it: its current version's profile."""

    id: str
    name: str
    version_id: str
    version_number: int
    created_at: datetime
    profile: Profile
    columns_config: ColumnsConfig


def create_dataset(
    user_id: int,
    filename: str,
    source: Path,
    sheet: str | None = None,
    on_progress: Callable[[float, str], None] | None = None,
    staged: Path | None = None,
) -> DatasetInfo:
    """Read an uploaded file, profile it and store it as a dataset with version 1.

    The file is read in a child process (``services.parse_process``), within the
    size, time and memory limits of the settings, which tells ``on_progress`` its
    steps. The file at ``source`` is moved into the user's folder and kept unchanged.
    The child writes the table to ``staged`` (scratch space by default) first.

    Raises
    ------
    UnreadableFileError
        When the file's type or content cannot be read as a table.
    FileTooLargeError
        When the table is over a limit, or reading it ran out of time or memory.

    """
    suffix = check_suffix(filename)
    staged = staged or _staged_path()
    try:
        parsed = parse_upload(source, suffix, sheet, staged, on_progress=on_progress)
        name = Path(filename).name[:255] or "upload"
        with db.session() as s:
            dataset = db.Dataset(
                id=db.new_id(),
                user_id=user_id,
                name=name,
                raw_suffix=suffix,
                columns_config={},
            )
            raw = storage.raw_path(user_id, dataset.id, suffix)
            shutil.move(source, raw)
            raw.chmod(0o440)
            s.add(dataset)
            read = parsed.profile.sheet
            recipe = [{"op": "read", "sheet": read}] if read else []
            version = _add_parsed_version(s, dataset, staged, parsed, user_id, recipe)
            return _info(dataset, version)
    finally:
        staged.unlink(missing_ok=True)


def _staged_path() -> Path:
    """Where a child process writes the table it read, before it becomes a version."""
    return storage.uploads_tmp_dir() / f"{db.new_id()}.parquet"


def _add_parsed_version(
    s: Session,
    dataset: db.Dataset,
    staged: Path,
    parsed: ParsedUpload,
    user_id: int,
    recipe: list[Any],
    parent: str | None = None,
) -> db.DatasetVersion:
    """Make the Parquet file a child process wrote the dataset's next version."""
    version_id = db.new_id()
    path = storage.version_path(user_id, dataset.id, version_id)
    os.replace(staged, path)
    return _record_version(
        s,
        dataset,
        version_id,
        path,
        (parsed.rows, parsed.missing),
        parsed.profile,
        user_id,
        recipe,
        parent,
    )


def add_version(
    s: Session,
    dataset: db.Dataset,
    frame: pl.DataFrame,
    profile: Profile,
    user_id: int,
    recipe: list[Any],
    parent: str | None = None,
    changes: list[Any] | None = None,
    version_id: str | None = None,
) -> db.DatasetVersion:
    """Store ``frame`` as the dataset's next version and make it current.

    The version is written as read-only Parquet; the dataset's profile follows, with
    the user's column choices applied. ``version_id`` is a new id by default (a
    caller that names other files after the version issues it first).
    """
    version_id = version_id or db.new_id()
    path = storage.version_path(user_id, dataset.id, version_id)
    frame.write_parquet(path, compression="lz4")
    counts = (frame.height, int(sum(frame.null_count().row(0))))
    return _record_version(
        s, dataset, version_id, path, counts, profile, user_id, recipe, parent, changes
    )


def _record_version(
    s: Session,
    dataset: db.Dataset,
    version_id: str,
    path: Path,
    counts: tuple[int, int],
    profile: Profile,
    user_id: int,
    recipe: list[Any],
    parent: str | None = None,
    changes: list[Any] | None = None,
) -> db.DatasetVersion:
    """The row of a version written to ``path`` (its rows and missing ``counts``)."""
    path.chmod(0o440)
    number = 1 + len(
        list(
            s.scalars(
                select(db.DatasetVersion.id).where(
                    db.DatasetVersion.dataset_id == dataset.id
                )
            )
        )
    )
    version = db.DatasetVersion(
        id=version_id,
        dataset_id=dataset.id,
        parent_id=parent,
        number=number,
        recipe=recipe,
        content_hash=_file_hash(path),
        rows=counts[0],
        missing=counts[1],
        changes=changes or [],
        profile=profile.model_dump(),
        author_id=user_id,
    )
    s.add(version)
    dataset.current_version_id = version_id
    config = ColumnsConfig.model_validate(dataset.columns_config or {})
    if config != ColumnsConfig():
        profile = effective_profile(pl.read_parquet(path), config, profile)
    dataset.profile = profile.model_dump()
    s.flush()
    return version


def effective_profile(
    frame: pl.DataFrame, config: ColumnsConfig, detected: Profile | None = None
) -> Profile:
    """The profile with the user's column choices, for a table they may not fit.

    Choices naming a column the table no longer has (a cleaning step renamed it, say)
    fall back to what was recognised; read notes and sheets carry over.
    """
    present = set(frame.columns)
    fitting = config.model_copy(
        update={
            "roles": {k: v for k, v in config.roles.items() if k in present},
            "time_column": config.time_column
            if config.time_column in present
            else None,
            "target": config.target if config.target in present else None,
            "series_id_columns": config.series_id_columns
            if set(config.series_id_columns or []) <= present
            else None,
        }
    )
    profile = profile_table(frame, detected.read_notes if detected else None, fitting)
    if detected is not None:
        profile.sheet, profile.sheets = detected.sheet, detected.sheets
    return profile


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
        profile=Profile.model_validate(dataset.profile or version.profile),
        columns_config=ColumnsConfig.model_validate(dataset.columns_config or {}),
    )


def owned_dataset(s: Session, user_id: int, dataset_id: str) -> db.Dataset:
    """The user's dataset row.

    Raises
    ------
    NotFoundError
        When it does not exist or belongs to someone else.

    """
    dataset = s.get(db.Dataset, dataset_id) if isinstance(dataset_id, str) else None
    if dataset is None or dataset.user_id != user_id:
        raise NotFoundError("This dataset does not exist, or it is not yours.")
    return dataset


def get_dataset(user_id: int, dataset_id: str) -> DatasetInfo:
    """One of the user's datasets, at its current version.

    Raises
    ------
    NotFoundError
        When it does not exist or belongs to someone else.

    """
    with db.session() as s:
        dataset = owned_dataset(s, user_id, dataset_id)
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


def version_file(user_id: int, dataset_id: str, version_id: str | None = None) -> Path:
    """The Parquet file of a version (the current one by default).

    Raises
    ------
    NotFoundError
        When the dataset or version does not exist or is not the user's.

    """
    # Only ids are read: a wide table's profiles are megabytes of JSON. (str(): ids
    # from a browser may be anything, and anything else is simply not found.)
    ids = select(db.Dataset.user_id, db.Dataset.current_version_id)
    versions = select(db.DatasetVersion.dataset_id)
    with db.session() as s:
        row = s.execute(ids.where(db.Dataset.id == str(dataset_id))).one_or_none()
        if row is None or row.user_id != user_id:
            raise NotFoundError("This dataset does not exist, or it is not yours.")
        version_id = str(version_id or row.current_version_id)
        if s.scalar(versions.where(db.DatasetVersion.id == version_id)) != dataset_id:
            raise NotFoundError("This version of the dataset does not exist.")
    return storage.version_path(user_id, dataset_id, version_id)


def open_version(
    user_id: int, dataset_id: str, version_id: str | None = None
) -> pl.DataFrame:
    """The table of a version (the current one by default)."""
    return pl.read_parquet(version_file(user_id, dataset_id, version_id))


def update_columns(
    user_id: int, dataset_id: str, changes: dict[str, Any]
) -> DatasetInfo:
    """Save the user's column choices and re-profile the dataset with them.

    Parameters
    ----------
    changes
        Any of ``roles`` (merged into earlier choices), ``time_column``, ``target``
        and ``series_id_columns``; a ``None`` value returns to the detected choice.

    Raises
    ------
    InvalidInputError
        For a column that does not exist or a choice that does not fit its type.

    """
    with db.session() as s:
        dataset = owned_dataset(s, user_id, dataset_id)
        version = s.get_one(db.DatasetVersion, dataset.current_version_id)
        merged = dict(dataset.columns_config or {})
        roles = {**merged.get("roles", {}), **(changes.get("roles") or {})}
        detected = Profile.model_validate(version.profile)
        # A role set back to what was detected is no longer an override.
        detected_roles = {c.name: c.role for c in detected.columns}
        roles = {k: v for k, v in roles.items() if detected_roles.get(k) != v}
        merged.update({k: v for k, v in changes.items() if k != "roles"}, roles=roles)
        config = ColumnsConfig.model_validate(merged)
        frame = pl.read_parquet(storage.version_path(user_id, dataset.id, version.id))
        _check_choices(frame, config, detected)
        dataset.columns_config = config.model_dump()
        dataset.profile = effective_profile(frame, config, detected).model_dump()
        return _info(dataset, version)


def read_sheet(user_id: int, dataset_id: str, sheet: str) -> DatasetInfo:
    """Read another sheet of an uploaded workbook as the dataset's new current version.

    Read in a child process, as an upload is.

    Raises
    ------
    InvalidInputError
        When the dataset is not a workbook or has no such sheet.
    FileTooLargeError
        When the sheet is over a limit, or reading it ran out of time or memory.

    """
    with db.session() as s:
        dataset = owned_dataset(s, user_id, dataset_id)
        if dataset.raw_suffix != ".xlsx":
            raise InvalidInputError(
                "Only Excel workbooks have sheets.", code="invalid_sheet"
            )
        raw = storage.raw_path(user_id, dataset.id, dataset.raw_suffix)
    staged = _staged_path()
    try:
        parsed = parse_upload(raw, ".xlsx", sheet, staged)
        with db.session() as s:
            dataset = owned_dataset(s, user_id, dataset_id)
            dataset.columns_config = {}  # another sheet has other columns
            recipe = [{"op": "read", "sheet": parsed.profile.sheet}]
            parent = dataset.current_version_id
            version = _add_parsed_version(
                s, dataset, staged, parsed, user_id, recipe, parent
            )
            return _info(dataset, version)
    finally:
        staged.unlink(missing_ok=True)


def _check_choices(
    frame: pl.DataFrame, config: ColumnsConfig, detected: Profile
) -> None:
    named = [*config.roles, *(config.series_id_columns or [])]
    named += [c for c in (config.time_column, config.target) if c]
    for name in named:
        if name not in frame.columns:
            raise InvalidInputError(
                f"The dataset has no column “{name}”.", code="unknown_column"
            )
    for name, role in config.roles.items():
        dtype = frame.schema[name]
        if role == "time" and not dtype.is_temporal():
            raise InvalidInputError(
                f"“{name}” does not hold dates the app can read, so it cannot be the "
                "time column.",
                code="invalid_role",
            )
        if role == "numeric" and not dtype.is_numeric():
            raise InvalidInputError(
                f"“{name}” does not hold numbers.", code="invalid_role"
            )
    if config.time_column and not frame.schema[config.time_column].is_temporal():
        raise InvalidInputError(
            f"“{config.time_column}” does not hold dates the app can read.",
            code="invalid_role",
        )
    if config.target and not frame.schema[config.target].is_numeric():
        raise InvalidInputError(
            f"“{config.target}” does not hold numbers, so it cannot be forecast.",
            code="invalid_target",
        )
    series = config.series_id_columns or []
    if len(set(series)) < len(series):
        raise InvalidInputError(
            "Name each column that identifies the series once.",
            code="invalid_series_id",
        )
    # The time column the profile will use: chosen, or the first with the time role.
    roles = {c.name: c.role for c in detected.columns} | config.roles
    time = config.time_column or next(
        (name for name in frame.columns if roles.get(name) == "time"), None
    )
    if time is not None and time in series:
        raise InvalidInputError(
            f"“{time}” is the time column, so it cannot also name the series. Choose "
            "the columns that tell one series from another (a store, a product).",
            code="invalid_series_id",
        )
