"""The executive summary: what the forecast says, how far to trust it, in plain words.

Every sentence is built from the stored results (forecast points, backtest scores,
cleaning counts, data issues); the thresholds that pick words are named below and
printed in the report's method appendix. The same :class:`Narrative` is shown by the
PDF, the workbook's Summary sheet, the Export page and the Models page, so they say
the same thing in the same words.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import numpy as np
import polars as pl

from services.cleaning_words import ADDING_OPS
from services.numbers import (
    DEFAULT_STYLE,
    NumberStyle,
    format_number,
    format_percent,
)
from services.reports.change import LEVEL_BAND_PCT, Change, measure
from services.reports.content import CleaningStep, ReportData
from services.reports.reasons import score

__all__ = ["LEVEL_BAND_PCT", "Narrative", "findings", "summarise"]

COVERAGE_LOW = 0.65  # below this share inside the 80% range, the ranges were too narrow
COVERAGE_HIGH = 0.95  # above it, they were wider than needed
SHIFT_RATIO = 2.0  # last fold's error this many times the earlier folds': a change
MAX_ISSUES = 3
TIE_PCT = 1.0  # the choice's tie rule: within 1% of the best, the simpler model wins
NO_ISSUES = "No issues were found in the data."


@dataclass
class Narrative:
    """The headline, the summary paragraphs, the reliability verdict, the caveats.

    ``change`` says what is compared and by how much ("next 12 months vs the last 12
    months: +4.8%"); ``trend_note`` is set when the forecast shows no change while the
    history has a strong trend, and says why.
    """

    headline: str
    paragraphs: list[str]
    reliability: str
    caveats: list[str] = field(default_factory=list)
    change: str = ""
    trend_note: str | None = None


def number(value: float | None, style: NumberStyle = DEFAULT_STYLE) -> str:
    """A number for people: thousands separators, about three significant digits.

    Examples
    --------
    >>> number(1234567.8), number(12.345), number(0.012345), number(None)
    ('1,234,568', '12.3', '0.0123', '—')
    >>> number(60780.2, NumberStyle.POINT_COMMA)
    '60.780'

    """
    return format_number(value, style)


def percent(
    value: float | None, signed: bool = False, style: NumberStyle = DEFAULT_STYLE
) -> str:
    """A percentage with one decimal below 10 (``+8.1%``), none above."""
    return format_percent(value, style, signed=signed)


def when(value: Any, unit: str | None) -> str:
    """A date as its frequency reads: ``Dec 1961`` for months, ``3 Mar 2025`` else."""
    if isinstance(value, datetime) and unit in ("hour", "minute", "second"):
        return value.strftime("%-d %b %Y %H:%M")
    if isinstance(value, date):
        if unit in ("month", "quarter"):
            return value.strftime("%b %Y")
        if unit == "year":
            return value.strftime("%Y")
        return value.strftime("%-d %b %Y")
    return str(value)


def direction(change_pct: float | None) -> str:
    """``rise``, ``fall`` or ``stay about level`` for a change in percent."""
    if change_pct is None or not math.isfinite(change_pct):
        return "stay about level"
    if change_pct > LEVEL_BAND_PCT:
        return "rise"
    if change_pct < -LEVEL_BAND_PCT:
        return "fall"
    return "stay about level"


def change_words(change: Change, style: NumberStyle = DEFAULT_STYLE) -> str:
    """What is compared and by how much.

    For example ``next 12 months vs the last 12 months: +4.8%``.
    """
    return f"{change.compared}: {percent(change.pct, signed=True, style=style)}"


def summarise(data: ReportData, style: NumberStyle = DEFAULT_STYLE) -> Narrative:
    """Write the executive summary of a report.

    Examples
    --------
    The headline names the direction and what it compares, e.g. "“passengers” is
    expected to rise (next 12 months vs the last 12 months: +8.1%)."

    """
    unit = data.frequency.unit if data.frequency else None
    change = measure(data)
    points = data.series_points(data.main)
    end: dict[str, Any] = points.tail(1).row(0, named=True)
    subject = (
        f"The total of {data.target} over {data.series_count} series"
        if data.multi
        else f"“{data.target}”"
    )
    pct, mean, past = change.pct, change.forecast_mean, change.past_mean
    trend_note = _trend_note(data, change, style)
    paragraphs = [
        f"Over the {change.future} (to {when(end['time'], unit)}), {data.model_name} "
        f"forecasts an average of {number(mean, style)}, "
        + (
            f"{percent(abs(pct), style=style)} {'above' if pct >= 0 else 'below'} "
            f"the average of {change.past} ({number(past, style)})."
            if pct is not None
            else f"against {number(past, style)} over {change.past}."
        ),
        *([trend_note] if trend_note else []),
        "At the end of the horizon the forecast is "
        f"{number(end['forecast'], style)}. The actual value should fall between "
        f"{number(end['lower_80'], style)} and {number(end['upper_80'], style)} "
        "four times out of five (the 80% range), and between "
        f"{number(end['lower_95'], style)} and {number(end['upper_95'], style)} "
        "nineteen times out of twenty (the 95% range).",
    ]
    if data.multi:
        paragraphs.append(_many_series(data, change, style))
    reliability, sentence = _reliability(data, style)
    paragraphs.append(sentence)
    return Narrative(
        _headline(data, subject, change, style),
        paragraphs,
        reliability,
        _caveats(data, style),
        change_words(change, style),
        trend_note,
    )


def _does(data: ReportData, change: Change) -> str:
    """What the chosen model's forecast does, when it shows no change of its own."""
    if change.shape == "flat":
        return f"{data.model_name} forecasts a flat line"
    if change.shape == "repeat":
        return f"{data.model_name} repeats the last {data.unit(data.season)}"
    return f"{data.model_name} forecasts about the same level"


def _headline(
    data: ReportData, subject: str, change: Change, style: NumberStyle
) -> str:
    compared = change_words(change, style)
    if change.pct is None:
        return (
            f"{subject} is forecast to average {number(change.forecast_mean, style)} "
            f"over the {change.future} ({change.compared}: no change can be measured)."
        )
    if change.trend is not None:
        return (
            f"{subject}: {_does(data, change)}, although the history has a strong "
            f"{change.trend.direction} trend ({compared})."
        )
    way = direction(change.pct)
    if change.shape is not None:
        return f"{subject} is expected to {way}: {_does(data, change)} ({compared})."
    return f"{subject} is expected to {way} ({compared})."


def _trend_note(data: ReportData, change: Change, style: NumberStyle) -> str | None:
    """Why a forecast shows no change while the history has a strong trend."""
    trend = change.trend
    if trend is None:
        return None
    more = "higher" if trend.direction == "upward" else "lower"
    return (
        f"{_does(data, change)}, although the history has a strong {trend.direction} "
        f"trend (trend strength {format_number(trend.strength, style, digits=2)}, "
        f"as Explore measures it). {_why_chosen(data, style)} If the trend goes on, "
        f"the actual values will be {more} than this forecast."
    )


def _why_chosen(data: ReportData, style: NumberStyle) -> str:
    """Whether the backtests favoured the chosen model, with its score."""
    chosen = data.chosen_row()
    mine = score(chosen, "mase") if chosen else None
    scored = [r for r in data.leaderboard if score(r, "mase") is not None]
    if mine is None or not scored:
        return "Its accuracy could not be measured in backtests."
    best = min(scored, key=lambda r: score(r, "mase") or 0.0)
    lowest = score(best, "mase") or 0.0
    if best is chosen or mine <= lowest:
        return (
            "The backtests favoured it: it had the smallest error of the "
            f"{len(scored)} models scored (MASE {number(mine, style)})."
        )
    if mine <= lowest * (1 + TIE_PCT / 100):
        return (
            f"The backtests favoured it: its error (MASE {number(mine, style)}) was "
            f"within {TIE_PCT:g}% of the smallest of the {len(scored)} models scored, "
            "and it is the simpler model."
        )
    return (
        f"The backtests did not favour it: {best['name']} had a smaller error (MASE "
        f"{number(lowest, style)} against {number(mine, style)})."
    )


def changed(step: CleaningStep) -> bool:
    """Whether a cleaning step changed anything in the data."""
    return any(
        (step.filled, step.clipped, step.flagged, step.rows_removed, step.rows_added)
    )


def findings(data: ReportData) -> list[str]:
    """What the app noticed in the data, one sentence each.

    The upload's issues, what cleaning changed and what is left after it;
    :data:`NO_ISSUES` only when there is none of these.
    """
    seen = {issue.message for issue in data.upload_issues}
    lines = [issue.message for issue in data.upload_issues]
    lines += [
        # Newer data is not a repair: its sentence ("Newer data added …") stands alone.
        step.description if step.op in ADDING_OPS else f"Cleaning: {step.description}"
        for step in data.cleaning
        if changed(step)
    ]
    prefix = "After cleaning: " if data.cleaning else ""
    lines += [f"{prefix}{i.message}" for i in data.issues if i.message not in seen]
    return lines or [NO_ISSUES]


def _many_series(data: ReportData, change: Change, style: NumberStyle) -> str:
    values = data.summary["change_pct"].to_list()
    ways = [direction(v) for v in values if v is not None]
    rise, fall = ways.count("rise"), ways.count("fall")
    level = len(ways) - rise - fall
    unknown = len(values) - len(ways)
    largest = ", ".join(str(s) for s in data.summary["series"].head(3).to_list())
    uncertain = data.summary.sort("width_pct", descending=True, nulls_last=True).row(
        0, named=True
    )
    return (
        f"Of the {data.series_count} series ({change.compared}), {rise} are expected "
        f"to rise, {fall} to fall and {level} to stay about level"
        + (f"; {unknown} have too little history to compare" if unknown else "")
        + f". The largest are {largest}. The most uncertain is {uncertain['series']}: "
        "its 95% range at the end spans "
        f"{percent(uncertain['width_pct'], style=style)} of its forecast."
    )


def _reliability(data: ReportData, style: NumberStyle) -> tuple[str, str]:
    """A one-word verdict and the sentence that backs it with backtest numbers."""
    row = data.chosen_row()
    folds = (
        int(data.backtests["fold"].n_unique())
        if data.backtests is not None and data.backtests.height
        else 0
    )
    if row is None or folds == 0:
        return "untested", (
            "The model could not be tested on earlier stretches of the history, so "
            "there is no measure of how reliable it is."
        )
    smape, coverage, mase = (
        score(row, "smape"),
        score(row, "coverage"),
        score(row, "mase"),
    )
    text = (
        f"Tested on {folds} earlier stretch{'es' if folds > 1 else ''} of the history "
        "it had not seen, its forecasts were off by "
        f"{percent(smape, style=style)} on average (sMAPE)"
    )
    if coverage is not None:
        text += (
            f", and {percent(100 * coverage, style=style)} of the actual values fell "
            "inside its 80% range"
        )
    text += "."
    naive = next(
        (r for r in data.leaderboard if r.get("model") == "seasonal_naive"), None
    )
    naive_mase = score(naive, "mase") if naive else None
    if naive_mase and mase is not None and row is not naive:
        gain = 100 * (1 - mase / naive_mase)
        text += (
            f" That is {percent(abs(gain), style=style)} "
            f"{'less' if gain >= 0 else 'more'} error than simply repeating the last "
            "season."
        )
    weak = (mase is not None and mase >= 1) or (
        coverage is not None and coverage < COVERAGE_LOW
    )
    good = (
        mase is not None
        and mase < 1
        and coverage is not None
        and COVERAGE_LOW <= coverage <= COVERAGE_HIGH
    )
    verdict = "good" if good else "weak" if weak else "fair"
    words = {
        "good": "The backtests say this forecast is reliable.",
        "fair": "The backtests say this forecast is fairly reliable.",
        "weak": "The backtests say to use this forecast with care.",
    }
    return verdict, f"{words[verdict]} {text}"


def _caveats(data: ReportData, style: NumberStyle) -> list[str]:
    caveats = []
    shortest = int(data.summary["history_points"].min() or 0)  # type: ignore[arg-type]
    if shortest < max(3 * data.horizon, 2 * data.season if data.season > 1 else 0):
        caveats.append(
            f"Short history: {shortest} points for a horizon of {data.horizon}; the "
            "forecast and its ranges rest on little evidence."
        )
    shift = _recent_shift(data)
    if shift is not None:
        caveats.append(
            "Recent change: the latest backtest missed by "
            f"{format_number(shift, style, digits=1)} times the error of the earlier "
            "ones, so the series may have changed recently and the forecast may lag "
            "behind it."
        )
    row = data.chosen_row()
    coverage = score(row, "coverage") if row else None
    if coverage is not None and coverage < COVERAGE_LOW:
        caveats.append(
            "The model's own ranges were too narrow in the backtests: only "
            f"{percent(100 * coverage, style=style)} of the actual values fell inside "
            "its 80% range, so the ranges shown are widened to what the backtests "
            "showed."
        )
    treated = sum(s.clipped for s in data.cleaning if s.op == "outliers") + sum(
        s.filled for s in data.cleaning if s.op == "outliers"
    )
    if treated:
        caveats.append(
            f"Outliers treated: {treated} unusual "
            f"value{'s were' if treated > 1 else ' was'} clipped or replaced during "
            "cleaning; the forecast assumes such values do not come back."
        )
    filled = sum(s.filled for s in data.cleaning if s.op in ("impute", "regularize"))
    if filled:
        caveats.append(
            f"{filled} missing value{'s were' if filled > 1 else ' was'} filled in "
            "during cleaning."
        )
    if data.multi:
        caveats.append(
            "The ranges of the total add up the ranges of the series, so they are "
            "wider than the total's own range (they assume all series move together)."
        )
    caveats += [i.message for i in data.issues if i.severity != "info"][:MAX_ISSUES]
    caveats += data.notes
    return caveats


def _recent_shift(data: ReportData) -> float | None:
    """How many times the latest fold's error exceeds the earlier folds' (or None)."""
    folds = data.fold_errors
    if folds is None or folds["fold"].n_unique() < 3:
        return None
    # MASE is scale-free, so large and small series weigh alike.
    per_fold = {
        int(f): float(np.median(scores))
        for (f,), part in folds.group_by("fold")
        if len(scores := part["mase"].cast(pl.Float64).drop_nans().drop_nulls())
    }
    if len(per_fold) < 3:
        return None
    last = per_fold.pop(max(per_fold))
    earlier = float(np.median(list(per_fold.values())))
    if earlier <= 0 or not math.isfinite(last):
        return None
    ratio = last / earlier
    return ratio if ratio >= SHIFT_RATIO else None
