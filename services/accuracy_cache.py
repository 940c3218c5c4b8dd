"""Each forecast's accuracy, kept on disk per version of the data it is judged on.

Scoring a forecast reads two versions of its dataset, and the Track card scores up to
ten forecasts each time it is drawn. The scores depend only on the forecast (never
changed once made) and on the dataset version the actuals come from (never changed
either), so they are kept in one Parquet file beside the forecast's points
(:func:`services.storage.accuracy_path`): the points against the actuals, with the
scores and the id of the version they were measured on in the file's metadata. When
the dataset's current version is another one, the forecast is measured again and the
file replaced: nothing else invalidates it. The verdict's sentence is written on each
read, in the reader's number format. Files, not process memory: every web process
and worker sees the same ones.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import asdict
from pathlib import Path
from typing import Any

import polars as pl

from services import accuracy as scoring
from services import datasets, forecasts, storage
from services.accuracy import Accuracy, Scores, SeriesScores
from services.numbers import DEFAULT_STYLE, NumberStyle

log = logging.getLogger(__name__)

# The metadata key holding the scores; its ``format`` changes when their shape does.
KEY = "forecast_studio_accuracy"
FORMAT = 1


def _encode(found: Accuracy, version_id: str) -> dict[str, str]:
    kept = {
        "format": FORMAT,
        "version_id": version_id,
        "overall": asdict(found.overall),
        "series": [
            {
                "series": s.series,
                "backtest_mase": s.backtest_mase,
                "scores": asdict(s.scores),
            }
            for s in found.series
        ],
        "backtest_mase": found.backtest_mase,
    }
    return {KEY: json.dumps(kept)}


def _decode(
    forecast_id: str, kept: dict[str, Any], points: pl.DataFrame, style: NumberStyle
) -> Accuracy:
    overall = Scores(**kept["overall"])
    expected = kept["backtest_mase"]
    return Accuracy(
        forecast_id,
        overall,
        [
            SeriesScores(s["series"], Scores(**s["scores"]), s["backtest_mase"])
            for s in kept["series"]
        ],
        points,
        scoring.verdict(overall, expected, style),
        expected,
    )


def _read(path: Path, version_id: str) -> tuple[dict[str, Any], pl.DataFrame] | None:
    """The kept scores and points when they were measured on ``version_id``."""
    if not path.exists():
        return None
    try:
        kept = json.loads(pl.read_parquet_metadata(path).get(KEY, "{}"))
        if kept.get("format") != FORMAT or kept.get("version_id") != version_id:
            return None
        return kept, pl.read_parquet(path)
    except (OSError, ValueError, TypeError, pl.exceptions.PolarsError):
        log.warning("unreadable kept accuracy %s: measured again", path.name)
        return None


def _write(path: Path, found: Accuracy, version_id: str) -> None:
    """Replace the file at once, so a reader never sees half of one."""
    partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
    try:
        found.points.write_parquet(partial, metadata=_encode(found, version_id))
        partial.replace(path)
    except OSError:  # a full disk costs a measurement next time, nothing more
        log.warning("could not keep the accuracy of forecast %s", found.forecast_id)
        partial.unlink(missing_ok=True)


def _current_version(user_id: int, dataset_id: str) -> str:
    return datasets.get_dataset(user_id, dataset_id).version_id


def accuracy(
    user_id: int, forecast_id: str, style: NumberStyle = DEFAULT_STYLE
) -> Accuracy:
    """:func:`services.accuracy.accuracy`, measured once per version of the data.

    Parameters
    ----------
    style
        How the verdict writes numbers (the user's number format).

    Raises
    ------
    NotFoundError
        When the forecast does not exist or is someone else's.
    InvalidInputError
        When the current version lacks the forecast's time or target column (not
        kept: it is checked again each time).

    Examples
    --------
    >>> found = accuracy(user_id, forecast_id)  # doctest: +SKIP
    >>> found.verdict.code  # doctest: +SKIP
    'as_expected'

    """
    info = forecasts.get_forecast(user_id, forecast_id)
    version_id = _current_version(user_id, info.dataset_id)
    path = storage.accuracy_path(user_id, info.id)
    kept = _read(path, version_id)
    if kept is not None:
        return _decode(info.id, kept[0], kept[1], style)
    found = scoring.accuracy(user_id, info.id, style)
    # Kept only if the data did not change while it was measured.
    if _current_version(user_id, info.dataset_id) == version_id:
        _write(path, found, version_id)
    return found
