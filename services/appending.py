"""New data for an existing dataset: add next month's rows, or replace the history.

The file is read as an upload is (in a child process, within the same limits). Its
columns must be the dataset's. The grown table becomes a new immutable version read
from a file; when the current version was made by cleaning, the same recipe is
replayed on the grown table and that result becomes current. Earlier versions stay.
"""

from __future__ import annotations

import dataclasses
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, cast, get_args

import polars as pl

from services import db, refresh, storage
from services.cleaning import Change, apply_recipe, parse_recipe
from services.datasets import add_version, owned_dataset
from services.errors import InvalidInputError
from services.ingest import check_suffix
from services.merging import Merged, align_types, check_columns, merge_rows
from services.parse_process import ParsedUpload, parse_upload
from services.profiling import Frequency, Profile, profile_table
from services.versions import FILE_OPS, layout_of

AddMode = Literal["append", "replace"]
ADD_MODES: tuple[str, ...] = get_args(AddMode)
# The share of the progress the reading child reports; the rest is merging and replay.
READING_SHARE = 0.7


@dataclass(frozen=True)
class AddedData:
    """What adding a file did: the new current version and the counts to show.

    ``raw_version_id`` is the grown table as read; ``version_id`` is the current
    version, the recipe's replay when ``recipe_replayed`` (else the same id).
    ``changes`` are what the replayed steps did, as a cleaning version stores them;
    ``steps`` are those steps, in the order the changes number them, and
    ``frequency`` is that of the grown table the steps started from (together they
    let :func:`services.cleaning_words.describe_changes` say what each did).
    ``rows_removed`` is ``None`` in ``append`` mode. ``refresh_job_ids`` are the
    refresh jobs of the dataset's forecasts set to refresh when data is added.
    """

    dataset_id: str
    mode: AddMode
    version_id: str
    raw_version_id: str
    rows_added: int
    values_revised: int
    rows_removed: int | None
    recipe_replayed: bool
    changes: list[dict[str, Any]]
    profile: Profile
    steps: list[dict[str, Any]] = field(default_factory=list)
    frequency: Frequency | None = None
    refresh_job_ids: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Lineage:
    """The current version's raw ancestor and the cleaning recipes made from it."""

    dataset: db.Dataset
    raw_id: str
    recipes: list[list[Any]]  # oldest first, one per cleaning version


@dataclass(frozen=True)
class _RawVersion:
    """The grown table as read, to be stored as a version under ``id``."""

    id: str
    frame: pl.DataFrame
    profile: Profile
    recipe: list[dict[str, Any]]
    changes: list[dict[str, Any]]
    suffix: str


@dataclass(frozen=True)
class _Replayed:
    """The cleaning recipes replayed on the grown table: steps and what they did."""

    frame: pl.DataFrame
    steps: list[dict[str, Any]]
    changes: list[dict[str, Any]]


def add_data(
    user_id: int,
    dataset_id: str,
    filename: str,
    source: Path,
    mode: str = "append",
    sheet: str | None = None,
    on_progress: Callable[[float, str], None] | None = None,
) -> AddedData:
    """Add a file of newer data to one of the user's datasets.

    With ``append``, points (series and time) the dataset lacks are added and points
    it has take the file's values; ``values_revised`` counts those whose values
    changed. With ``replace``, the file is the whole history. The grown table is
    kept as a version whose parent is the current version's raw ancestor; the file
    at ``source`` is moved next to the dataset's first upload and kept unchanged.
    Nothing is stored when anything fails.

    Parameters
    ----------
    mode
        ``append`` (the default) or ``replace``.
    sheet
        For a workbook, the sheet to read (the first holding a table otherwise).
    on_progress
        Told the share done and the step reached.

    Raises
    ------
    NotFoundError
        When the dataset does not exist or is someone else's.
    InvalidInputError
        For an unknown mode, columns that differ from the dataset's
        (``columns_mismatch``, naming both sides), a column whose values are of
        another kind, a dataset without a time column, or a recipe that no longer
        applies (``recipe_failed``).
    UnreadableFileError, FileTooLargeError
        As for an upload.

    Examples
    --------
    >>> added = add_data(user.id, dataset.id, "sales-march.csv", path)  # doctest: +SKIP
    >>> added.rows_added, added.values_revised, added.recipe_replayed  # doctest: +SKIP
    (3, 1, True)

    """
    if mode not in ADD_MODES:
        raise InvalidInputError(
            f"“{mode}” is not a way to add data: use “append” (add newer rows, the "
            "default) or “replace” (the file becomes the whole history).",
            code="invalid_mode",
        )
    suffix = check_suffix(filename)
    lineage = _lineage(user_id, dataset_id)
    old = pl.read_parquet(storage.version_path(user_id, dataset_id, lineage.raw_id))
    parsed, new = _read(source, suffix, sheet, on_progress)
    _report(on_progress, READING_SHARE, "Adding the rows to the dataset")
    merged = _merge(lineage, old, new, replace=mode == "replace")
    _report(on_progress, 0.85, "Replaying the cleaning recipe")
    replayed = _replay(lineage, merged.frame) if lineage.recipes else None
    raw = _raw_version(filename, suffix, mode, parsed.profile, merged)
    current, profile = _store(
        user_id, dataset_id, lineage.raw_id, raw, replayed, source
    )
    refreshes = refresh.refresh_after_new_data(user_id, dataset_id)
    _report(on_progress, 1.0, "Done")
    return AddedData(
        dataset_id=dataset_id,
        mode=cast(AddMode, mode),  # checked against ADD_MODES above
        version_id=current,
        raw_version_id=raw.id,
        rows_added=merged.rows_added,
        values_revised=merged.values_revised,
        rows_removed=merged.rows_removed if mode == "replace" else None,
        recipe_replayed=replayed is not None,
        changes=replayed.changes if replayed is not None else [],
        profile=profile,
        steps=replayed.steps if replayed is not None else [],
        frequency=raw.profile.frequency,
        refresh_job_ids=[job.id for job in refreshes],
    )


def _read(
    source: Path,
    suffix: str,
    sheet: str | None,
    on_progress: Callable[[float, str], None] | None,
) -> tuple[ParsedUpload, pl.DataFrame]:
    """The file read as an upload is, in a child process; no scratch file stays."""
    staged = storage.uploads_tmp_dir() / f"{db.new_id()}.parquet"
    try:
        parsed = parse_upload(
            source, suffix, sheet, staged, on_progress=_scaled(on_progress)
        )
        return parsed, pl.read_parquet(staged)
    finally:
        staged.unlink(missing_ok=True)


def _merge(
    lineage: _Lineage, old: pl.DataFrame, new: pl.DataFrame, replace: bool
) -> Merged:
    """The new rows merged into the raw table, matched by series and time."""
    check_columns(old.columns, new.columns)
    layout = layout_of(lineage.dataset, old)
    if layout.time_column is None:
        raise InvalidInputError(
            "The dataset, as its file was read, has no column of dates, so the new "
            "rows cannot be matched to the old ones by date. Choose its time column "
            "on the Columns page, or upload the file as a new dataset.",
            code="no_time_column",
        )
    if new.height == 0:
        raise InvalidInputError(
            "The file holds no rows. Choose a file with the newer data.",
            code="invalid_request",
        )
    old, new = align_types(old, new, layout.time_column)
    keys = [*layout.series_columns, layout.time_column]
    return merge_rows(old, new, keys, replace)


def _raw_version(
    filename: str, suffix: str, mode: str, read: Profile, merged: Merged
) -> _RawVersion:
    """The grown table as a version: its profile, recipe entry and description."""
    profile = profile_table(merged.frame, read.read_notes)
    profile.sheet, profile.sheets = read.sheet, read.sheets
    name = Path(filename).name[:255] or "upload"
    removed = merged.rows_removed if mode == "replace" else None
    entry = {
        "op": mode,
        "file": name,
        "suffix": suffix,
        "sheet": read.sheet,
        "rows_added": merged.rows_added,
        "values_revised": merged.values_revised,
        "rows_removed": removed,
    }
    described = Change(
        step=1,
        op=mode,
        description=_describe(mode, name, merged),
        rows_added=merged.rows_added,
        rows_removed=merged.rows_removed,
    )
    return _RawVersion(
        db.new_id(),
        merged.frame,
        profile,
        [entry],
        [dataclasses.asdict(described)],
        suffix,
    )


def _store(
    user_id: int,
    dataset_id: str,
    parent_id: str,
    raw: _RawVersion,
    replayed: _Replayed | None,
    source: Path,
) -> tuple[str, Profile]:
    """Keep the file and the new versions; the current version's id and profile.

    All of it or nothing: files written before a failure are removed again.
    """
    written = [
        storage.added_raw_path(user_id, dataset_id, raw.id, raw.suffix),
        storage.version_path(user_id, dataset_id, raw.id),
    ]
    try:
        with db.session() as s:
            dataset = owned_dataset(s, user_id, dataset_id)
            add_version(
                s,
                dataset,
                raw.frame,
                raw.profile,
                user_id,
                recipe=raw.recipe,
                parent=parent_id,
                changes=raw.changes,
                version_id=raw.id,
            )
            current = raw.id
            if replayed is not None:
                current = add_version(
                    s,
                    dataset,
                    replayed.frame,
                    profile_table(replayed.frame),
                    user_id,
                    recipe=replayed.steps,
                    parent=raw.id,
                    changes=replayed.changes,
                ).id
                written.append(storage.version_path(user_id, dataset_id, current))
            shutil.move(source, written[0])
            written[0].chmod(0o440)
            profile = Profile.model_validate(dataset.profile)
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    return current, profile


def _lineage(user_id: int, dataset_id: str) -> _Lineage:
    """Walk from the current version up to the version read from a file."""
    with db.session() as s:
        dataset = owned_dataset(s, user_id, dataset_id)
        version = s.get_one(db.DatasetVersion, dataset.current_version_id)
        recipes: list[list[Any]] = []
        while version.parent_id is not None and not _read_from_file(version):
            recipes.insert(0, list(version.recipe or []))
            version = s.get_one(db.DatasetVersion, version.parent_id)
        return _Lineage(dataset, version.id, recipes)


def _read_from_file(version: db.DatasetVersion) -> bool:
    recipe = version.recipe or []
    return not recipe or recipe[0].get("op") in FILE_OPS


def _replay(lineage: _Lineage, frame: pl.DataFrame) -> _Replayed:
    """Apply each cleaning recipe of the lineage in turn, as each was first applied.

    Each recipe sees the layout of the table it applies to, as ``create_version``
    gave it. The answer is the cleaned table, all steps in order and what each did
    (numbered across the recipes).
    """
    steps: list[dict[str, Any]] = []
    changes: list[dict[str, Any]] = []
    for recipe in lineage.recipes:
        parsed = parse_recipe(recipe)
        try:
            frame, done = apply_recipe(frame, parsed, layout_of(lineage.dataset, frame))
        except InvalidInputError as exc:
            raise InvalidInputError(
                "The new data was not added: the cleaning recipe of the current "
                f"version does not apply to it any more. {exc.message} Make the "
                "version as uploaded current and add the data again, then clean it.",
                code="recipe_failed",
            ) from exc
        offset = len(steps)
        steps += [step.model_dump() for step in parsed]
        changes += [
            dataclasses.asdict(dataclasses.replace(c, step=c.step + offset))
            for c in done
        ]
    return _Replayed(frame, steps, changes)


def _describe(mode: str, name: str, merged: Merged) -> str:
    """What adding the file did, in one sentence for the version's lineage."""
    rows = f"{merged.rows_added:,} new row{'s' if merged.rows_added != 1 else ''}"
    revised = merged.values_revised
    said = f"{revised:,} revised" if revised else "none revised"
    if mode == "replace":
        return (
            f"History replaced by “{name}”: {rows}, {said}, "
            f"{merged.rows_removed:,} removed"
        )
    return f"Data added from “{name}”: {rows}, {said}"


def _scaled(
    on_progress: Callable[[float, str], None] | None,
) -> Callable[[float, str], None] | None:
    if on_progress is None:
        return None
    report = on_progress
    return lambda share, step: report(share * READING_SHARE, step)


def _report(
    on_progress: Callable[[float, str], None] | None, share: float, step: str
) -> None:
    if on_progress is not None:
        on_progress(share, step)
