"""The Models page's ways to override: a table of values, and a percentage change.

Both turn what a person typed into :class:`services.overrides.OverrideChange` values
for :func:`services.overrides.set_overrides`; neither writes anything itself.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import polars as pl

from services.errors import InvalidInputError
from services.overrides import OverrideChange, step_key, with_override_columns

# A percentage beyond this is a typing slip (a value ten times the forecast).
MAX_PERCENT = 1000.0


def step_label(step: str) -> str:
    """A step for people: its date alone at midnight (``1960-10-01``).

    Examples
    --------
    >>> step_label("1960-10-01T00:00:00"), step_label("2026-01-01T13:00:00")
    ('1960-10-01', '2026-01-01 13:00')

    """
    day, _, clock = step.partition("T")
    return day if clock in ("", "00:00:00") else f"{day} {clock[:5]}"


def table_rows(points: pl.DataFrame, series: str | None) -> list[dict[str, Any]]:
    """One series' steps as rows to edit: step, label, statistical, value, reason.

    ``final`` and ``was_reason`` keep what was stored, so :func:`table_changes` sends
    only the rows a person changed.
    """
    shown = with_override_columns(points).filter(pl.col("series").eq_missing(series))
    return [
        {
            "step": step_key(r["time"]),
            "when": step_label(step_key(r["time"])),
            "statistical": r["statistical_forecast"],
            "value": r["forecast"],
            "reason": r["override_reason"] or "",
            "final": r["forecast"],
            "was_reason": r["override_reason"],
            "overridden": int(r["override_reason"] is not None),
        }
        for r in shown.sort("time").iter_rows(named=True)
    ]


def _number(value: Any) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise InvalidInputError(
            f"“{str(value)[:30]}” is not a number. Type the new value as a number, "
            "or clear it to go back to the statistical forecast.",
            code="invalid_request",
        ) from None
    return number


def table_changes(
    rows: Sequence[dict[str, Any]], series: str | None
) -> list[OverrideChange]:
    """The changes a person made in the table (rows from :func:`table_rows`).

    A changed value or reason sets an override (its reason is checked when it is
    saved); a cleared value removes the step's override.

    Raises
    ------
    InvalidInputError
        When a value is not a number.

    """
    changes = []
    for row in rows:
        value = _number(row.get("value"))
        reason = str(row.get("reason") or "").strip()
        overridden = row.get("was_reason") is not None
        if value is None:
            if overridden:
                changes.append(OverrideChange(series, row["step"], None))
            continue
        changed_value = not math.isclose(value, float(row["final"]), abs_tol=1e-9)
        changed_reason = overridden and reason != row.get("was_reason")
        if changed_value or changed_reason:
            changes.append(OverrideChange(series, row["step"], value, reason))
    return changes


def percent_changes(
    rows: Sequence[dict[str, Any]],
    series: str | None,
    first: str | None,
    last: str | None,
    percent: float | None,
    reason: str | None,
) -> list[OverrideChange]:
    """Move the steps from ``first`` to ``last`` by a percentage, ``percent``.

    The percentage applies to each step's statistical value, so applying +10% twice
    is still +10%.

    Raises
    ------
    InvalidInputError
        Without both steps, or a percentage, or with a percentage over 1000.

    """
    if not first or not last or percent is None:
        raise InvalidInputError(
            "Choose the first and the last step and the percentage to change them by.",
            code="invalid_request",
        )
    if not math.isfinite(percent) or abs(percent) > MAX_PERCENT:
        raise InvalidInputError(
            f"Use a percentage between -{MAX_PERCENT:.0f} and {MAX_PERCENT:.0f}.",
            code="invalid_request",
        )
    low, high = sorted((first, last))
    return [
        OverrideChange(
            series,
            row["step"],
            float(row["statistical"]) * (1 + percent / 100),
            reason,
        )
        for row in rows
        if low <= row["step"] <= high
    ]
