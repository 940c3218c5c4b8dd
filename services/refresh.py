"""Refreshing a forecast: the same setup on newer data, its history, its settings.

A refresh is a ``forecast`` job whose request is the old forecast's (target, horizon,
series, models, transform, drivers, folds, metric, per-series choice) on the dataset's
current version, with the old forecast named beside it (``forecasts.REFRESHES``); the
new forecast records it as ``previous_id``. Forecasts linked that way form a
forecast's refresh history. A forecast with ``auto_refresh`` on is refreshed whenever
new data is added to its dataset (:func:`refresh_after_new_data`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from services import db, jobs
from services.errors import InvalidInputError, NotFoundError, ServiceError
from services.forecast_request import ForecastRequest, resolve
from services.forecasts import REFRESHES, ForecastInfo, get_forecast
from services.jobs import JobInfo

log = logging.getLogger(__name__)

# The longest note a forecast carries, in characters: a sentence or two.
NOTE_MAX_CHARS = 500
# Jobs that have not ended yet.
PENDING = ("queued", "running")


def refresh_request(info: ForecastInfo) -> ForecastRequest:
    """The request that made ``info``, for the dataset's current version.

    Forecasts made before their request was kept get the defaults for what they do
    not record (the automatic comparison, the dataset's transform).
    """
    asked: dict[str, Any] = info.request
    fields: dict[str, Any] = {
        "target": info.target,
        "horizon": info.horizon,
        "series_id": list(info.series_columns),
        "models": asked.get("models") or None,
        "transform": asked.get("transform"),
        "folds": asked.get("folds"),
        "metric": asked.get("metric") or "mase",
        "per_series": bool(asked.get("per_series")),
        "drivers": list(asked.get("drivers") or []),
        "hierarchy": asked.get("hierarchy"),
        "reconciliation": asked.get("reconciliation"),
    }
    return ForecastRequest.model_validate(fields)


def submit_refresh(user_id: int, forecast_id: str) -> JobInfo:
    """Queue a forecast with the same setup on the dataset's current version.

    Once the job has succeeded, its result is the new forecast, whose
    ``previous_id`` is ``forecast_id``.

    Raises
    ------
    NotFoundError
        When the forecast does not exist or is someone else's.
    InvalidInputError
        When the setup no longer fits the current data (say, its target column is
        gone).

    """
    info = get_forecast(user_id, forecast_id)
    resolved = resolve(user_id, info.dataset_id, refresh_request(info))
    params = {**resolved.model_dump(mode="json"), REFRESHES: info.id}
    return jobs.submit(user_id, "forecast", params)


def update_forecast(
    user_id: int,
    forecast_id: str,
    auto_refresh: bool | None = None,
    note: str | None = None,
    clear_note: bool = False,
) -> ForecastInfo:
    """Turn automatic refreshes on or off, and set or clear the note.

    Parameters
    ----------
    auto_refresh
        Refresh the forecast whenever new data is added; ``None`` leaves it.
    note
        The new note (surrounding spaces removed; an empty one clears it); ``None``
        leaves it.
    clear_note
        Remove the note.

    Raises
    ------
    NotFoundError
        When the forecast does not exist or is someone else's.
    InvalidInputError
        When the note is longer than :data:`NOTE_MAX_CHARS` characters.

    """
    if note is not None and len(note.strip()) > NOTE_MAX_CHARS:
        raise InvalidInputError(
            f"A note can be at most {NOTE_MAX_CHARS} characters long; this one has "
            f"{len(note.strip())}. Shorten it.",
            code="note_too_long",
        )
    with db.session() as s:
        row = s.get(db.Forecast, forecast_id)
        if row is None or row.user_id != user_id:
            raise NotFoundError("This forecast does not exist, or it is not yours.")
        if auto_refresh is not None:
            row.auto_refresh = auto_refresh
        if clear_note:
            row.note = None
        elif note is not None:
            row.note = note.strip() or None
    return get_forecast(user_id, forecast_id)


@dataclass(frozen=True)
class HistoryEntry:
    """One forecast of a refresh history."""

    id: str
    previous_id: str | None
    version_id: str
    model: str
    model_name: str
    created_at: datetime
    auto_refresh: bool
    note: str | None


def _lineage(rows: list[db.Forecast], forecast_id: str) -> list[db.Forecast]:
    """``forecast_id``'s ancestors, itself and its descendants, oldest first."""
    by_id = {r.id: r for r in rows}
    children: dict[str, list[db.Forecast]] = {}
    for r in rows:
        if r.previous_id:
            children.setdefault(r.previous_id, []).append(r)
    chain: dict[str, db.Forecast] = {}
    row: db.Forecast | None = by_id[forecast_id]
    while row is not None and row.id not in chain:
        chain[row.id] = row
        row = by_id.get(row.previous_id) if row.previous_id else None
    waiting = list(children.get(forecast_id, []))
    while waiting:
        child = waiting.pop()
        if child.id not in chain:
            chain[child.id] = child
            waiting.extend(children.get(child.id, []))
    return sorted(chain.values(), key=lambda r: (r.created_at, r.id))


def refresh_history(user_id: int, forecast_id: str) -> list[HistoryEntry]:
    """The forecast's refresh history, oldest first.

    The forecasts it refreshed (back through ``previous_id``), itself, and the
    refreshes made from it and from those (forward).

    Raises
    ------
    NotFoundError
        When the forecast does not exist or is someone else's.

    """
    info = get_forecast(user_id, forecast_id)
    query = select(db.Forecast).where(
        db.Forecast.user_id == user_id, db.Forecast.dataset_id == info.dataset_id
    )
    with db.session() as s:
        rows = list(s.scalars(query))
        return [
            HistoryEntry(
                r.id,
                r.previous_id,
                r.version_id,
                r.model,
                r.model_name,
                r.created_at,
                bool(r.auto_refresh),
                r.note,
            )
            for r in _lineage(rows, info.id)
        ]


def _refreshing(user_id: int) -> set[str]:
    """The forecasts a refresh job not yet ended is working on."""
    query = select(db.Job.params).where(
        db.Job.user_id == user_id,
        db.Job.kind == "forecast",
        db.Job.status.in_(PENDING),
    )
    with db.session() as s:
        return {
            str(params[REFRESHES])
            for params in s.scalars(query)
            if isinstance(params, dict) and params.get(REFRESHES)
        }


def refresh_after_new_data(user_id: int, dataset_id: str) -> list[JobInfo]:
    """Refresh the dataset's forecasts that ask for it, after data was added.

    Each forecast with ``auto_refresh`` on that has not been refreshed yet (the
    newest of its history) gets a refresh job, unless one is already queued or
    running. A forecast whose setup no longer fits the data is skipped (and
    logged): adding data never fails because of it.

    Returns
    -------
    list[JobInfo]
        The refresh jobs submitted.

    """
    with db.session() as s:
        rows = list(
            s.scalars(
                select(db.Forecast).where(
                    db.Forecast.user_id == user_id,
                    db.Forecast.dataset_id == dataset_id,
                )
            )
        )
    refreshed = {r.previous_id for r in rows if r.previous_id}
    busy = _refreshing(user_id)
    submitted = []
    for row in sorted(rows, key=lambda r: r.created_at):
        if not row.auto_refresh or row.id in refreshed or row.id in busy:
            continue
        try:
            submitted.append(submit_refresh(user_id, row.id))
        except ServiceError as exc:
            log.warning("forecast %s was not refreshed: %s", row.id, exc.message)
    return submitted
