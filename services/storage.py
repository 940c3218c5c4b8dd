"""Where a user's files live: paths built only from server-issued ids."""

from __future__ import annotations

import re
from pathlib import Path

import config

_ID = re.compile(r"^[0-9a-f]{32}$")


def _checked(identifier: str) -> str:
    # Paths are built from ids the server issued; anything else is refused outright.
    if not _ID.match(identifier):
        raise ValueError(f"not a server-issued id: {identifier!r}")
    return identifier


def user_dir(user_id: int) -> Path:
    """The folder that holds everything of one user."""
    path = config.data_dir() / "users" / str(int(user_id))
    path.mkdir(parents=True, exist_ok=True)
    return path


def dataset_dir(user_id: int, dataset_id: str) -> Path:
    """The folder of one dataset: the raw upload and its versions."""
    path = user_dir(user_id) / "datasets" / _checked(dataset_id)
    path.mkdir(parents=True, exist_ok=True)
    return path


def raw_path(user_id: int, dataset_id: str, suffix: str) -> Path:
    """The immutable raw upload of a dataset."""
    if suffix not in {".csv", ".tsv", ".txt", ".xlsx", ".parquet", ".json"}:
        raise ValueError(f"unexpected suffix {suffix!r}")
    return dataset_dir(user_id, dataset_id) / f"raw{suffix}"


def added_raw_path(user_id: int, dataset_id: str, version_id: str, suffix: str) -> Path:
    """The immutable file of newer data added to a dataset as version ``version_id``."""
    original = raw_path(user_id, dataset_id, suffix)
    return original.with_name(f"raw-{_checked(version_id)}{suffix}")


def version_path(user_id: int, dataset_id: str, version_id: str) -> Path:
    """The Parquet file of one dataset version."""
    return dataset_dir(user_id, dataset_id) / f"{_checked(version_id)}.parquet"


def forecast_path(user_id: int, forecast_id: str) -> Path:
    """The Parquet file holding a forecast's points."""
    folder = user_dir(user_id) / "forecasts"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{_checked(forecast_id)}.parquet"


def backtests_path(user_id: int, forecast_id: str) -> Path:
    """The Parquet file holding the backtests of a forecast's chosen model."""
    return forecast_path(user_id, forecast_id).with_suffix(".backtests.parquet")


def accuracy_path(user_id: int, forecast_id: str) -> Path:
    """The Parquet file keeping a forecast's accuracy against a version of its data."""
    return forecast_path(user_id, forecast_id).with_suffix(".accuracy.parquet")


def analysis_path(user_id: int, analysis_id: str) -> Path:
    """The JSON file of a full analysis made by a job."""
    folder = user_dir(user_id) / "analyses"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{_checked(analysis_id)}.json"


def report_path(user_id: int, report_id: str, fmt: str) -> Path:
    """A workbook or PDF report made by a job."""
    if fmt not in {"xlsx", "pdf"}:
        raise ValueError(f"unexpected report format {fmt!r}")
    folder = user_dir(user_id) / "reports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{_checked(report_id)}.{fmt}"


def pending_upload_dir(user_id: int, upload_id: str) -> Path:
    """The folder of one upload the page sent and the app has not read yet.

    Not created here: whoever keeps an upload makes it.
    """
    return user_dir(user_id) / "pending" / _checked(upload_id)


def uploads_tmp_dir() -> Path:
    """Scratch space for uploads being received, before they become datasets."""
    path = config.data_dir() / "tmp"
    path.mkdir(parents=True, exist_ok=True)
    return path
