"""Typing text columns as people write them: numbers, booleans, dates and times.

Each rule decides on a sample of the column's values, then converts the whole column
once with Polars, so a million rows cost a few vectorised passes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import polars as pl

MISSING_TOKENS = ["", "na", "n/a", "nan", "null", "none", "-", "#n/a", "nil", "n.a."]
BOOLEAN_WORDS = {
    "true": True,
    "false": False,
    "yes": True,
    "no": False,
    "y": True,
    "n": False,
    "t": True,
    "f": False,
    "ja": True,
    "nein": False,
    "j": True,
    "oui": True,
    "non": False,
    "si": True,
    "sí": True,
}
# A column is yes/no when its values all come from one of these sets (so single
# letters count only beside their own words: "Y"/"N" is yes/no, "F"/"N" is not).
BOOLEAN_SETS = (
    {"true", "false", "yes", "no"},
    {"yes", "no", "y", "n"},
    {"true", "false", "t", "f"},
    {"ja", "nein", "j", "n"},
    {"oui", "non"},
    {"si", "sí", "no"},
)
SAMPLE = 5000
# A column is numeric when at least this share of its values are numbers.
NUMERIC_SHARE = 0.9
DATE_FORMATS = (
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%Y%m%d",
    "%d.%m.%Y",
    "%d.%m.%y",
    "%Y-%m",
    "%Y/%m",
    "%b %Y",
    "%B %Y",
    "%b-%Y",
    "%b-%y",
    "%d %b %Y",
    "%d %B %Y",
    "%b %d, %Y",
    "%B %d, %Y",
)
DATETIME_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%dT%H:%M:%S%.f",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
)
# Pairs read either way round; the values (or the regularity of the result) decide.
AMBIGUOUS_FORMATS = (
    ("%d/%m/%Y", "%m/%d/%Y"),
    ("%d-%m-%Y", "%m-%d-%Y"),
    ("%d/%m/%y", "%m/%d/%y"),
    ("%d/%m/%Y %H:%M", "%m/%d/%Y %H:%M"),
    ("%d/%m/%Y %H:%M:%S", "%m/%d/%Y %H:%M:%S"),
)
_QUARTER = r"^(?:(\d{4})\s*-?\s*[Qq]([1-4])|[Qq]([1-4])\s*-?\s*(\d{4}))$"
_ISO_WEEK = r"^(\d{4})-?W(\d{2})(?:-?([1-7]))?$"
_OFFSET = r"(Z|[+-]\d{2}:?\d{2})$"
_TIME_OF_DAY = r"^\d{1,2}:\d{2}(:\d{2})?$"
_US_NUMBER = r"^[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$"
_EU_NUMBER = r"^[+-]?(\d{1,3}(\.\d{3})+|\d+)(,\d+)?$"
_DECORATION = r"[\s\u00a0\u202f$€£¥%]|^(USD|EUR|GBP|CHF)|(USD|EUR|GBP|CHF)$"
_TIME_NAMES = re.compile(
    r"(date|day|time|timestamp|epoch|ts|datum|fecha|period)", re.IGNORECASE
)
# Whole numbers from 1000 to 2999 under these names are years (a bare 2023 under
# "date" too; "visits" of 2023 stay visits).
_YEAR_NAMES = re.compile(
    r"^(year|yr|jahr|annee|année|fiscal_?year|date|period|time)$", re.IGNORECASE
)


@dataclass
class Typed:
    """A converted column and what the conversion wants the user to know."""

    column: pl.Series
    notes: list[str] = field(default_factory=list)


def clean_text(column: pl.Series) -> pl.Series:
    """Strip spaces and turn missing-value tokens (any letter case) into nulls."""
    distinct = column.unique().drop_nulls()
    cleaned = distinct.str.strip_chars()
    cleaned = cleaned.set(cleaned.str.to_lowercase().is_in(MISSING_TOKENS), None)
    changed = cleaned.ne_missing(distinct)
    if not changed.any():
        return column  # the common case: nothing to change, no pass over every row
    # Only the distinct values that change are looked up in each row.
    return column.replace(distinct.filter(changed), cleaned.filter(changed))


def type_text_column(column: pl.Series, decimal_comma: bool = False) -> Typed:
    """Turn a text column into booleans, dates, datetimes or numbers when it is one.

    Parameters
    ----------
    decimal_comma
        Whether the file writes ``1.234,56`` (the hint for ambiguous ``1,234``).

    """
    column = clean_text(column)
    values = column.drop_nulls()
    if values.len() == 0:
        return Typed(column)
    sample = values.head(SAMPLE)
    lower = sample.str.to_lowercase()
    if lower.is_in(list(BOOLEAN_WORDS)).all() and any(
        set(lower.unique().to_list()) <= allowed for allowed in BOOLEAN_SETS
    ):
        distinct = column.unique().drop_nulls()
        truth = distinct.str.to_lowercase().replace_strict(
            BOOLEAN_WORDS, default=None, return_dtype=pl.Boolean
        )
        return Typed(
            column.replace_strict(
                distinct, truth, default=None, return_dtype=pl.Boolean
            )
        )
    for convert in (_as_quarters, _as_iso_weeks, _as_dates, _as_numbers):
        typed = convert(column, sample, decimal_comma)
        if typed is not None:
            return typed
    return Typed(column)


def _as_quarters(column: pl.Series, sample: pl.Series, _dc: bool) -> Typed | None:
    if not sample.str.contains(_QUARTER).all():
        return None
    parts = column.str.extract_groups(_QUARTER)
    year = parts.struct.field("1").fill_null(parts.struct.field("4")).cast(pl.Int32)
    quarter = parts.struct.field("2").fill_null(parts.struct.field("3")).cast(pl.Int8)
    frame = pl.DataFrame({"y": year, "q": quarter})
    dates = frame.select(pl.date(pl.col("y"), (pl.col("q") - 1) * 3 + 1, 1))
    return Typed(dates.to_series().alias(column.name))


def _as_iso_weeks(column: pl.Series, sample: pl.Series, _dc: bool) -> Typed | None:
    """ISO 8601 weeks (``2024-W05``, ``2024W05``, ``2024-W05-1``): their Mondays."""
    if not sample.str.contains(_ISO_WEEK).all():
        return None
    parts = column.str.extract_groups(_ISO_WEEK)
    text = pl.format(
        "{}-W{}-{}",
        parts.struct.field("1"),
        parts.struct.field("2"),
        parts.struct.field("3").fill_null("1"),
    )
    dates = pl.select(text.str.to_date("%G-W%V-%u", strict=False)).to_series()
    if dates.null_count() != column.null_count():
        return None  # a week 53 in a year without one: not ISO weeks
    return Typed(dates.alias(column.name))


def _parse(values: pl.Series, fmt: str) -> pl.Series:
    return values.str.to_datetime(fmt, strict=False, exact=True)


def _regularity(parsed: pl.Series) -> int:
    """How many different gaps separate the sorted values (fewer is more regular)."""
    return int(parsed.drop_nulls().unique().sort().diff().drop_nulls().n_unique())


def _as_dates(column: pl.Series, sample: pl.Series, _dc: bool) -> Typed | None:
    if (
        not sample.str.contains(r"\d").all()
        or sample.str.contains(_US_NUMBER).all()
        or sample.str.contains(_EU_NUMBER).all()
    ):
        return None
    # Whether a format fits depends on each distinct value only, so try them once.
    sample = sample.unique(maintain_order=True)
    notes: list[str] = []
    chosen = None
    for fmt in (*DATE_FORMATS, *DATETIME_FORMATS):
        if _parse(sample, fmt).null_count() == 0:
            chosen = fmt
            break
    if chosen is None:
        for day_first, month_first in AMBIGUOUS_FORMATS:
            by_day = _parse(sample, day_first)
            by_month = _parse(sample, month_first)
            day_ok, month_ok = by_day.null_count() == 0, by_month.null_count() == 0
            if day_ok and month_ok:
                chosen = (
                    day_first
                    if _regularity(by_day) <= _regularity(by_month)
                    else month_first
                )
                reading = "day-first" if chosen == day_first else "month-first"
                notes.append(
                    f"Dates in “{column.name}” could be read day-first or "
                    f"month-first; they were read {reading}, which gives the "
                    "more regular series."
                )
                break
            if day_ok or month_ok:
                chosen = day_first if day_ok else month_first
                break
    if chosen is not None:
        parsed = _parse(column, chosen)
    else:
        # ISO 8601 with offsets or fractions: Polars infers the exact variant.
        try:
            if sample.str.to_datetime(strict=False).null_count():
                return None
            parsed = column.str.to_datetime(strict=False)
        except pl.exceptions.ComputeError:  # no format fits: not dates
            return None
    if parsed.null_count() != column.null_count():
        return None
    if isinstance(parsed.dtype, pl.Datetime) and parsed.dtype.time_zone is not None:
        return _from_offsets(column, parsed, notes)
    return Typed(_date_if_midnight(parsed), notes)


def _from_offsets(column: pl.Series, parsed: pl.Series, notes: list[str]) -> Typed:
    """Times with UTC offsets: local dates when they are dates, else UTC times.

    Daily data written at local midnight (``2024-03-31T00:00:00+02:00``) keeps its
    local dates, which a change of offset would otherwise shift to 22:00 or 23:00 of
    the day before; times of day are converted to UTC, which removes the hour that
    repeats or goes missing when the clocks change.
    """
    local = column.str.replace(_OFFSET, "").str.to_datetime(strict=False)
    if local.null_count() == column.null_count():
        head = local.drop_nulls()
        if (head.dt.truncate("1d") == head).all():
            notes.append(
                f"Dates in “{column.name}” carried UTC offsets; their local dates "
                "were kept."
            )
            return Typed(local.cast(pl.Date), notes)
    notes.append(
        f"Times in “{column.name}” carried UTC offsets; they were converted to UTC."
    )
    utc = parsed.dt.convert_time_zone("UTC").dt.replace_time_zone(None)
    return Typed(_date_if_midnight(utc), notes)


def _date_if_midnight(parsed: pl.Series) -> pl.Series:
    if parsed.dtype == pl.Date:
        return parsed
    head = parsed.drop_nulls().head(SAMPLE)
    if not (head.dt.truncate("1d") == head).all():
        return parsed
    times = parsed.drop_nulls()
    if times.len() and (times.dt.truncate("1d") == times).all():
        return parsed.cast(pl.Date)
    return parsed


_PLAIN_NUMBER = r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$"


def _as_numbers(
    column: pl.Series, sample: pl.Series, decimal_comma: bool
) -> Typed | None:
    if (
        sample.str.contains(_PLAIN_NUMBER).all()
        and not sample.str.contains(r"^[+-]?0\d").any()
        and not (decimal_comma and sample.str.contains(".", literal=True).any())
    ):
        # The common case, written plainly: one cast, no clean-up passes.
        numbers = column.cast(pl.Float64, strict=False)
        if numbers.null_count() == column.null_count():
            return Typed(_int_if_whole(numbers, column))
    bare = sample.str.replace_all(_DECORATION, "")
    bare = bare.str.replace_all(r"^\((.*)\)$", "$1")
    us = bare.str.contains(_US_NUMBER)
    eu = bare.str.contains(_EU_NUMBER)
    numeric_share = max(float(us.sum()), float(eu.sum())) / max(1, sample.len())
    if numeric_share < NUMERIC_SHARE:
        return None
    if bare.filter(us | eu).str.contains(r"^[+-]?0\d").any():
        return None  # leading zeros: codes such as ZIP or SKU stay text
    plain = bare.str.contains(r"^[+-]?\d+$")
    european = bool(
        (eu.sum() > us.sum())
        or (decimal_comma and eu.sum() == us.sum() and not plain.all())
    )
    text = column.str.replace_all(_DECORATION, "")
    text = pl.select(
        pl.when(text.str.contains(r"^\(.*\)$"))
        .then(pl.lit("-") + text.str.replace_all(r"[()]", ""))
        .otherwise(text)
    ).to_series()
    if european:
        text = text.str.replace_all(".", "", literal=True).str.replace(
            ",", ".", literal=True
        )
    else:
        text = text.str.replace_all(",", "", literal=True)
    numbers = text.cast(pl.Float64, strict=False).alias(column.name)
    notes = []
    lost = numbers.null_count() - column.null_count()
    if lost:
        examples = column.filter(numbers.is_null() & column.is_not_null()).unique(
            maintain_order=True
        )
        shown = ", ".join(f"“{v}”" for v in examples.head(3).to_list())
        notes.append(
            f"{lost} values in “{column.name}” are not numbers ({shown}); "
            "they were read as missing."
        )
    return Typed(_int_if_whole(numbers, text), notes)


def _int_if_whole(numbers: pl.Series, text: pl.Series) -> pl.Series:
    """Integers when every number was written without a decimal point."""
    if text.filter(numbers.is_not_null()).str.contains(r"[.eE]").any():
        return numbers
    biggest = float(numbers.abs().max() or 0.0)  # type: ignore[arg-type]
    return numbers.cast(pl.Int64) if biggest < 2**53 else numbers


def type_number_column(column: pl.Series) -> Typed:
    """Numbers that are really times: years, Unix epochs and Excel serial dates.

    Only columns whose name says so are converted, so a count of 2020 stays a count.
    """
    name = column.name.strip()
    if not (_YEAR_NAMES.match(name) or _TIME_NAMES.search(name)):
        return Typed(column)  # the common case: decided without a pass over values
    values = column.drop_nulls()
    if (
        values.len() == 0
        or not column.dtype.is_integer()
        and not column.dtype.is_float()
    ):
        return Typed(column)
    if column.dtype.is_float() and not (values == values.round()).all():
        return Typed(column)
    low, high = float(values.min()), float(values.max())  # type: ignore[arg-type]
    if _YEAR_NAMES.match(name) and 1000 <= low and high <= 2999:
        years = column.cast(pl.Int32).to_frame("y").select(pl.date(pl.col("y"), 1, 1))
        return Typed(years.to_series().alias(column.name))
    if not _TIME_NAMES.search(name):
        return Typed(column)
    if 1e12 <= low and high < 1e13:  # epoch milliseconds (2001–2286)
        stamps = pl.from_epoch(column.cast(pl.Int64), time_unit="ms")
        return Typed(_date_if_midnight(stamps.alias(column.name)))
    if 1e8 <= low and high < 1e10:  # epoch seconds (1973–2286)
        stamps = pl.from_epoch(column.cast(pl.Int64), time_unit="s")
        return Typed(_date_if_midnight(stamps.alias(column.name)))
    if 20000 <= low and high <= 80000:  # Excel serial days since 1899-12-30
        days = (
            column.cast(pl.Int64)
            .to_frame("d")
            .select(pl.date(1899, 12, 30) + pl.duration(days=pl.col("d")))
        )
        return Typed(days.to_series().alias(column.name))
    return Typed(column)


def combine_date_and_time(frame: pl.DataFrame) -> tuple[pl.DataFrame, list[str]]:
    """Join a date column and a time-of-day column into one datetime column."""
    dates = [c for c, t in frame.schema.items() if t == pl.Date]
    times = [
        c
        for c, t in frame.schema.items()
        if t == pl.String
        and (v := frame[c].drop_nulls()).len()
        and v.head(SAMPLE).str.contains(_TIME_OF_DAY).all()
    ]
    if len(dates) != 1 or len(times) != 1:
        return frame, []
    date, time = dates[0], times[0]
    clock = frame[time].str.replace(r"^(\d):", "0$1:")
    clock = clock.str.replace(r"^(\d{2}:\d{2})$", "$1:00")
    stamp = (
        (frame[date].cast(pl.String) + " " + clock)
        .str.to_datetime("%Y-%m-%d %H:%M:%S", strict=False)
        .alias(f"{date}_{time}")
    )
    position = frame.columns.index(date)
    combined = frame.drop(date, time).insert_column(position, stamp)
    return combined, [
        f"“{date}” and “{time}” were combined into one column, “{date}_{time}”."
    ]
