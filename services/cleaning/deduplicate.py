"""Keeping one row per time (and series): the first, the last, a sum or a mean."""

from __future__ import annotations

from typing import Literal

import polars as pl

from services.cleaning.base import (
    Change,
    Layout,
    StepModel,
    in_time_order,
    series_keys,
    time_column,
)


class Deduplicate(StepModel):
    """Keep one row per time (and series)."""

    op: Literal["deduplicate"] = "deduplicate"
    keep: Literal["first", "last", "sum", "mean"] = "first"


def apply_deduplicate(
    frame: pl.DataFrame, step: Deduplicate, layout: Layout, index: int
) -> tuple[pl.DataFrame, Change]:
    """Keep one row per time and series, as the step says."""
    time = time_column(frame, layout)
    keys = [*series_keys(layout), time]
    if step.keep in ("first", "last"):
        out = frame.unique(keys, keep=step.keep, maintain_order=True)
    else:
        numeric = [
            c for c, t in frame.schema.items() if t.is_numeric() and c not in keys
        ]
        others = [c for c in frame.columns if c not in keys and c not in numeric]
        agg = [getattr(pl.col(c), step.keep)() for c in numeric]
        out = (
            frame.group_by(keys, maintain_order=True)
            .agg(*agg, *[pl.col(c).first() for c in others])
            .select(frame.columns)
        )
    removed = frame.height - out.height
    return in_time_order(out, layout), Change(
        index,
        "deduplicate",
        f"Merged {removed} duplicate rows (kept {step.keep}).",
        rows_removed=removed,
    )
