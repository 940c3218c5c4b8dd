"""The reports' list of overridden values with their reasons (workbook and PDF).

Both hooks show the same rows: each overridden step's series, time, statistical
value, final value and reason. A forecast without overrides adds nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import polars as pl
from xlsxwriter import Workbook

from services.overrides import overridden
from services.reports.content import ReportData

SHEET = "Overrides"


def override_rows(data: ReportData) -> list[dict[str, Any]]:
    """The overridden points, oldest step first (empty without overrides)."""
    return overridden(data.points).sort("series", "time", nulls_last=False).to_dicts()


def add_sheet(
    book: Workbook,
    data: ReportData,
    formats: dict[str, str],
    table: Callable[..., Any],
) -> None:
    """Add the Overrides sheet (with ``table``, the workbook's table writer)."""
    frame = overridden(data.points)
    if frame.is_empty():
        return
    table(
        book,
        SHEET,
        frame.sort("series", "time", nulls_last=False).select(
            "time",
            "series",
            pl.col("statistical_forecast").alias("statistical forecast"),
            pl.col("final_forecast").alias("final forecast"),
            pl.col("override_reason").alias("reason"),
        ),
        formats,
    )
