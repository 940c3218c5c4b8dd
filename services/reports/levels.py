"""Accuracy per hierarchy level, in plain words, for the Models page and the PDF.

A forecast with a hierarchy keeps ``metrics["levels"]``: one row per level, top to
bottom (:func:`services.hierarchy.level_accuracy`). :func:`level_rows` turns them into
the rows both the page and the report show: the level in words ("All stores" for the
grand total, "Region" for a column), how many series it holds, MASE and sMAPE
written in the user's number style, and the model(s) chosen.

Examples
--------
>>> rows = level_rows([
...     {"level": "total", "series": 1, "model": "AutoETS", "mase": 0.81, "smape": 4.2},
...     {"level": "store_id", "series": 12, "model": "Several models", "mase": 1.3},
... ])
>>> [(r.level, r.series, r.mase, r.smape, r.model) for r in rows][0]
('All store ids', '1', '0.81', '4.2%', 'AutoETS')
>>> rows[1]
LevelLine(level='Store id', series='12', mase='1.3', smape='—', model='Several models')

"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from services.numbers import (
    DEFAULT_STYLE,
    MISSING,
    NumberStyle,
    format_number,
    format_percent,
)

TOTAL_LEVEL = "total"  # services.hierarchy.TOTAL_LEVEL (not imported: no Darts here)
ALL_SERIES = "series"  # what the grand total counts when the lowest level is unknown


@dataclass(frozen=True)
class LevelLine:
    """One level's accuracy, every field ready to show."""

    level: str
    series: str
    mase: str
    smape: str
    model: str


def column_words(column: str) -> str:
    """A column's name as words: ``"store_id"`` reads ``"store id"``."""
    return column.replace("_", " ").strip()


def plural(column: str) -> str:
    """What a column's values are called together, in lower case.

    Examples
    --------
    >>> plural("store"), plural("Stores"), plural("category"), plural("store_id")
    ('stores', 'stores', 'categories', 'store ids')

    """
    word = column_words(column).lower()
    if word.endswith("s"):
        return word
    if word.endswith("y") and word[-2:-1] not in ("", *"aeiou"):
        return word[:-1] + "ies"
    return word + "s"


def level_name(level: str, lowest: str | None) -> str:
    """A level in words: "All <lowest plural>" for the total, else its column's.

    Examples
    --------
    >>> level_name("total", "store"), level_name("total", None)
    ('All stores', 'All series')
    >>> level_name("region", "store"), level_name("store_id", "store_id")
    ('Region', 'Store id')

    """
    if level == TOTAL_LEVEL:
        return f"All {plural(lowest) if lowest else ALL_SERIES}"
    words = column_words(level)
    return words[:1].upper() + words[1:]


def level_rows(
    levels: Sequence[dict[str, Any]] | None, style: NumberStyle = DEFAULT_STYLE
) -> list[LevelLine]:
    """The rows of the "Accuracy per level" table (empty without a hierarchy).

    Parameters
    ----------
    levels
        ``metrics["levels"]``: ``{"level", "series", "model", "mase", "smape", …}``
        top to bottom; the last row names the lowest level.
    style
        How the numbers are written.

    """
    if not levels:
        return []
    last = str(levels[-1].get("level") or "")
    lowest = last if last and last != TOTAL_LEVEL else None
    return [
        LevelLine(
            level=level_name(str(row.get("level") or ""), lowest),
            series=format_number(row.get("series"), style),
            mase=format_number(row.get("mase"), style),
            smape=format_percent(row.get("smape"), style),
            model=str(row.get("model") or MISSING),
        )
        for row in levels
    ]
