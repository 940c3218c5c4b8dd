"""The "How the last forecast did" section of a refreshed forecast's reports.

A refresh (``services.refresh``) records the forecast it replaces as ``previous_id``.
The refreshed forecast's PDF report and workbook then say how that earlier forecast
did against the actual values the dataset holds now
(:func:`services.accuracy_cache.accuracy`): the verdict in a sentence, its errors over
every value that has come in, and, with several series, one row per series. There is
no section when the forecast refreshes none, or when the one it refreshed is gone.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import Any

import polars as pl
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from services import accuracy_cache, forecasts
from services.accuracy import Scores
from services.errors import NotFoundError, ServiceError
from services.forecasts import ForecastInfo
from services.numbers import DEFAULT_STYLE, NumberStyle, format_number, format_percent

log = logging.getLogger(__name__)

TITLE = "How the last forecast did"
SHEET = "Last forecast"  # the workbook's sheet of per-series errors
# How each figure is shown: Excel's format kind (see excel_summary) and its words.
LABELS = {
    "n": ("Actual values compared", "count"),
    "mae": ("Average error (MAE), in the data's units", "unit"),
    "mase": ("Scaled error (MASE; below 1 beats repeating the last season)", "ratio"),
    "backtest_mase": ("Scaled error the backtests promised (MASE)", "ratio"),
    "coverage_80": ("Actual values inside the 80% range", "percent"),
    "coverage_95": ("Actual values inside the 95% range", "percent"),
}
SERIES_COLUMNS = {
    "series": "series",
    "n": "actual values",
    "mae": "MAE",
    "mase": "MASE",
    "coverage_80": "inside the 80% range",
    "coverage_95": "inside the 95% range",
}


@dataclass(frozen=True)
class Figure:
    """One figure of the section: plain words, the value, and the value as text."""

    key: str
    label: str
    value: float | int | None
    kind: str  # count, unit, ratio or percent (a share from 0 to 1)
    text: str


@dataclass(frozen=True)
class LastForecast:
    """How the forecast a refresh replaced did, for the reports.

    ``figures`` is empty when no actual value has come in yet (``code`` is then
    ``no_actuals_yet``) or when it cannot be compared (``unavailable``); ``series``
    has a row per series only when it covered several.
    """

    forecast_id: str
    made_at: datetime
    model_name: str
    introduction: str
    code: str
    verdict: str
    figures: list[Figure] = field(default_factory=list)
    series: list[dict[str, Any]] = field(default_factory=list)


def _text(kind: str, value: float | int | None, style: NumberStyle) -> str:
    if kind == "percent":
        return format_percent(None if value is None else 100 * value, style)
    if kind == "ratio":
        return format_number(value, style, digits=2)
    return format_number(value, style)


def _figures(
    scores: Scores, expected: float | None, style: NumberStyle
) -> list[Figure]:
    values: dict[str, float | int | None] = {
        **scores.__dict__,
        "backtest_mase": expected,
    }
    return [
        Figure(key, label, values[key], kind, _text(kind, values[key], style))
        for key, (label, kind) in LABELS.items()
    ]


def gather(
    user_id: int, info: ForecastInfo, style: NumberStyle = DEFAULT_STYLE
) -> LastForecast | None:
    """How the forecast that ``info`` refreshes did; ``None`` when there is none.

    ``None`` too when that forecast has been deleted. When the data can no longer
    be compared with it (its columns are gone), the section says why.

    Examples
    --------
    >>> gather(user_id, refreshed).verdict  # doctest: +SKIP
    'The forecast did about as well as its backtests promised: …'

    """
    if not info.previous_id:
        return None
    try:
        previous = forecasts.get_forecast(user_id, info.previous_id)
    except NotFoundError:
        return None
    made = previous.created_at
    introduction = (
        f"This forecast refreshes the one made on {made.day} {made:%B %Y} with "
        f"{previous.model_name}. Here is how that one did against the actual values "
        "the data holds now."
    )
    base = partial(LastForecast, previous.id, made, previous.model_name, introduction)
    try:
        found = accuracy_cache.accuracy(user_id, previous.id, style)
    except NotFoundError:
        return None
    except ServiceError as exc:
        return base(code="unavailable", verdict=exc.message)
    if found.overall.n == 0:
        return base(
            code=found.verdict.code,
            verdict="No actual value has come in yet for any step that forecast "
            "covered, so how it did cannot be told yet.",
        )
    rows = []
    if len(found.series) > 1:
        for part in found.series:
            shown = _figures(part.scores, part.backtest_mase, style)
            rows.append(
                {"series": str(part.series), **{f.key: f.text for f in shown}}
                | {f"{f.key}_value": f.value for f in shown}
            )
    return base(
        code=found.verdict.code,
        verdict=found.verdict.message,
        figures=_figures(found.overall, found.backtest_mase, style),
        series=rows,
    )


def series_frame(section: LastForecast) -> pl.DataFrame:
    """The per-series errors as the workbook's table (coverage as shares)."""
    return pl.DataFrame(
        [
            {
                title: row[key] if key == "series" else row[f"{key}_value"]
                for key, title in SERIES_COLUMNS.items()
            }
            for row in section.series
        ],
        schema={
            title: pl.String
            if key == "series"
            else pl.Int64
            if key == "n"
            else pl.Float64
            for key, title in SERIES_COLUMNS.items()
        },
        orient="row",
    )


def write_summary(
    sheet: Worksheet,
    styles: dict[str, Format],
    row: int,
    section: LastForecast,
    paragraphs: Callable[[Worksheet, dict[str, Format], int, list[str]], int],
) -> int:
    """The section on the workbook's Summary sheet from ``row``; the next free row.

    ``paragraphs`` writes sentences across the page (``excel_summary``'s helper).
    The figures are numbers with Excel formats, their labels beside them.
    """
    sheet.write_string(row + 1, 0, TITLE, styles["heading"])
    row = paragraphs(sheet, styles, row + 2, [section.introduction, section.verdict])
    for figure in section.figures:
        sheet.write_string(row, 0, figure.label, styles["label"])
        if figure.value is None:
            sheet.write_string(row, 1, figure.text, styles["text"])
        else:
            sheet.write_number(row, 1, figure.value, styles[figure.kind])
        sheet.set_row(row, 30)  # the labels wrap to two lines
        row += 1
    if section.series:
        sheet.write_string(row, 0, "Each series", styles["label"])
        sheet.write_string(row, 1, f"on the {SHEET} sheet", styles["text"])
        row += 1
    return row
