"""Overrides on a forecast with totals: which totals no longer add up, in words.

What the app does: an override is the planner's own number and is kept exactly as
given. It is not spread down to the parts of a total, nor added up into the totals
above a part, because a planner who overrides a region usually knows something about
the region, not how it splits between its stores. So after an override the totals of
a hierarchy may no longer equal the sum of their parts at that step. The forecast
says so in its notes (:func:`totals_note`, added to them by :func:`forecast_notes`
for the API and the reports; the Overrides card says it after a save), naming the
totals and steps, so the planner can override the parts (or the total) too.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from services.forecasts import ForecastInfo
from services.hierarchy_shapes import TOTAL_LEVEL, parents
from services.overrides import with_override_columns

# A total within this share of the sum of its parts (or 1e-9) still adds up.
TOLERANCE = 1e-6


def incoherent_steps(points: pl.DataFrame, hierarchy: list[str]) -> pl.DataFrame:
    """The (total, time) pairs that no longer add up because of an override.

    Columns: ``series`` (the total), ``time``, ``forecast`` (the total's final
    value) and ``parts`` (the sum of its parts' final values). Only totals at steps
    where the total or one of its parts is overridden are checked, and only by
    how much the overrides moved the total away from its parts: a forecast made
    with ``reconciliation="none"`` never promised to add up.
    """
    empty = pl.DataFrame(
        schema={
            "series": pl.String,
            "time": points.schema.get("time", pl.Date),
            "forecast": pl.Float64,
            "parts": pl.Float64,
        }
    )
    if not hierarchy or "hierarchy_level" not in points.columns:
        return empty
    points = with_override_columns(points)
    levels = dict(
        points.select("series", "hierarchy_level").unique("series").iter_rows()
    )
    above = parents(list(levels), levels, hierarchy)
    if not above:
        return empty
    links = pl.DataFrame(
        {"series": list(above), "parent": list(above.values())},
        schema={"series": pl.String, "parent": pl.String},
    )
    overridden = pl.col("override_reason").is_not_null()
    parts = (
        points.join(links, on="series")
        .group_by("parent", "time")
        .agg(
            pl.col("forecast").sum().alias("parts"),
            pl.col("statistical_forecast").sum().alias("_statistical_parts"),
            overridden.any().alias("_part"),
        )
        .rename({"parent": "series"})
    )
    checked = points.filter(pl.col("hierarchy_level").is_in([TOTAL_LEVEL, *hierarchy]))
    # Measured against the statistical forecast's own gap, so a forecast made with
    # reconciliation "none" is only told about what the overrides changed.
    gap = (
        (pl.col("forecast") - pl.col("parts"))
        - (pl.col("statistical_forecast") - pl.col("_statistical_parts"))
    ).abs()
    scale = pl.max_horizontal(pl.col("forecast").abs(), pl.col("parts").abs(), 1e-3)
    return (
        checked.join(parts, on=["series", "time"])
        .filter((overridden | pl.col("_part")) & (gap > TOLERANCE * scale))
        .select("series", "time", "forecast", "parts")
        .sort("time", "series")
    )


def totals_note(points: pl.DataFrame, hierarchy: list[str] | None) -> str | None:
    """A sentence naming the totals that no longer add up, or ``None``."""
    wrong = incoherent_steps(points, list(hierarchy or []))
    if wrong.is_empty():
        return None
    named = ", ".join(
        f"{row['series']} at {_day(row['time'])}"
        for row in wrong.head(3).iter_rows(named=True)
    )
    more = f" and {wrong.height - 3} more" if wrong.height > 3 else ""
    return (
        "Overridden values are kept as given and not spread over the other levels, "
        f"so these totals no longer equal the sum of their parts: {named}{more}. "
        "Override the parts (or the total) too to make them add up again."
    )


def forecast_notes(info: ForecastInfo, points: pl.DataFrame) -> list[str]:
    """The forecast's notes, and the totals note when overrides broke its totals.

    The notes the forecast was made with (``metrics["notes"]``) are kept with it;
    whether its totals still add up changes with each override, so it is worked out
    from ``points``, its current points (:func:`services.forecasts.forecast_points`).
    """
    totals = totals_note(points, info.request.get("hierarchy"))
    return [*(info.metrics.get("notes") or []), *([totals] if totals else [])]


def _day(moment: Any) -> str:
    text = moment.isoformat() if hasattr(moment, "isoformat") else str(moment)
    return str(text).removesuffix("T00:00:00")
