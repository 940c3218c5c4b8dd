"""Cleaning steps in plain sentences, from their parameters and what they changed.

The Cleaning page (the recipe before it is applied, the versions after), the
workbook's Cleaning sheet and the PDF report all describe a step with
:func:`describe`, so they say the same thing in the same words: "Filled 3 missing
months of “sales” by linear interpolation", never ``impute`` or ``regularize``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from pydantic import ValidationError

from services import calendars
from services.calendars import Frequency
from services.numbers import DEFAULT_STYLE, NumberStyle, format_number

STEP_TITLES = {
    "impute": "Fill missing values",
    "regularize": "Insert missing dates",
    "deduplicate": "Merge repeated dates",
    "outliers": "Treat unusual values",
    "resample": "Change the frequency",
    "cast": "Change a column's type",
    "parse_dates": "Read a column as dates",
    "rename": "Rename a column",
    "read": "Read the upload",
    "append": "Add newer data",
    "replace": "Replace the history",
}
# Steps that bring in a newer file rather than repair the data.
ADDING_OPS = frozenset({"append", "replace"})
# How missing values are filled, after "Filled 3 missing months of “sales” ".
FILLS = {
    "linear": "by linear interpolation",
    "time": "by interpolation over time",
    "ffill": "with the previous value",
    "bfill": "with the next value",
    "seasonal": "with the same period one season earlier",
    "mean": "with the column's average",
    "median": "with the column's median",
    "rolling_mean": "with the average of the {window} values before",
    "rolling_median": "with the median of the {window} values before",
    "constant": "with the value {value}",
}
# What "unusual" meant, for each detector.
DETECTORS = {
    "iqr": "far outside the middle half of the values",
    "zscore": "many standard deviations from the average",
    "hampel": "far from their neighbours",
    "stl": "not explained by trend and season",
}
KEEPS = {
    "first": "keeping the first row",
    "last": "keeping the last row",
    "sum": "adding up their values",
    "mean": "averaging their values",
}
AGGREGATES = {
    "sum": "adding up the values of each {unit}",
    "mean": "averaging the values of each {unit}",
    "last": "keeping the last value of each {unit}",
    "min": "keeping the lowest value of each {unit}",
    "max": "keeping the highest value of each {unit}",
}
TYPES = {"number": "numbers", "integer": "whole numbers", "text": "text"}
TYPES["boolean"] = "yes/no values"
# strftime codes as a person writes a date's layout ("day/month/year").
DATE_PARTS = {
    "%d": "day",
    "%-d": "day",
    "%m": "month",
    "%-m": "month",
    "%b": "month name",
    "%B": "month name",
    "%Y": "year",
    "%y": "two-digit year",
    "%H": "hour",
    "%M": "minute",
    "%S": "second",
    "%j": "day of the year",
}
_NAMES = {"business_day": "business day"}


def describe(
    step: Mapping[str, Any],
    counts: Mapping[str, Any] | None = None,
    frequency: Frequency | None = None,
    style: NumberStyle = DEFAULT_STYLE,
) -> str:
    """One cleaning step in a sentence.

    Parameters
    ----------
    step
        The step as the recipe holds it: ``op`` and its parameters.
    counts
        What applying it changed (the fields of :class:`services.cleaning.Change`:
        ``filled``, ``clipped``, ``flagged``, ``rows_removed``, ``rows_added``,
        ``unreadable``); without them the step is described as planned.
    frequency
        The frequency of the data the step worked on, to count in months, days…
    style
        How the counts are written (``1,234`` or ``1.234``).

    Examples
    --------
    >>> monthly = Frequency(unit="month", step=1)
    >>> describe({"op": "impute", "column": "sales", "method": "linear"},
    ...          {"filled": 3}, monthly)
    'Filled 3 missing months of “sales” by linear interpolation.'
    >>> describe({"op": "regularize", "fill": None}, {"rows_added": 2}, monthly)
    'Put the data on a regular monthly calendar (2 months added, left empty).'
    >>> describe({"op": "outliers", "column": "sales", "action": "clip"},
    ...          {"clipped": 4, "flagged": 4})
    'Capped 4 unusual “sales” values (far outside the middle half of the values).'
    >>> describe({"op": "impute", "column": "sales", "method": "ffill"})
    'Fill missing “sales” values with the previous value.'

    """
    op = str(step.get("op", ""))
    writer = _WRITERS.get(op)
    if writer is None:
        return STEP_TITLES.get(op, op.replace("_", " ").capitalize()) + "."
    sentence = writer(
        step, dict(counts) if counts is not None else None, frequency, style
    )
    return sentence[0].upper() + sentence[1:] + "."


def title(op: str) -> str:
    """The kind of step in words: "Fill missing values" for ``impute``."""
    return STEP_TITLES.get(op, op.replace("_", " ").capitalize())


def describe_changes(
    recipe: Sequence[Mapping[str, Any]],
    changes: Sequence[Mapping[str, Any]],
    frequency: Frequency | None = None,
    style: NumberStyle = DEFAULT_STYLE,
) -> list[str]:
    """What each applied step of a version did, one sentence per change.

    ``frequency`` is that of the data the recipe started from; a step that changes
    it (to a new frequency, or onto a calendar) changes it for the steps after.
    A change whose step is not in ``recipe`` keeps its stored description.

    Examples
    --------
    >>> recipe = [{"op": "resample", "frequency": {"unit": "quarter", "step": 1},
    ...            "agg": "sum"},
    ...           {"op": "impute", "column": "sales", "method": "linear"}]
    >>> changes = [{"step": 1, "rows_removed": 8}, {"step": 2, "filled": 1}]
    >>> describe_changes(recipe, changes, Frequency(unit="month", step=1))[1]
    'Filled 1 missing quarter of “sales” by linear interpolation.'

    """
    frequencies = frequencies_before(recipe, frequency)
    out = []
    for change in changes:
        index = int(change.get("step") or 0) - 1
        if 0 <= index < len(recipe):
            out.append(describe(recipe[index], change, frequencies[index], style))
        else:
            out.append(str(change.get("description") or ""))
    return out


def frequencies_before(
    recipe: Sequence[Mapping[str, Any]], frequency: Frequency | None
) -> list[Frequency | None]:
    """The frequency of the data each step of ``recipe`` works on."""
    seen = []
    for step in recipe:
        seen.append(frequency)
        if step.get("op") in ("resample", "regularize"):
            frequency = _frequency(step.get("frequency")) or frequency
    return seen


def _frequency(value: Any) -> Frequency | None:
    if isinstance(value, Frequency):
        return value
    try:
        return Frequency.model_validate(value) if value else None
    except ValidationError:
        return None


def _count(
    number: int, frequency: Frequency | None, noun: str, style: NumberStyle
) -> str:
    """``3 months`` when each value stands for one period, else ``3 values``."""
    if frequency is not None and frequency.step == 1:
        name = _NAMES.get(frequency.unit, frequency.unit)
    else:
        name = noun
    return f"{format_number(number, style)} {name}{'' if number == 1 else 's'}"


def _calendar(frequency: Frequency | None) -> str:
    """The calendar in words: "a regular monthly calendar"."""
    if frequency is None:
        return "a regular calendar at the data's own frequency"
    if frequency.step == 1:
        return f"a regular {calendars.unit_words(frequency)} calendar"
    return f"a regular calendar of {calendars.describe(frequency)}"


def _fill(method: str | None, step: Mapping[str, Any]) -> str:
    words = FILLS.get(method or "linear", "")
    return words.format(window=step.get("window", 7), value=step.get("value"))


def _impute(
    step: Mapping[str, Any],
    counts: dict[str, Any] | None,
    freq: Frequency | None,
    style: NumberStyle,
) -> str:
    column, method = step.get("column", ""), step.get("method", "linear")
    gap = step.get("max_gap")
    only = (
        f" (gaps of up to {_count(int(gap), freq, 'point', style)} only)" if gap else ""
    )
    if method == "drop":
        if counts is None:
            return f"remove the rows without a “{column}” value"
        removed = counts.get("rows_removed", 0)
        if not removed:
            return f"no row lacked a “{column}” value, so none was removed"
        return (
            f"removed {_count(removed, None, 'row', style)} without a “{column}” value"
        )
    how = _fill(method, step)
    if counts is None:
        return f"fill missing “{column}” values {how}{only}"
    filled = counts.get("filled", 0)
    if not filled:
        return f"no “{column}” value was filled: none was missing{only}"
    if freq is not None and freq.step == 1:
        return f"filled {_missing(filled, freq, style)} of “{column}” {how}{only}"
    values = f"{format_number(filled, style)} missing “{column}” value{_s(filled)}"
    return f"filled {values} {how}{only}"


def _missing(number: int, frequency: Frequency, style: NumberStyle) -> str:
    """``3 missing months``."""
    name = _NAMES.get(frequency.unit, frequency.unit)
    return f"{format_number(number, style)} missing {name}{_s(number)}"


def _s(number: int) -> str:
    return "" if number == 1 else "s"


def _regularize(
    step: Mapping[str, Any],
    counts: dict[str, Any] | None,
    freq: Frequency | None,
    style: NumberStyle,
) -> str:
    calendar_freq = _frequency(step.get("frequency")) or freq
    where = _calendar(calendar_freq)
    fill = step.get("fill")
    if counts is None:
        then = f", filling the added dates {_fill(fill, step)}" if fill else ""
        return f"put the data on {where}{then}"
    added = counts.get("rows_added", 0)
    if not added:
        return f"checked the data against {where}: no date was missing"
    dates = _count(added, calendar_freq, "date", style)
    filled = counts.get("filled", 0)
    then = f" and filled {_fill(fill, step)}" if fill and filled else ", left empty"
    return f"put the data on {where} ({dates} added{then})"


def _deduplicate(
    step: Mapping[str, Any],
    counts: dict[str, Any] | None,
    freq: Frequency | None,
    style: NumberStyle,
) -> str:
    keep = KEEPS.get(step.get("keep", "first"), "")
    if counts is None:
        return f"merge the rows that share a date, {keep}"
    removed = counts.get("rows_removed", 0)
    if not removed:
        return "no date was repeated, so nothing was merged"
    return (
        f"merged the rows that shared a date, {keep} "
        f"({_count(removed, None, 'row', style)} fewer)"
    )


def _outliers(
    step: Mapping[str, Any],
    counts: dict[str, Any] | None,
    freq: Frequency | None,
    style: NumberStyle,
) -> str:
    column, action = step.get("column", ""), step.get("action", "flag")
    unusual = DETECTORS.get(step.get("method", "iqr"), "")
    if counts is None:
        if action == "interpolate":
            return (
                f"replace the unusual “{column}” values by linear interpolation "
                f"({unusual})"
            )
        verb = "cap" if action == "clip" else "mark"
        return f"{verb} the unusual “{column}” values ({unusual})"
    found = counts.get("flagged", 0)
    if not found:
        return f"found no unusual “{column}” value ({unusual})"
    values = f"{format_number(found, style)} unusual “{column}” value{_s(found)}"
    if action == "clip":
        return f"capped {values} ({unusual})"
    if action == "interpolate":
        return f"replaced {values} by linear interpolation ({unusual})"
    return f"marked {values} ({unusual}) in a new column “{column}_outlier”"


def _resample(
    step: Mapping[str, Any],
    counts: dict[str, Any] | None,
    freq: Frequency | None,
    style: NumberStyle,
) -> str:
    target = _frequency(step.get("frequency"))
    unit = _NAMES.get(target.unit, target.unit) if target else "period"
    words = calendars.unit_words(target) if target else "another frequency"
    agg = AGGREGATES.get(step.get("agg", "sum"), "").format(unit=unit)
    if counts is None:
        return f"change the data to {words}, {agg}"
    removed = counts.get("rows_removed", 0)
    fewer = f" ({_count(removed, None, 'row', style)} fewer)" if removed else ""
    return f"changed the data to {words}, {agg}{fewer}"


def _cast(
    step: Mapping[str, Any],
    counts: dict[str, Any] | None,
    freq: Frequency | None,
    style: NumberStyle,
) -> str:
    column, to = step.get("column", ""), TYPES.get(step.get("to", ""), "")
    if counts is None:
        return f"read “{column}” as {to}"
    lost = counts.get("unreadable", 0)
    after = (
        f" ({format_number(lost, style)} value{_s(lost)} could not be read and "
        "are missing)"
    )
    return f"read “{column}” as {to}" + (after if lost else "")


def date_layout(format_: str) -> str:
    """A strftime format as a person reads it.

    Examples
    --------
    >>> date_layout("%d/%m/%Y"), date_layout("%Y-%m-%d %H:%M")
    ('day/month/year', 'year-month-day hour:minute')

    """
    words = format_
    for code in sorted(DATE_PARTS, key=len, reverse=True):
        words = words.replace(code, DATE_PARTS[code])
    return words


def _parse_dates(
    step: Mapping[str, Any],
    counts: dict[str, Any] | None,
    freq: Frequency | None,
    style: NumberStyle,
) -> str:
    column = step.get("column", "")
    layout = date_layout(str(step.get("format", "")))
    read = f"read “{column}” as dates written {layout}"
    lost = counts.get("unreadable", 0) if counts else 0
    return read + (
        f" ({format_number(lost, style)} did not match and are missing)" if lost else ""
    )


def _rename(
    step: Mapping[str, Any],
    counts: dict[str, Any] | None,
    freq: Frequency | None,
    style: NumberStyle,
) -> str:
    verb = "renamed" if counts is not None else "rename"
    return f"{verb} “{step.get('column', '')}” to “{step.get('to', '')}”"


def _append(
    step: Mapping[str, Any],
    counts: dict[str, Any] | None,
    freq: Frequency | None,
    style: NumberStyle,
) -> str:
    name = step.get("file") or "a newer file"
    if counts is None:
        return f"add the newer data of “{name}”"
    added = int(counts.get("rows_added") or step.get("rows_added") or 0)
    revised = int(step.get("values_revised") or 0)
    said = (
        f", {format_number(revised, style)} value{'' if revised == 1 else 's'} updated"
        if revised
        else ""
    )
    return (
        f"newer data added from “{name}” "
        f"({_count(added, None, 'row', style)} added{said})"
    )


def _replace(
    step: Mapping[str, Any],
    counts: dict[str, Any] | None,
    freq: Frequency | None,
    style: NumberStyle,
) -> str:
    name = step.get("file") or "a newer file"
    if counts is None:
        return f"replace the history with “{name}”"
    added = int(counts.get("rows_added") or step.get("rows_added") or 0)
    removed = int(counts.get("rows_removed") or step.get("rows_removed") or 0)
    return (
        f"history replaced by the newer file “{name}” "
        f"({_count(added, None, 'row', style)} added, "
        f"{_count(removed, None, 'row', style)} of the old history removed)"
    )


_Writer = Callable[
    [Mapping[str, Any], dict[str, Any] | None, Frequency | None, NumberStyle], str
]
_WRITERS: dict[str, _Writer] = {
    "impute": _impute,
    "regularize": _regularize,
    "deduplicate": _deduplicate,
    "outliers": _outliers,
    "resample": _resample,
    "cast": _cast,
    "parse_dates": _parse_dates,
    "rename": _rename,
    "append": _append,
    "replace": _replace,
}
