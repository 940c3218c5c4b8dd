"""Overrides: a planner's own value at a forecast step, with the reason for it.

The statistical forecast is kept as the job wrote it (its Parquet file is never
edited). Each change is a row of the ``forecast_overrides`` table, which is both the
audit trail (who, when, before, after, reason, ``set`` or ``removed``) and the source
of truth for the current overrides: a step's newest row wins. :func:`apply_overrides`
puts them on the points whenever they are read (``forecasts.forecast_points``), so
pages, the API, exports and accuracy all see the final values, each point with its
``statistical_forecast`` and, where overridden, its ``override_reason``. An
overridden point's ranges move with it (shifted by value − statistical value).

A change names the step by ``time`` (ISO 8601; a date alone means midnight) and
``series`` (as in the points; ``None`` for a single series). A ``value`` sets an
override and needs a reason; ``value=None`` removes the step's override, back to the
statistical value (a reason is then optional).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

import polars as pl
from sqlalchemy import select

from services import db, forecasts
from services.errors import InvalidInputError

# A reason is a sentence or two ("new supply contract from January"), not a document.
MAX_REASON = 500
# The text form of a step in the table: seconds are the finest step a forecast has.
STEP_FORMAT = "%Y-%m-%dT%H:%M:%S"
BOUNDS = ("lower_80", "upper_80", "lower_95", "upper_95")


@dataclass(frozen=True)
class OverrideChange:
    """One requested change: set ``value`` at a step, or remove its override."""

    series: str | None
    time: str
    value: float | None
    reason: str | None = None


@dataclass(frozen=True)
class OverrideEvent:
    """One row of the audit trail."""

    id: int
    user: str
    at: datetime
    series: str | None
    time: str
    action: str
    statistical: float
    before: float
    after: float
    reason: str | None


def step_key(moment: date | datetime) -> str:
    """The text that names a step: a naive time, a date meaning its midnight.

    Examples
    --------
    >>> step_key(date(2026, 1, 1))
    '2026-01-01T00:00:00'

    """
    if not isinstance(moment, datetime):
        moment = datetime.combine(moment, time())
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.strftime(STEP_FORMAT)


def parse_step(text: str) -> str:
    """The step named by ISO 8601 text (a date alone means midnight).

    Raises
    ------
    InvalidInputError
        When the text is not an ISO 8601 date or date and time.

    Examples
    --------
    >>> parse_step("1961-01-01")
    '1961-01-01T00:00:00'

    """
    try:
        return step_key(datetime.fromisoformat(text.strip()))
    except (ValueError, AttributeError):
        raise InvalidInputError(
            f"“{str(text)[:40]}” is not a date. Write the step's time as an ISO 8601 "
            "date or date and time, such as 2026-01-01 or 2026-01-01T00:00:00.",
            code="unknown_step",
        ) from None


def _step_column(points: pl.DataFrame) -> pl.Expr:
    dtype = points.schema["time"]
    moment = pl.col("time")
    if dtype == pl.Date:
        moment = moment.cast(pl.Datetime("us"))
    elif isinstance(dtype, pl.Datetime) and dtype.time_zone is not None:
        moment = moment.dt.convert_time_zone("UTC").dt.replace_time_zone(None)
    return moment.dt.strftime(STEP_FORMAT).alias("_step")


def _current(forecast_id: str) -> dict[tuple[str | None, str], db.ForecastOverride]:
    """Each step's newest row, for the steps whose newest row sets a value."""
    with db.session() as s:
        rows = s.scalars(
            select(db.ForecastOverride)
            .where(db.ForecastOverride.forecast_id == forecast_id)
            .order_by(db.ForecastOverride.id)
        )
        newest = {(r.series, r.step): r for r in rows}
    return {key: r for key, r in newest.items() if r.action == "set"}


def with_override_columns(points: pl.DataFrame) -> pl.DataFrame:
    """The points with ``statistical_forecast`` and ``override_reason`` (idempotent).

    Points without them (read before any override was applied) are all statistical.
    """
    if "statistical_forecast" in points.columns:
        return points
    return points.with_columns(
        pl.col("forecast").alias("statistical_forecast"),
        pl.lit(None, dtype=pl.String).alias("override_reason"),
    )


def apply_overrides(forecast_id: str, points: pl.DataFrame) -> pl.DataFrame:
    """The stored points with the forecast's current overrides applied.

    ``forecast`` becomes the final value, ``statistical_forecast`` keeps the model's,
    ``override_reason`` says why (null where not overridden), and the four bounds
    move by the difference.
    """
    points = with_override_columns(points)
    current = _current(forecast_id)
    if not current:
        return points
    changes = pl.DataFrame(
        {
            "series": [key[0] for key in current],
            "_step": [key[1] for key in current],
            "_value": [r.after for r in current.values()],
            "_reason": [r.reason for r in current.values()],
        },
        schema={
            "series": pl.String,
            "_step": pl.String,
            "_value": pl.Float64,
            "_reason": pl.String,
        },
    )
    joined = points.with_columns(_step_column(points)).join(
        changes.with_columns(pl.col("series").cast(points.schema["series"])),
        on=["series", "_step"],
        how="left",
        nulls_equal=True,
    )
    shift = (pl.col("_value") - pl.col("statistical_forecast")).fill_null(0.0)
    return joined.with_columns(
        pl.coalesce("_value", "statistical_forecast").alias("forecast"),
        *(pl.col(b) + shift for b in BOUNDS),
        pl.coalesce("_reason", "override_reason").alias("override_reason"),
    ).drop("_step", "_value", "_reason")


def _checked_reason(reason: str | None, required: bool) -> str | None:
    text = (reason or "").strip()
    if not text:
        if required:
            raise InvalidInputError(
                "Give a reason for each changed value (for example “new supply "
                "contract starts in January”), so others know why it differs from "
                "the statistical forecast.",
                code="reason_required",
            )
        return None
    if "\x00" in text:  # no database keeps it as text
        raise InvalidInputError(
            "A reason cannot contain a null character.", code="invalid_request"
        )
    if len(text) > MAX_REASON:
        raise InvalidInputError(
            f"Keep each reason under {MAX_REASON} characters.",
            code="reason_too_long",
        )
    return text


def _checked_series(series: str | None, labels: set[str | None]) -> str | None:
    if series is None and None not in labels:
        raise InvalidInputError(
            "This forecast has several series: say which one each value is for "
            "(its `series`).",
            code="unknown_series",
        )
    if series not in labels:
        raise InvalidInputError(
            f"The forecast has no series “{str(series)[:60]}”.", code="unknown_series"
        )
    return series


def set_overrides(
    user_id: int, forecast_id: str, changes: Sequence[OverrideChange]
) -> int:
    """Set or remove overrides on one of the user's forecasts, all or nothing.

    Parameters
    ----------
    changes
        Each names a step of the forecast (``series``, ``time``); a finite
        ``value`` with a reason sets the step's override, ``None`` removes it.

    Returns
    -------
    int
        How many steps changed.

    Raises
    ------
    NotFoundError
        When the forecast is not the user's.
    InvalidInputError
        For a step the forecast does not have (``unknown_step``), an unknown series
        (``unknown_series``), a missing reason (``reason_required``), a value that
        is not a finite number, or a removal of a step with no override.

    """
    info = forecasts.get_forecast(user_id, forecast_id)
    points = forecasts.forecast_points(user_id, info.id)
    finals = {
        (r["series"], r["_step"]): (r["statistical_forecast"], r["forecast"])
        for r in points.with_columns(_step_column(points)).iter_rows(named=True)
    }
    labels = {key[0] for key in finals}
    current = _current(info.id)
    rows: list[db.ForecastOverride] = []
    seen: set[tuple[str | None, str]] = set()
    for change in changes:
        key = (_checked_series(change.series, labels), parse_step(change.time))
        if key not in finals:
            raise InvalidInputError(
                f"{change.time} is not a step of this forecast. Use one of the times "
                "of its points.",
                code="unknown_step",
            )
        if key in seen:
            raise InvalidInputError(
                f"The step {change.time} is changed twice in one request.",
                code="invalid_request",
            )
        seen.add(key)
        statistical, before = finals[key]
        if change.value is None:
            if key not in current:
                raise InvalidInputError(
                    f"The step {change.time} has no override to remove.",
                    code="no_override",
                )
            action, after = "removed", statistical
            reason = _checked_reason(change.reason, required=False)
        else:
            if not math.isfinite(change.value):
                raise InvalidInputError(
                    "Each value must be a finite number.", code="invalid_request"
                )
            action, after = "set", float(change.value)
            reason = _checked_reason(change.reason, required=True)
        rows.append(
            db.ForecastOverride(
                forecast_id=info.id,
                user_id=user_id,
                series=key[0],
                step=key[1],
                action=action,
                statistical=statistical,
                before=before,
                after=after,
                reason=reason,
            )
        )
    with db.session() as s:
        s.add_all(rows)
    return len(rows)


def audit_trail(user_id: int, forecast_id: str) -> list[OverrideEvent]:
    """Every change to the forecast's values, oldest first, removals included.

    Raises
    ------
    NotFoundError
        When the forecast is not the user's.

    """
    info = forecasts.get_forecast(user_id, forecast_id)
    with db.session() as s:
        rows = s.execute(
            select(db.ForecastOverride, db.User.username)
            .join(db.User, db.User.id == db.ForecastOverride.user_id)
            .where(db.ForecastOverride.forecast_id == info.id)
            .order_by(db.ForecastOverride.id)
        ).all()
        return [
            OverrideEvent(
                r.id,
                name,
                r.created_at,
                r.series,
                r.step,
                r.action,
                r.statistical,
                r.before,
                r.after,
                r.reason,
            )
            for r, name in rows
        ]


def overridden(points: pl.DataFrame) -> pl.DataFrame:
    """The overridden points: series, time, statistical and final value, reason."""
    points = with_override_columns(points)
    return points.filter(pl.col("override_reason").is_not_null()).select(
        "series",
        "time",
        "statistical_forecast",
        pl.col("forecast").alias("final_forecast"),
        "override_reason",
    )


def changes_from(entries: Sequence[dict[str, Any]]) -> list[OverrideChange]:
    """Changes from plain mappings (``series``, ``time``, ``value``, ``reason``)."""
    return [
        OverrideChange(e.get("series"), str(e["time"]), e.get("value"), e.get("reason"))
        for e in entries
    ]
