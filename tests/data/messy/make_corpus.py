"""Generate the messy-file corpus for the data pipeline (issue 3) and its expected profiles.

Every file in this folder (except this script and ``expected.json``) is written by this
script, from seeded randomness, so the corpus is reproducible and documents how each file
was made. The files are committed; run the script again only to change or regenerate them:

    .venv/bin/python tests/data/messy/make_corpus.py

Each case below builds the *values* first (dates, integer cents, labels, ...), then renders
them the way a real system exports them (encoding, delimiter, number style, title lines,
footer rows, ...). The expected profile is derived from the same values, never typed by
hand: ``rows`` is the number of data records written, ``start``/``end`` the min/max of the
timestamps written, ``values`` the first few source values, and so on.

``expected.json`` maps each file name to either ``{"error": "<code>"}`` (the file must be
refused) or a spec with any of: ``rows``, ``time_column``, ``frequency``, ``start``,
``end``, ``target_candidates``, ``series_id_columns``, ``roles``, ``dtypes``, ``values``,
``issues`` (lower-case keywords that must each appear in some issue message),
``issues_absent`` (lower-case keywords that no issue message may hold), ``sheet``
(for a workbook: the sheet to read) and ``note`` (what the file tests).

Only the standard library, polars and xlsxwriter are used.
"""

# ruff: noqa: E501  (long notes and one-line rows read better unwrapped)
from __future__ import annotations

import csv
import io
import json
import math
import random
import struct
import zipfile
import zlib
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import polars as pl
import xlsxwriter

HERE = Path(__file__).resolve().parent
MAX_BYTES = 30_000  # every ordinary file stays under this
MAX_BOMB_BYTES = 1_000_000  # the committed zip bomb stays under this
BOMB_INFLATED_BYTES = 200 * 1024 * 1024  # the zip bomb's one big entry, inflated

FILES: dict[str, bytes] = {}
EXPECTED: dict[str, dict[str, Any]] = {}
CASES: list[Callable[[], None]] = []


def case(function: Callable[[], None]) -> Callable[[], None]:
    """Register a corpus case (run in definition order)."""
    CASES.append(function)
    return function


def add(name: str, data: bytes, spec: dict[str, Any]) -> None:
    """Record one file and its expected profile."""
    assert name not in FILES, f"duplicate file name {name}"
    assert "note" in spec or "error" in spec, name
    FILES[name] = data
    EXPECTED[name] = spec


def zipped(*columns: Any) -> Any:
    """``zip`` that insists the columns have the same length."""
    return zip(*columns, strict=True)


def rng_for(name: str) -> random.Random:
    """A random generator seeded by the file name (stable across runs and Pythons)."""
    return random.Random(f"messy-corpus/{name}")


# ---------------------------------------------------------------- value helpers


def iso(value: date | datetime) -> str:
    """ISO 8601 as the spec uses it: a date, or a naive datetime to the second."""
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    return value.isoformat()


def isos(values: list[Any]) -> list[Any]:
    return [iso(v) if isinstance(v, date | datetime) else v for v in values]


def freq(unit: str, step: int = 1) -> dict[str, Any]:
    return {"unit": unit, "step": step}


def days(start: date, n: int, step: int = 1) -> list[date]:
    return [start + timedelta(days=step * i) for i in range(n)]


def stamps(start: datetime, n: int, step: timedelta) -> list[datetime]:
    return [start + step * i for i in range(n)]


def month_starts(year: int, month: int, n: int, step: int = 1) -> list[date]:
    out = []
    for i in range(n):
        k = (month - 1) + step * i
        out.append(date(year + k // 12, k % 12 + 1, 1))
    return out


def weekdays(start: date, n: int) -> list[date]:
    out, d = [], start
    while len(out) < n:
        if d.weekday() < 5:
            out.append(d)
        d += timedelta(days=1)
    return out


def counts(
    rng: random.Random, n: int, base: float, amp: float, noise: float, period: int = 7
) -> list[int]:
    """Non-negative integers with a season and noise, like daily units sold."""
    return [
        max(
            0,
            round(
                base + amp * math.sin(2 * math.pi * i / period) + rng.gauss(0, noise)
            ),
        )
        for i in range(n)
    ]


def cents(rng: random.Random, n: int, lo: int, hi: int) -> list[int]:
    """Money as integer cents (exact; the expected float is cents / 100)."""
    return [rng.randint(lo, hi) for _ in range(n)]


def as_float(cent_values: list[int], scale: int = 100) -> list[float]:
    return [c / scale for c in cent_values]


def fixed(value: int, scale: int = 100) -> str:
    """An integer number of hundredths (or thousandths) as plain decimal text."""
    digits = len(str(scale)) - 1
    sign = "-" if value < 0 else ""
    whole, frac = divmod(abs(value), scale)
    return f"{sign}{whole}.{frac:0{digits}d}"


def us_money(value: int) -> str:
    """Cents as ``1,234.56``."""
    sign = "-" if value < 0 else ""
    whole, frac = divmod(abs(value), 100)
    return f"{sign}{whole:,}.{frac:02d}"


def eu_money(value: int) -> str:
    """Cents as ``1.234,56``."""
    return us_money(value).translate(str.maketrans(",.", ".,"))


def eu_int(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def table(
    header: list[str],
    rows: list[list[str]],
    delimiter: str = ",",
    eol: str = "\n",
    quoting: int = csv.QUOTE_MINIMAL,
) -> str:
    buffer = io.StringIO()
    writer = csv.writer(
        buffer, delimiter=delimiter, lineterminator=eol, quoting=quoting
    )
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def first(values: list[Any], k: int = 3) -> list[Any]:
    return isos(values[:k])


# ---------------------------------------------------------------- workbook helpers


def workbook(build: Callable[[xlsxwriter.Workbook], None]) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    book.set_properties(
        {"created": datetime(2024, 1, 1), "author": "Forecast Studio QA"}
    )
    build(book)
    book.close()
    return buffer.getvalue()


def fixed_zipinfo(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


# ======================================================================= reading


@case
def iso_dates() -> None:
    name = "iso_dates.csv"
    rng = rng_for(name)
    d = days(date(2024, 1, 1), 90)
    sales = counts(rng, 90, 120, 25, 8)
    text = table(["date", "sales"], [[iso(a), str(b)] for a, b in zipped(d, sales)])
    add(
        name,
        text.encode(),
        {
            "note": "plain UTF-8 comma CSV, ISO dates, integers: the baseline daily series",
            "rows": len(d),
            "time_column": "date",
            "frequency": freq("day"),
            "start": iso(min(d)),
            "end": iso(max(d)),
            "target_candidates": ["sales"],
            "series_id_columns": [],
            "roles": {"date": "time", "sales": "numeric"},
            "dtypes": {"date": "Date", "sales": "Int64"},
            "values": {"date": first(d), "sales": first(sales)},
        },
    )


@case
def utf8_bom() -> None:
    name = "utf8_bom.csv"
    rng = rng_for(name)
    d = days(date(2024, 6, 1), 61)
    visitors = counts(rng, 61, 800, 200, 60)
    events = ["Straßenfest"] + [
        rng.choice(["", "", "", "Föhn-Wetter", "Schließtag"]) for _ in d[1:]
    ]
    text = table(
        ["date", "visitors", "event"],
        [[iso(a), str(b), c] for a, b, c in zipped(d, visitors, events)],
    )
    add(
        name,
        b"\xef\xbb\xbf" + text.encode("utf-8"),
        {
            "note": "UTF-8 with a byte-order mark: the first header must be 'date', not '\\ufeffdate'",
            "rows": len(d),
            "time_column": "date",
            "frequency": freq("day"),
            "start": iso(min(d)),
            "end": iso(max(d)),
            "target_candidates": ["visitors"],
            "dtypes": {"date": "Date", "visitors": "Int64", "event": "String"},
            "values": {
                "date": first(d),
                "visitors": first(visitors),
                "event": [e or None for e in events[:3]],
            },
        },
    )


@case
def utf16le_unicode_text() -> None:
    name = "utf16le_excel_unicode.txt"
    rng = rng_for(name)
    d = days(date(2024, 2, 1), 60)
    sales = counts(rng, 60, 300, 50, 20)
    text = table(
        ["date", "sales", "region"],
        [[iso(a), str(b), "Île-de-France"] for a, b in zipped(d, sales)],
        delimiter="\t",
        eol="\r\n",
    )
    add(
        name,
        b"\xff\xfe" + text.encode("utf-16-le"),
        {
            "note": "Excel 'Unicode Text' export: UTF-16 LE with BOM, tab-delimited, CRLF, .txt",
            "rows": len(d),
            "time_column": "date",
            "frequency": freq("day"),
            "start": iso(min(d)),
            "end": iso(max(d)),
            "target_candidates": ["sales"],
            "roles": {"date": "time", "sales": "numeric", "region": "constant"},
            "dtypes": {"date": "Date", "sales": "Int64", "region": "String"},
            "values": {
                "date": first(d),
                "sales": first(sales),
                "region": ["Île-de-France"] * 3,
            },
        },
    )


@case
def utf16be() -> None:
    name = "utf16be.csv"
    rng = rng_for(name)
    d = month_starts(2021, 1, 36)
    revenue = cents(rng, 36, 1_000_000, 2_500_000)
    text = table(
        ["month", "revenue"], [[iso(a), fixed(b)] for a, b in zipped(d, revenue)]
    )
    add(
        name,
        b"\xfe\xff" + text.encode("utf-16-be"),
        {
            "note": "UTF-16 big-endian with BOM, comma CSV, monthly first-of-month dates",
            "rows": len(d),
            "time_column": "month",
            "frequency": freq("month"),
            "start": iso(min(d)),
            "end": iso(max(d)),
            "target_candidates": ["revenue"],
            "dtypes": {"month": "Date", "revenue": "Float64"},
            "values": {"month": first(d), "revenue": first(as_float(revenue))},
        },
    )


@case
def latin1() -> None:
    name = "latin1.csv"
    rng = rng_for(name)
    d = days(date(2024, 1, 1), 60)
    products = ["Käse", "Brötchen", "Crème brûlée"] + [
        rng.choice(["Käse", "Brötchen", "Müsli", "Crème brûlée", "Smørrebrød"])
        for _ in d[3:]
    ]
    units = counts(rng, 60, 40, 10, 5)
    text = table(
        ["date", "product", "units"],
        [[iso(a), b, str(c)] for a, b, c in zipped(d, products, units)],
    )
    add(
        name,
        text.encode("latin-1"),
        {
            "note": "Latin-1 (ISO-8859-1) bytes with umlauts and accents; must not be read as UTF-8",
            "rows": len(d),
            "time_column": "date",
            "frequency": freq("day"),
            "start": iso(min(d)),
            "end": iso(max(d)),
            "target_candidates": ["units"],
            "roles": {"product": "categorical"},
            "dtypes": {"date": "Date", "product": "String", "units": "Int64"},
            "values": {"product": products[:3], "units": first(units)},
        },
    )


@case
def cp1252() -> None:
    name = "cp1252_euro.csv"
    rng = rng_for(name)
    d = days(date(2024, 3, 1), 45)
    items = ["Café – Espresso", "“House” blend", "Baker’s € deal"] + [
        rng.choice(
            ["Café – Espresso", "“House” blend", "Baker’s € deal", "Tea … to go"]
        )
        for _ in d[3:]
    ]
    price = cents(rng, 45, 150, 650)
    text = table(
        ["date", "item", "price"],
        [[iso(a), b, fixed(c)] for a, b, c in zipped(d, items, price)],
    )
    add(
        name,
        text.encode("cp1252"),
        {
            "note": "Windows-1252 bytes for € – “ ” ’ … (0x80-0x9F), which Latin-1 would garble",
            "rows": len(d),
            "time_column": "date",
            "frequency": freq("day"),
            "start": iso(min(d)),
            "end": iso(max(d)),
            "target_candidates": ["price"],
            "dtypes": {"date": "Date", "item": "String", "price": "Float64"},
            "values": {"item": items[:3], "price": first(as_float(price))},
        },
    )


@case
def decimal_comma() -> None:
    name = "decimal_comma.csv"
    rng = rng_for(name)
    d = days(date(2024, 1, 1), 60)
    revenue = cents(rng, 60, 50_000, 350_000)  # 500,00 .. 3.500,00
    margin = [rng.randint(50, 350) for _ in d]  # tenths: 5,0 .. 35,0
    rows = [
        [iso(a), eu_money(b), fixed(c, 10).replace(".", ",")]
        for a, b, c in zipped(d, revenue, margin)
    ]
    text = table(["date", "revenue", "margin"], rows, delimiter=";")
    add(
        name,
        text.encode(),
        {
            "note": "semicolon CSV with decimal comma and dot thousands (1.234,56), UTF-8, ISO dates",
            "rows": len(d),
            "time_column": "date",
            "frequency": freq("day"),
            "start": iso(min(d)),
            "end": iso(max(d)),
            "target_candidates": ["revenue", "margin"],
            "dtypes": {"date": "Date", "revenue": "Float64", "margin": "Float64"},
            "values": {
                "revenue": first(as_float(revenue)),
                "margin": first(as_float(margin, 10)),
            },
        },
    )


@case
def tab_separated() -> None:
    name = "tab_separated.tsv"
    rng = rng_for(name)
    d = days(date(2024, 4, 1), 60)
    visits = counts(rng, 60, 2000, 400, 150)
    bounce = [rng.randint(300, 700) for _ in d]  # thousandths
    text = table(
        ["date", "visits", "bounce_rate"],
        [[iso(a), str(b), fixed(c, 1000)] for a, b, c in zipped(d, visits, bounce)],
        delimiter="\t",
    )
    add(
        name,
        text.encode(),
        {
            "note": "tab-separated .tsv",
            "rows": len(d),
            "time_column": "date",
            "frequency": freq("day"),
            "start": iso(min(d)),
            "end": iso(max(d)),
            "target_candidates": ["visits", "bounce_rate"],
            "dtypes": {"date": "Date", "visits": "Int64", "bounce_rate": "Float64"},
            "values": {
                "visits": first(visits),
                "bounce_rate": first(as_float(bounce, 1000)),
            },
        },
    )


@case
def pipe_delimited() -> None:
    name = "pipe_delimited.txt"
    rng = rng_for(name)
    d = days(date(2023, 11, 1), 60)
    status = [rng.choice(["ok", "ok", "ok", "late"]) for _ in d]
    amount = cents(rng, 60, 10_000, 90_000)
    text = table(
        ["status", "date", "amount"],
        [[a, iso(b), fixed(c)] for a, b, c in zipped(status, d, amount)],
        delimiter="|",
    )
    add(
        name,
        text.encode(),
        {
            "note": "pipe-delimited database dump as .txt; the time column is not the first column",
            "rows": len(d),
            "time_column": "date",
            "frequency": freq("day"),
            "start": iso(min(d)),
            "end": iso(max(d)),
            "target_candidates": ["amount"],
            "roles": {"status": "categorical", "date": "time", "amount": "numeric"},
            "dtypes": {"date": "Date", "amount": "Float64", "status": "String"},
            "values": {"amount": first(as_float(amount)), "status": status[:3]},
        },
    )


@case
def quoting() -> None:
    name = "quoting.csv"
    rng = rng_for(name)
    d = days(date(2024, 1, 1), 40)
    customers = ["Smith, John", "O'Brien; Pat", "Müller | Sons GmbH"] + [
        rng.choice(["Smith, John", "Doe, Jane", "ACME, Inc.", 'Lee "Ace" Park'])
        for _ in d[3:]
    ]
    comments = ['Called twice, said "urgent"', "Line one\nLine two", "plain"] + [
        rng.choice(
            ["", "ok", "Paid, thanks", 'Wrote "see attached"', "Two\nlines, here"]
        )
        for _ in d[3:]
    ]
    amount = cents(rng, 40, 1_000, 50_000)
    text = table(
        ["date", "customer", "comment", "amount"],
        [
            [iso(a), b, c, fixed(e)]
            for a, b, c, e in zipped(d, customers, comments, amount)
        ],
    )
    add(
        name,
        text.encode(),
        {
            "note": "RFC 4180 quoting: embedded commas, other delimiters, doubled quotes and newlines in fields",
            "rows": len(d),
            "time_column": "date",
            "frequency": freq("day"),
            "start": iso(min(d)),
            "end": iso(max(d)),
            "target_candidates": ["amount"],
            "dtypes": {
                "date": "Date",
                "customer": "String",
                "comment": "String",
                "amount": "Float64",
            },
            "values": {
                "customer": customers[:3],
                "comment": comments[:3],
                "amount": first(as_float(amount)),
            },
        },
    )


@case
def crlf() -> None:
    name = "crlf_windows.csv"
    rng = rng_for(name)
    d = days(date(2024, 1, 1), 60)
    orders = counts(rng, 60, 50, 10, 5)
    revenue = cents(rng, 60, 100_000, 400_000)
    text = table(
        ["date", "orders", "revenue"],
        [[iso(a), str(b), fixed(c)] for a, b, c in zipped(d, orders, revenue)],
        eol="\r\n",
    )
    add(
        name,
        text.encode(),
        {
            "note": "CRLF line endings: the last column must not keep a trailing \\r",
            "rows": len(d),
            "time_column": "date",
            "frequency": freq("day"),
            "start": iso(min(d)),
            "end": iso(max(d)),
            "target_candidates": ["orders", "revenue"],
            "dtypes": {"date": "Date", "orders": "Int64", "revenue": "Float64"},
            "values": {"revenue": first(as_float(revenue)), "orders": first(orders)},
        },
    )


@case
def json_records() -> None:
    name = "json_records.json"
    rng = rng_for(name)
    d = days(date(2024, 1, 1), 60)
    visits: list[int | None] = list(counts(rng, 60, 500, 100, 30))
    visits[1] = None
    channel = [rng.choice(["web", "app"]) for _ in d]
    conversion = [rng.randint(10, 60) for _ in d]  # thousandths
    records = [
        {"date": iso(a), "visits": b, "channel": c, "conversion": e / 1000}
        for a, b, c, e in zipped(d, visits, channel, conversion)
    ]
    add(
        name,
        json.dumps(records, indent=1, ensure_ascii=False).encode(),
        {
            "note": "JSON records (an array of objects) with ISO date strings and a null",
            "rows": len(d),
            "time_column": "date",
            "frequency": freq("day"),
            "start": iso(min(d)),
            "end": iso(max(d)),
            "target_candidates": ["visits", "conversion"],
            "series_id_columns": [],
            "dtypes": {
                "date": "Date",
                "visits": "Int64",
                "channel": "String",
                "conversion": "Float64",
            },
            "values": {
                "date": first(d),
                "visits": first(visits),
                "conversion": first(as_float(conversion, 1000)),
            },
        },
    )


@case
def json_api_utc() -> None:
    name = "json_api_utc.json"
    rng = rng_for(name)
    t = stamps(datetime(2024, 1, 1), 72, timedelta(hours=1))
    temp = [rng.randint(-50, 80) for _ in t]  # tenths of °C
    records = [
        {"timestamp": iso(a) + "Z", "temperature": b / 10, "station": "ST-01"}
        for a, b in zipped(t, temp)
    ]
    add(
        name,
        json.dumps(records, indent=1).encode(),
        {
            "note": "API-style JSON records with ISO datetimes ending in Z (UTC), hourly",
            "rows": len(t),
            "time_column": "timestamp",
            "frequency": freq("hour"),
            "start": iso(min(t)),
            "end": iso(max(t)),
            "target_candidates": ["temperature"],
            "roles": {"timestamp": "time", "station": "constant"},
            "dtypes": {"timestamp": "Datetime", "temperature": "Float64"},
            "values": {"timestamp": first(t), "temperature": first(as_float(temp, 10))},
        },
    )


@case
def parquet_typed() -> None:
    name = "parquet_typed.parquet"
    rng = rng_for(name)
    d = days(date(2024, 1, 1), 60)
    sales = as_float(cents(rng, 60, 20_000, 80_000))
    orders = counts(rng, 60, 30, 8, 3)
    holiday = [a in (date(2024, 1, 1), date(2024, 1, 6), date(2024, 2, 14)) for a in d]
    weekday = [a.strftime("%a") for a in d]
    frame = pl.DataFrame(
        {
            "date": d,
            "sales": sales,
            "orders": orders,
            "holiday": holiday,
            "weekday": weekday,
        },
        schema={
            "date": pl.Date,
            "sales": pl.Float64,
            "orders": pl.Int64,
            "holiday": pl.Boolean,
            "weekday": pl.String,
        },
    )
    buffer = io.BytesIO()
    frame.write_parquet(buffer, statistics=False)
    add(
        name,
        buffer.getvalue(),
        {
            "note": "Parquet with typed Date, Float64, Int64, Boolean and String columns",
            "rows": len(d),
            "time_column": "date",
            "frequency": freq("day"),
            "start": iso(min(d)),
            "end": iso(max(d)),
            "target_candidates": ["sales", "orders"],
            "series_id_columns": [],
            "roles": {
                "date": "time",
                "sales": "numeric",
                "orders": "numeric",
                "holiday": "boolean",
                "weekday": "categorical",
            },
            "dtypes": {
                "date": "Date",
                "sales": "Float64",
                "orders": "Int64",
                "holiday": "Boolean",
                "weekday": "String",
            },
            "values": {"sales": first(sales), "holiday": holiday[:3]},
        },
    )


# ---------------------------------------------------------------- workbooks


@case
def xlsx_simple() -> None:
    name = "xlsx_simple.xlsx"
    rng = rng_for(name)
    d = days(date(2024, 1, 1), 60)
    units = counts(rng, 60, 80, 15, 6)
    price = as_float(cents(rng, 60, 990, 1490))

    def build(book: xlsxwriter.Workbook) -> None:
        sheet = book.add_worksheet("Sales")
        fmt = book.add_format({"num_format": "yyyy-mm-dd"})
        sheet.write_row(0, 0, ["date", "units", "price"])
        for r, (a, b, c) in enumerate(zipped(d, units, price), start=1):
            sheet.write_datetime(r, 0, a, fmt)
            sheet.write_number(r, 1, b)
            sheet.write_number(r, 2, c)

    add(
        name,
        workbook(build),
        {
            "note": "a plain workbook: header in row 1, real Excel date cells, numbers",
            "rows": len(d),
            "time_column": "date",
            "frequency": freq("day"),
            "start": iso(min(d)),
            "end": iso(max(d)),
            "target_candidates": ["units", "price"],
            "dtypes": {"date": "Date"},
            "values": {"date": first(d), "units": first(units), "price": first(price)},
        },
    )


@case
def xlsx_title() -> None:
    name = "xlsx_title.xlsx"
    rng = rng_for(name)
    m = month_starts(2021, 1, 36)
    revenue = as_float(cents(rng, 36, 5_000_000, 9_000_000))
    costs = as_float(cents(rng, 36, 3_000_000, 4_500_000))

    def build(book: xlsxwriter.Workbook) -> None:
        sheet = book.add_worksheet("Revenue")
        bold = book.add_format({"bold": True, "font_size": 14})
        fmt = book.add_format({"num_format": "mmm yyyy"})
        sheet.write(0, 0, "Monthly revenue 2021–2023", bold)
        sheet.write(1, 0, "Source: Finance, figures in EUR")
        sheet.write_row(
            3, 0, ["Month", "Revenue", "Costs"]
        )  # row 3 (Excel row 3) left blank
        for r, (a, b, c) in enumerate(zipped(m, revenue, costs), start=4):
            sheet.write_datetime(r, 0, a, fmt)
            sheet.write_number(r, 1, b)
            sheet.write_number(r, 2, c)

    add(
        name,
        workbook(build),
        {
            "note": "a sheet with a title, a source line and a blank row above the header",
            "rows": len(m),
            "time_column": "Month",
            "frequency": freq("month"),
            "start": iso(min(m)),
            "end": iso(max(m)),
            "target_candidates": ["Revenue", "Costs"],
            "dtypes": {"Month": "Date"},
            "values": {"Month": first(m), "Revenue": first(revenue)},
            "issues": ["title"],
        },
    )


@case
def xlsx_notes_first() -> None:
    name = "xlsx_notes_first.xlsx"
    rng = rng_for(name)
    w = days(date(2023, 1, 2), 52, 7)
    orders = counts(rng, 52, 400, 60, 25, period=13)

    def build(book: xlsxwriter.Workbook) -> None:
        notes = book.add_worksheet("Read me")
        notes.write(
            0, 0, "Exported from PlanningTool 3.2 – the history is on the sheet 'Data'."
        )
        data = book.add_worksheet("Data")
        fmt = book.add_format({"num_format": "dd.mm.yyyy"})
        data.write_row(0, 0, ["week", "orders"])
        for r, (a, b) in enumerate(zipped(w, orders), start=1):
            data.write_datetime(r, 0, a, fmt)
            data.write_number(r, 1, b)

    add(
        name,
        workbook(build),
        {
            "note": "default sheet: the first sheet holds one notes line only and is skipped for 'Data'",
            "rows": len(w),
            "time_column": "week",
            "frequency": freq("week"),
            "start": iso(min(w)),
            "end": iso(max(w)),
            "target_candidates": ["orders"],
            "dtypes": {"week": "Date"},
            "values": {"week": first(w), "orders": first(orders)},
        },
    )


@case
def xlsx_empty_first() -> None:
    name = "xlsx_empty_first.xlsx"
    rng = rng_for(name)
    m = month_starts(2021, 1, 36)
    units = counts(rng, 36, 900, 200, 50, period=12)

    def build(book: xlsxwriter.Workbook) -> None:
        book.add_worksheet("Sheet1")  # left empty, as Excel creates it
        data = book.add_worksheet("History")
        fmt = book.add_format({"num_format": "yyyy-mm-dd"})
        data.write_row(0, 0, ["month", "units"])
        for r, (a, b) in enumerate(zipped(m, units), start=1):
            data.write_datetime(r, 0, a, fmt)
            data.write_number(r, 1, b)

    add(
        name,
        workbook(build),
        {
            "note": "default sheet: the first sheet is empty and is skipped for 'History'",
            "rows": len(m),
            "time_column": "month",
            "frequency": freq("month"),
            "start": iso(min(m)),
            "end": iso(max(m)),
            "target_candidates": ["units"],
            "values": {"month": first(m), "units": first(units)},
        },
    )


@case
def xlsx_sheet_choice() -> None:
    name = "xlsx_sheet_choice.xlsx"
    rng = rng_for(name)
    d = days(date(2024, 1, 1), 60)
    sales = counts(rng, 60, 150, 30, 10)
    months = month_starts(2024, 1, 2)
    totals = [
        sum(s for a, s in zipped(d, sales) if a.month == mo.month) for mo in months
    ]

    def build(book: xlsxwriter.Workbook) -> None:
        fmt = book.add_format({"num_format": "yyyy-mm-dd"})
        summary = book.add_worksheet("Summary")
        summary.write_row(0, 0, ["month", "total_sales"])
        for r, (a, b) in enumerate(zipped(months, totals), start=1):
            summary.write_datetime(r, 0, a, fmt)
            summary.write_number(r, 1, b)
        daily = book.add_worksheet("Daily")
        daily.write_row(0, 0, ["date", "sales"])
        for r, (a, b) in enumerate(zipped(d, sales), start=1):
            daily.write_datetime(r, 0, a, fmt)
            daily.write_number(r, 1, b)

    add(
        name,
        workbook(build),
        {
            "note": "the sheet argument picks the second table sheet 'Daily' (the first, 'Summary', also holds a table)",
            "sheet": "Daily",
            "rows": len(d),
            "time_column": "date",
            "frequency": freq("day"),
            "start": iso(min(d)),
            "end": iso(max(d)),
            "target_candidates": ["sales"],
            "values": {"date": first(d), "sales": first(sales)},
        },
    )


@case
def xlsx_serial_dates() -> None:
    name = "xlsx_serial_dates.xlsx"
    rng = rng_for(name)
    d = days(date(2024, 1, 1), 60)
    serial = [(a - date(1899, 12, 30)).days for a in d]
    sales = counts(rng, 60, 70, 12, 5)

    def build(book: xlsxwriter.Workbook) -> None:
        sheet = book.add_worksheet("Export")
        sheet.write_row(0, 0, ["date", "sales"])
        for r, (a, b) in enumerate(zipped(serial, sales), start=1):
            sheet.write_number(r, 0, a)  # no date format: Excel shows 45292
            sheet.write_number(r, 1, b)

    add(
        name,
        workbook(build),
        {
            "note": "Excel serial day numbers (45292 = 2024-01-01) in unformatted cells of a column named date",
            "rows": len(d),
            "time_column": "date",
            "frequency": freq("day"),
            "start": iso(min(d)),
            "end": iso(max(d)),
            "target_candidates": ["sales"],
            "roles": {"date": "time", "sales": "numeric"},
            "dtypes": {"date": "Date"},
            "values": {"date": first(d)},
        },
    )


@case
def xlsx_report() -> None:
    name = "xlsx_report.xlsx"
    rng = rng_for(name)
    weeks = days(date(2024, 1, 1), 26, 7)
    stores = ["North", "South"]
    records = [(w, s) for w in weeks for s in stores]
    units = counts(rng, len(records), 300, 40, 20, period=2)
    revenue = as_float(cents(rng, len(records), 200_000, 600_000))

    def build(book: xlsxwriter.Workbook) -> None:
        sheet = book.add_worksheet("Report")
        bold = book.add_format({"bold": True})
        fmt = book.add_format({"num_format": "dd/mm/yyyy"})
        money = book.add_format({"num_format": "#,##0.00 [$€-407]"})
        sheet.write(0, 0, "Weekly units by store", bold)
        sheet.write(1, 0, "Source: POS, exported 2024-07-01")
        sheet.write_row(3, 0, ["Week", "Store", "Units", "Revenue"], bold)
        for r, ((w, s), u, v) in enumerate(zipped(records, units, revenue), start=4):
            sheet.write_datetime(r, 0, w, fmt)
            sheet.write_string(r, 1, s)
            sheet.write_number(r, 2, u)
            sheet.write_number(r, 3, v, money)
        last = 4 + len(records)  # Excel row number of the last data row
        total_row = 4 + len(records)
        sheet.write_string(total_row, 0, "Sum", bold)
        sheet.write_formula(total_row, 2, f"=SUM(C5:C{last})", bold, sum(units))
        sheet.write_formula(
            total_row, 3, f"=SUM(D5:D{last})", money, round(sum(revenue), 2)
        )

    add(
        name,
        workbook(build),
        {
            "note": "combination: workbook with a title above the header, long format (week x store), a Sum row with formulas",
            "rows": len(records),
            "time_column": "Week",
            "frequency": freq("week"),
            "start": iso(min(weeks)),
            "end": iso(max(weeks)),
            "target_candidates": ["Units", "Revenue"],
            "series_id_columns": ["Store"],
            "roles": {"Week": "time", "Store": "categorical"},
            "dtypes": {"Week": "Date", "Store": "String"},
            "values": {
                "Week": isos([w for w, _ in records[:3]]),
                "Store": [s for _, s in records[:3]],
                "Units": units[:3],
            },
            "issues": ["title", "footer"],
        },
    )


# ---------------------------------------------------------------- header, footer, blanks, missing


@case
def title_lines() -> None:
    name = "title_lines.csv"
    rng = rng_for(name)
    m = month_starts(2021, 1, 36)
    revenue = cents(rng, 36, 2_000_000, 5_000_000)
    orders = counts(rng, 36, 900, 150, 40, period=12)
    head = "Monthly revenue report\nCompany: Acme Corp\n\n"
    text = head + table(
        ["month", "revenue", "orders"],
        [[iso(a), fixed(b), str(c)] for a, b, c in zipped(m, revenue, orders)],
    )
    add(
        name,
        text.encode(),
        {
            "note": "two title lines and a blank line above the header",
            "rows": len(m),
            "time_column": "month",
            "frequency": freq("month"),
            "start": iso(min(m)),
            "end": iso(max(m)),
            "target_candidates": ["revenue", "orders"],
            "dtypes": {"month": "Date", "revenue": "Float64", "orders": "Int64"},
            "values": {
                "month": first(m),
                "revenue": first(as_float(revenue)),
                "orders": first(orders),
            },
            "issues": ["title"],
        },
    )


@case
def title_excel_export() -> None:
    name = "title_excel_export.csv"
    rng = rng_for(name)
    d = days(date(2024, 3, 1), 45)
    a_units = counts(rng, 45, 60, 10, 4)
    b_units = counts(rng, 45, 90, 15, 6)
    head = "Store report,,\n,,\nPrinted 2024-04-20 08:15,,\n,,\n"
    text = head + table(
        ["date", "store_a", "store_b"],
        [[iso(x), str(y), str(z)] for x, y, z in zipped(d, a_units, b_units)],
    )
    add(
        name,
        text.encode(),
        {
            "note": "Excel 'Save as CSV' of a sheet with a title: title and blank rows padded with commas",
            "rows": len(d),
            "time_column": "date",
            "frequency": freq("day"),
            "start": iso(min(d)),
            "end": iso(max(d)),
            "target_candidates": ["store_a", "store_b"],
            "series_id_columns": [],
            "dtypes": {"date": "Date", "store_a": "Int64", "store_b": "Int64"},
            "values": {"date": first(d), "store_a": first(a_units)},
            "issues": ["title"],
        },
    )


@case
def blank_lines() -> None:
    name = "blank_lines.csv"
    rng = rng_for(name)
    d = days(date(2024, 1, 1), 50)
    calls = counts(rng, 50, 200, 40, 12)
    lines = ["", "", "date,calls"]
    for i, (a, b) in enumerate(zipped(d, calls)):
        if i and i % 10 == 0:
            lines.append("")
        lines.append(f"{iso(a)},{b}")
    text = "\n".join(lines) + "\n\n\n"
    add(
        name,
        text.encode(),
        {
            "note": "blank lines above the header, between data rows and at the end are dropped",
            "rows": len(d),
            "time_column": "date",
            "frequency": freq("day"),
            "start": iso(min(d)),
            "end": iso(max(d)),
            "target_candidates": ["calls"],
            "dtypes": {"date": "Date", "calls": "Int64"},
            "values": {"date": first(d), "calls": first(calls)},
        },
    )


@case
def footer_total() -> None:
    name = "footer_total.csv"
    rng = rng_for(name)
    d = days(date(2024, 1, 1), 60)
    units = counts(rng, 60, 100, 20, 8)
    revenue = cents(rng, 60, 50_000, 150_000)
    text = table(
        ["date", "units", "revenue"],
        [[iso(a), str(b), fixed(c)] for a, b, c in zipped(d, units, revenue)]
        + [["Total", str(sum(units)), fixed(sum(revenue))]],
    )
    add(
        name,
        text.encode(),
        {
            "note": "a 'Total' row at the bottom is removed, not read as data",
            "rows": len(d),
            "time_column": "date",
            "frequency": freq("day"),
            "start": iso(min(d)),
            "end": iso(max(d)),
            "target_candidates": ["units", "revenue"],
            "dtypes": {"date": "Date", "units": "Int64", "revenue": "Float64"},
            "issues": ["footer"],
        },
    )


@case
def footer_notes() -> None:
    name = "footer_notes.csv"
    rng = rng_for(name)
    d = days(date(2024, 2, 1), 50)
    sales = counts(rng, 50, 300, 60, 20)
    text = table(["date", "sales"], [[iso(a), str(b)] for a, b in zipped(d, sales)])
    text += (
        "\nSource: ShopSystem 5.1 export\nFigures for the last week are provisional.\n"
    )
    add(
        name,
        text.encode(),
        {
            "note": "notes/source lines (with a blank line) below the data are removed",
            "rows": len(d),
            "time_column": "date",
            "frequency": freq("day"),
            "start": iso(min(d)),
            "end": iso(max(d)),
            "target_candidates": ["sales"],
            "dtypes": {"date": "Date", "sales": "Int64"},
            "issues": ["footer"],
        },
    )


@case
def missing_tokens() -> None:
    name = "missing_tokens.csv"
    rng = rng_for(name)
    d = days(date(2024, 1, 1), 40)
    sales: list[int | None] = list(counts(rng, 40, 150, 30, 10))
    tokens = [
        "NA",
        "n/a",
        "NULL",
        "-",
        "#N/A",
        "",
        "nan",
        "None",
        "null",
        "N/A",
        "na",
        "#n/a",
        "NaN",
        "none",
    ]
    sales_text = [str(v) for v in sales]
    for k, token in enumerate(tokens):
        i = 1 + 2 * k  # rows 1, 3, 5, ... hold a missing token
        sales[i] = None
        sales_text[i] = token
    adjustment: list[int | None] = [rng.randint(-5, 5) for _ in d]
    adjustment_text = [str(v) for v in adjustment]
    for i in (1, 4, 9):
        adjustment[i] = None
        adjustment_text[i] = "-"
    adjustment[0], adjustment_text[0] = -2, "-2"
    adjustment[2], adjustment_text[2] = 3, "3"
    text = table(
        ["date", "sales", "adjustment"],
        [[iso(a), b, c] for a, b, c in zipped(d, sales_text, adjustment_text)],
    )
    add(
        name,
        text.encode(),
        {
            "note": "missing-value tokens NA, n/a, NULL, -, #N/A, empty, nan, None in any case; '-' alone is missing, '-2' is a number",
            "rows": len(d),
            "time_column": "date",
            "frequency": freq("day"),
            "start": iso(min(d)),
            "end": iso(max(d)),
            "target_candidates": ["sales", "adjustment"],
            "dtypes": {"date": "Date", "sales": "Int64", "adjustment": "Int64"},
            "values": {
                "sales": sales[: 2 * len(tokens) + 1],
                "adjustment": adjustment[:5],
            },
        },
    )


# ---------------------------------------------------------------- values as people write them


@case
def thousands_us() -> None:
    name = "thousands_us.csv"
    rng = rng_for(name)
    d = days(date(2024, 1, 1), 60)
    units = [rng.randint(700, 1600) for _ in d]
    units[0], units[1] = 1204, 987
    revenue = cents(rng, 60, 500_000, 4_000_000)
    text = table(
        ["date", "units", "revenue"],
        [[iso(a), f"{b:,}", us_money(c)] for a, b, c in zipped(d, units, revenue)],
    )
    add(
        name,
        text.encode(),
        {
            "note": 'comma thousands separators in quoted fields: "1,204" and "12,345.67"',
            "rows": len(d),
            "time_column": "date",
            "frequency": freq("day"),
            "start": iso(min(d)),
            "end": iso(max(d)),
            "target_candidates": ["units", "revenue"],
            "dtypes": {"units": "Int64", "revenue": "Float64"},
            "values": {"units": first(units), "revenue": first(as_float(revenue))},
        },
    )


@case
def currency() -> None:
    name = "currency.csv"
    rng = rng_for(name)
    d = days(date(2024, 1, 1), 60)
    usd = cents(rng, 60, 50_000, 500_000)
    gbp = cents(rng, 60, 20_000, 200_000)
    eur = cents(rng, 60, 500, 5_000)
    rows = [
        [iso(a), "$" + us_money(b), "£" + us_money(c), "€" + us_money(e)]
        for a, b, c, e in zipped(d, usd, gbp, eur)
    ]
    text = table(["date", "revenue_usd", "cost_gbp", "fee_eur"], rows)
    add(
        name,
        text.encode(),
        {
            "note": "currency symbols $ £ € before the amount, with thousands separators",
            "rows": len(d),
            "time_column": "date",
            "frequency": freq("day"),
            "start": iso(min(d)),
            "end": iso(max(d)),
            "target_candidates": ["revenue_usd", "cost_gbp", "fee_eur"],
            "dtypes": {
                "revenue_usd": "Float64",
                "cost_gbp": "Float64",
                "fee_eur": "Float64",
            },
            "values": {
                "revenue_usd": first(as_float(usd)),
                "cost_gbp": first(as_float(gbp)),
                "fee_eur": first(as_float(eur)),
            },
        },
    )


@case
def currency_euro_suffix() -> None:
    name = "currency_euro_suffix.csv"
    rng = rng_for(name)
    d = days(date(2024, 1, 1), 60)
    amount = cents(rng, 60, 20_000, 900_000)
    text = table(
        ["date", "amount"],
        [[iso(a), eu_money(b) + " €"] for a, b in zipped(d, amount)],
        delimiter=";",
    )
    add(
        name,
        text.encode(),
        {
            "note": "European currency style after the number: '1.234,56 €' in a semicolon file",
            "rows": len(d),
            "time_column": "date",
            "frequency": freq("day"),
            "start": iso(min(d)),
            "end": iso(max(d)),
            "target_candidates": ["amount"],
            "dtypes": {"amount": "Float64"},
            "values": {"amount": first(as_float(amount))},
        },
    )


@case
def percentages() -> None:
    name = "percentages.csv"
    rng = rng_for(name)
    d = days(date(2024, 1, 1), 60)
    conversion = [rng.randint(5, 150) for _ in d]  # tenths of a percent
    growth = [rng.randint(-80, 120) for _ in d]
    rows = [
        [iso(a), fixed(b, 10) + "%", fixed(c, 10) + "%"]
        for a, b, c in zipped(d, conversion, growth)
    ]
    text = table(["date", "conversion_rate", "growth"], rows)
    add(
        name,
        text.encode(),
        {
            "note": "percentages: '12.5%' reads as 12.5, '-3.2%' as -3.2",
            "rows": len(d),
            "time_column": "date",
            "frequency": freq("day"),
            "start": iso(min(d)),
            "end": iso(max(d)),
            "target_candidates": ["conversion_rate", "growth"],
            "dtypes": {"conversion_rate": "Float64", "growth": "Float64"},
            "values": {
                "conversion_rate": first(as_float(conversion, 10)),
                "growth": first(as_float(growth, 10)),
            },
        },
    )


@case
def booleans() -> None:
    name = "booleans.csv"
    rng = rng_for(name)
    d = days(date(2024, 1, 1), 60)
    sales = counts(rng, 60, 100, 20, 8)
    promo = [True, False, True] + [rng.random() < 0.3 for _ in d[3:]]
    holiday = [False, True, False] + [rng.random() < 0.1 for _ in d[3:]]
    is_open: list[bool | None] = [True, None, False] + [
        rng.random() < 0.85 for _ in d[3:]
    ]

    def word(v: bool | None, yes: str, no: str) -> str:
        return "" if v is None else (yes if v else no)

    rows = [
        [
            iso(a),
            str(b),
            word(c, "Yes", "No"),
            word(e, "TRUE", "FALSE"),
            word(f, "true", "false"),
        ]
        for a, b, c, e, f in zipped(d, sales, promo, holiday, is_open)
    ]
    text = table(["date", "sales", "promo", "holiday", "open"], rows)
    add(
        name,
        text.encode(),
        {
            "note": "Yes/No, TRUE/FALSE and true/false (with an empty cell) read as Boolean",
            "rows": len(d),
            "time_column": "date",
            "frequency": freq("day"),
            "start": iso(min(d)),
            "end": iso(max(d)),
            "target_candidates": ["sales"],
            "roles": {"promo": "boolean", "holiday": "boolean", "open": "boolean"},
            "dtypes": {"promo": "Boolean", "holiday": "Boolean", "open": "Boolean"},
            "values": {"promo": promo[:3], "holiday": holiday[:3], "open": is_open[:3]},
        },
    )


@case
def leading_zeros() -> None:
    name = "leading_zeros.csv"
    rng = rng_for(name)
    n = 40
    sku = ["00123", "04567", "10234"] + [
        f"{rng.randint(1, 99999):05d}" for _ in range(n - 3)
    ]
    zips = ["01067", "02625", "10115"] + [
        rng.choice(["01067", "02625", "10115", "04109", "80331", "06108"])
        for _ in range(n - 3)
    ]
    units = [rng.randint(0, 500) for _ in range(n)]
    text = table(
        ["sku", "zip", "units"],
        [[a, b, str(c)] for a, b, c in zipped(sku, zips, units)],
    )
    add(
        name,
        text.encode(),
        {
            "note": "codes with leading zeros (SKU 00123, ZIP 01067) stay text; no time column",
            "rows": n,
            "time_column": None,
            "frequency": None,
            "target_candidates": ["units"],
            "dtypes": {"sku": "String", "zip": "String", "units": "Int64"},
            "values": {"sku": sku[:3], "zip": zips[:3], "units": units[:3]},
        },
    )


@case
def mostly_numbers() -> None:
    name = "mostly_numbers.csv"
    rng = rng_for(name)
    n = 40
    d = days(date(2024, 1, 1), n)
    sales: list[int | None] = list(counts(rng, n, 200, 30, 10))
    sales_text = [str(v) for v in sales]
    for i, bad in ((1, "#REF!"), (17, "#DIV/0!")):  # 38 of 40 = 95% numbers
        sales[i], sales_text[i] = None, bad
    shelf = [
        str(rng.randint(1, 40)) if rng.random() < 0.7 else f"A{rng.randint(1, 9)}"
        for _ in d
    ]
    shelf[0], shelf[1], shelf[2] = "12", "A3", "7"
    numeric_share = sum(s.isdigit() for s in shelf) / n
    assert numeric_share < 0.9, numeric_share
    text = table(
        ["date", "sales", "shelf"],
        [[iso(a), b, c] for a, b, c in zipped(d, sales_text, shelf)],
    )
    add(
        name,
        text.encode(),
        {
            "note": f"sales is 95% numbers (#REF!, #DIV/0! become missing with an issue); shelf is {numeric_share:.0%} numbers and stays text",
            "rows": n,
            "time_column": "date",
            "frequency": freq("day"),
            "target_candidates": ["sales"],
            "dtypes": {"sales": "Int64", "shelf": "String"},
            "values": {"sales": sales[:3], "shelf": shelf[:3]},
            "issues": ["not numbers"],
        },
    )


# ---------------------------------------------------------------- time as people write it


@case
def meter_15min() -> None:
    name = "meter_15min.csv"
    rng = rng_for(name)
    t = stamps(datetime(2024, 3, 1), 192, timedelta(minutes=15))
    kwh = [rng.randint(20, 400) for _ in t]  # hundredths
    text = table(
        ["timestamp", "kwh"],
        [[a.strftime("%Y-%m-%d %H:%M"), fixed(b)] for a, b in zipped(t, kwh)],
    )
    add(
        name,
        text.encode(),
        {
            "note": "datetimes 'YYYY-MM-DD HH:MM' (space, no seconds) every 15 minutes",
            "rows": len(t),
            "time_column": "timestamp",
            "frequency": freq("minute", 15),
            "start": iso(min(t)),
            "end": iso(max(t)),
            "target_candidates": ["kwh"],
            "dtypes": {"timestamp": "Datetime", "kwh": "Float64"},
            "values": {"timestamp": first(t), "kwh": first(as_float(kwh))},
        },
    )


@case
def sensor_10s() -> None:
    name = "sensor_10s.csv"
    rng = rng_for(name)
    t = stamps(datetime(2024, 5, 1, 12, 0, 0), 180, timedelta(seconds=10))
    temp = [rng.randint(2150, 2250) for _ in t]
    text = table(
        ["time", "temperature"], [[iso(a), fixed(b)] for a, b in zipped(t, temp)]
    )
    add(
        name,
        text.encode(),
        {
            "note": "ISO 'T' datetimes with seconds, every 10 seconds",
            "rows": len(t),
            "time_column": "time",
            "frequency": freq("second", 10),
            "start": iso(min(t)),
            "end": iso(max(t)),
            "target_candidates": ["temperature"],
            "dtypes": {"time": "Datetime", "temperature": "Float64"},
            "values": {"time": first(t)},
        },
    )


@case
def offsets_dst() -> None:
    name = "offsets_dst.csv"
    rng = rng_for(name)
    utc = stamps(datetime(2024, 3, 30, 0, 0), 72, timedelta(hours=1))
    switch = datetime(
        2024, 3, 31, 1, 0
    )  # Europe/Berlin goes from +01:00 to +02:00 at 01:00 UTC

    def berlin(u: datetime) -> str:
        hours = 2 if u >= switch else 1
        return (u + timedelta(hours=hours)).isoformat(
            timespec="seconds"
        ) + f"+0{hours}:00"

    load = [rng.randint(40_000, 70_000) for _ in utc]  # tenths of MW
    text = table(
        ["timestamp", "load_mw"],
        [[berlin(a), fixed(b, 10)] for a, b in zipped(utc, load)],
    )
    add(
        name,
        text.encode(),
        {
            "note": "ISO datetimes with offsets across the spring DST change (+01:00 -> +02:00): in UTC the series is regular hourly",
            "rows": len(utc),
            "time_column": "timestamp",
            "frequency": freq("hour"),
            "start": iso(min(utc)),
            "end": iso(max(utc)),
            "target_candidates": ["load_mw"],
            "dtypes": {"timestamp": "Datetime", "load_mw": "Float64"},
            "values": {"timestamp": first(utc), "load_mw": first(as_float(load, 10))},
            "issues": ["utc"],
        },
    )


@case
def day_first() -> None:
    name = "day_first.csv"
    rng = rng_for(name)
    d = days(date(2024, 1, 1), 60)
    sales = counts(rng, 60, 90, 15, 6)
    text = table(
        ["date", "sales"],
        [[a.strftime("%d/%m/%Y"), str(b)] for a, b in zipped(d, sales)],
    )
    add(
        name,
        text.encode(),
        {
            "note": "day-first dd/mm/yyyy; 13/01/2024 (row 13) settles it",
            "rows": len(d),
            "time_column": "date",
            "frequency": freq("day"),
            "start": iso(min(d)),
            "end": iso(max(d)),
            "dtypes": {"date": "Date"},
            "values": {"date": first(d)},
        },
    )


@case
def month_first() -> None:
    name = "month_first.csv"
    rng = rng_for(name)
    d = days(date(2024, 1, 1), 60)
    sales = counts(rng, 60, 90, 15, 6)
    text = table(
        ["date", "sales"],
        [[f"{a.month}/{a.day}/{a.year}", str(b)] for a, b in zipped(d, sales)],
    )
    add(
        name,
        text.encode(),
        {
            "note": "US month-first m/d/yyyy without zero padding; 1/13/2024 settles it",
            "rows": len(d),
            "time_column": "date",
            "frequency": freq("day"),
            "start": iso(min(d)),
            "end": iso(max(d)),
            "dtypes": {"date": "Date"},
            "values": {"date": first(d)},
        },
    )


@case
def ambiguous_dayfirst_hourly() -> None:
    name = "ambiguous_dayfirst_hourly.csv"
    rng = rng_for(name)
    t = stamps(datetime(2024, 2, 1), 5 * 24, timedelta(hours=1))
    assert all(a.day <= 12 and a.month <= 12 for a in t)  # every value reads both ways
    load = [rng.randint(100, 900) for _ in t]
    text = table(
        ["timestamp", "load"],
        [[a.strftime("%d/%m/%Y %H:%M"), str(b)] for a, b in zipped(t, load)],
    )
    add(
        name,
        text.encode(),
        {
            "note": "every dd/mm value is ambiguous; day-first gives regular hourly 1-5 Feb, month-first gives 24-hour blocks a month apart",
            "rows": len(t),
            "time_column": "timestamp",
            "frequency": freq("hour"),
            "start": iso(min(t)),
            "end": iso(max(t)),
            "dtypes": {"timestamp": "Datetime"},
            "values": {"timestamp": first(t), "load": load[:3]},
        },
    )


@case
def months() -> None:
    name = "months.csv"
    rng = rng_for(name)
    m = month_starts(2021, 1, 36)
    revenue = counts(rng, 36, 5000, 800, 200, period=12)
    text = table(
        ["month", "revenue"],
        [[a.strftime("%Y-%m"), str(b)] for a, b in zipped(m, revenue)],
    )
    add(
        name,
        text.encode(),
        {
            "note": "'2024-01' months read as the first day of the month",
            "rows": len(m),
            "time_column": "month",
            "frequency": freq("month"),
            "start": iso(min(m)),
            "end": iso(max(m)),
            "target_candidates": ["revenue"],
            "roles": {"month": "time"},
            "dtypes": {"month": "Date", "revenue": "Int64"},
            "values": {"month": first(m)},
        },
    )


def _quarters(name: str, style: Callable[[date], str], note: str) -> None:
    rng = rng_for(name)
    q = month_starts(2021, 1, 12, step=3)
    revenue = counts(rng, 12, 12000, 2500, 400, period=4)
    text = table(
        ["quarter", "revenue"], [[style(a), str(b)] for a, b in zipped(q, revenue)]
    )
    add(
        name,
        text.encode(),
        {
            "note": note,
            "rows": len(q),
            "time_column": "quarter",
            "frequency": freq("quarter"),
            "start": iso(min(q)),
            "end": iso(max(q)),
            "target_candidates": ["revenue"],
            "roles": {"quarter": "time"},
            "dtypes": {"quarter": "Date", "revenue": "Int64"},
            "values": {"quarter": first(q)},
        },
    )


@case
def quarters() -> None:
    def number(a: date) -> int:
        return (a.month - 1) // 3 + 1

    _quarters(
        "quarters_compact.csv",
        lambda a: f"{a.year}Q{number(a)}",
        "'2024Q1' quarters read as the first day of the quarter",
    )
    _quarters(
        "quarters_dash.csv",
        lambda a: f"{a.year}-Q{number(a)}",
        "'2024-Q1' quarters read as the first day of the quarter",
    )
    _quarters(
        "quarters_space.csv",
        lambda a: f"{a.year} Q{number(a)}",
        "'2024 Q1' quarters read as the first day of the quarter",
    )


@case
def years() -> None:
    name = "years.csv"
    rng = rng_for(name)
    y = list(range(1994, 2024))
    gdp = [rng.randint(180_000, 420_000) for _ in y]  # tenths of a billion
    text = table(
        ["Year", "gdp_bn"], [[str(a), fixed(b, 10)] for a, b in zipped(y, gdp)]
    )
    years_as_dates = [date(a, 1, 1) for a in y]
    add(
        name,
        text.encode(),
        {
            "note": "integer years in a column named Year read as 1 January (Date), not as a number",
            "rows": len(y),
            "time_column": "Year",
            "frequency": freq("year"),
            "start": iso(min(years_as_dates)),
            "end": iso(max(years_as_dates)),
            "target_candidates": ["gdp_bn"],
            "roles": {"Year": "time", "gdp_bn": "numeric"},
            "dtypes": {"Year": "Date", "gdp_bn": "Float64"},
            "values": {"Year": first(years_as_dates)},
        },
    )


@case
def epoch_seconds() -> None:
    name = "epoch_seconds.csv"
    rng = rng_for(name)
    t = stamps(datetime(2024, 1, 1), 72, timedelta(hours=1))
    epoch = [int((a - datetime(1970, 1, 1)).total_seconds()) for a in t]
    requests = counts(rng, 72, 1500, 600, 80, period=24)
    text = table(
        ["timestamp", "requests"],
        [[str(a), str(b)] for a, b in zipped(epoch, requests)],
    )
    add(
        name,
        text.encode(),
        {
            "note": "Unix epoch seconds (1704067200 = 2024-01-01T00:00:00 UTC) in a column named timestamp",
            "rows": len(t),
            "time_column": "timestamp",
            "frequency": freq("hour"),
            "start": iso(min(t)),
            "end": iso(max(t)),
            "target_candidates": ["requests"],
            "roles": {"timestamp": "time"},
            "dtypes": {"timestamp": "Datetime", "requests": "Int64"},
            "values": {"timestamp": first(t)},
        },
    )


@case
def epoch_millis() -> None:
    name = "epoch_millis.csv"
    rng = rng_for(name)
    t = stamps(datetime(2024, 3, 1, 8, 0), 144, timedelta(minutes=5))
    epoch_ms = [int((a - datetime(1970, 1, 1)).total_seconds()) * 1000 for a in t]
    cpu = [rng.randint(50, 950) for _ in t]  # tenths of a percent
    text = table(
        ["ts", "cpu_load"], [[str(a), fixed(b, 10)] for a, b in zipped(epoch_ms, cpu)]
    )
    add(
        name,
        text.encode(),
        {
            "note": "Unix epoch milliseconds in a column named ts, every 5 minutes",
            "rows": len(t),
            "time_column": "ts",
            "frequency": freq("minute", 5),
            "start": iso(min(t)),
            "end": iso(max(t)),
            "target_candidates": ["cpu_load"],
            "roles": {"ts": "time"},
            "dtypes": {"ts": "Datetime", "cpu_load": "Float64"},
            "values": {"ts": first(t)},
        },
    )


@case
def excel_serial() -> None:
    name = "excel_serial.csv"
    rng = rng_for(name)
    d = days(date(2024, 1, 1), 60)
    serial = [(a - date(1899, 12, 30)).days for a in d]
    assert serial[0] == 45292
    sales = counts(rng, 60, 40, 8, 3)
    text = table(
        ["date", "sales"], [[str(a), str(b)] for a, b in zipped(serial, sales)]
    )
    add(
        name,
        text.encode(),
        {
            "note": "Excel serial day numbers (45292 = 2024-01-01) written to CSV in a column named date",
            "rows": len(d),
            "time_column": "date",
            "frequency": freq("day"),
            "start": iso(min(d)),
            "end": iso(max(d)),
            "target_candidates": ["sales"],
            "roles": {"date": "time", "sales": "numeric"},
            "dtypes": {"date": "Date", "sales": "Int64"},
            "values": {"date": first(d)},
        },
    )


@case
def date_time_columns() -> None:
    name = "date_time_columns.csv"
    rng = rng_for(name)
    t = stamps(datetime(2024, 3, 1), 96, timedelta(minutes=30))
    kwh = [rng.randint(50, 300) for _ in t]
    text = table(
        ["date", "time", "kwh"],
        [
            [a.date().isoformat(), a.strftime("%H:%M"), fixed(b)]
            for a, b in zipped(t, kwh)
        ],
    )
    add(
        name,
        text.encode(),
        {
            "note": "date and HH:MM time in two columns combine into one Datetime column 'date_time'; half-hourly",
            "rows": len(t),
            "time_column": "date_time",
            "frequency": freq("minute", 30),
            "start": iso(min(t)),
            "end": iso(max(t)),
            "target_candidates": ["kwh"],
            "roles": {"date_time": "time", "kwh": "numeric"},
            "dtypes": {"date_time": "Datetime", "kwh": "Float64"},
            "values": {"date_time": first(t), "kwh": first(as_float(kwh))},
        },
    )


@case
def datum_uhrzeit() -> None:
    name = "datum_uhrzeit.csv"
    rng = rng_for(name)
    t = stamps(datetime(2024, 3, 1), 14 * 24, timedelta(hours=1))
    use = [rng.randint(40, 400) for _ in t]
    rows = [
        [a.strftime("%d.%m.%Y"), a.strftime("%H:%M:%S"), fixed(b).replace(".", ",")]
        for a, b in zipped(t, use)
    ]
    text = table(["Datum", "Uhrzeit", "Verbrauch"], rows, delimiter=";")
    add(
        name,
        text.encode(),
        {
            "note": "German meter export: dd.mm.yyyy and HH:MM:SS in two columns -> 'Datum_Uhrzeit', decimal comma; 13.03. settles day-first",
            "rows": len(t),
            "time_column": "Datum_Uhrzeit",
            "frequency": freq("hour"),
            "start": iso(min(t)),
            "end": iso(max(t)),
            "target_candidates": ["Verbrauch"],
            "roles": {"Datum_Uhrzeit": "time", "Verbrauch": "numeric"},
            "dtypes": {"Datum_Uhrzeit": "Datetime", "Verbrauch": "Float64"},
            "values": {"Datum_Uhrzeit": first(t), "Verbrauch": first(as_float(use))},
        },
    )


@case
def two_date_columns() -> None:
    name = "two_date_columns.csv"
    rng = rng_for(name)
    d = days(date(2024, 1, 1), 60)
    ship = [a + timedelta(days=rng.randint(1, 4)) for a in d]
    units = counts(rng, 60, 25, 5, 3)
    text = table(
        ["order_date", "ship_date", "units"],
        [[iso(a), iso(b), str(c)] for a, b, c in zipped(d, ship, units)],
    )
    add(
        name,
        text.encode(),
        {
            "note": "two date columns: the time column is the first one",
            "rows": len(d),
            "time_column": "order_date",
            "frequency": freq("day"),
            "start": iso(min(d)),
            "end": iso(max(d)),
            "target_candidates": ["units"],
            "roles": {"order_date": "time", "ship_date": "time"},
            "dtypes": {"order_date": "Date", "ship_date": "Date"},
        },
    )


# ---------------------------------------------------------------- frequencies


@case
def business_days() -> None:
    name = "business_days.csv"
    rng = rng_for(name)
    d = weekdays(date(2024, 1, 1), 60)  # 2024-01-01 is a Monday; no holidays left out
    close = [10_000]
    for _ in d[1:]:
        close.append(close[-1] + rng.randint(-150, 160))
    open_ = [c + rng.randint(-60, 60) for c in close]
    high = [max(o, c) + rng.randint(0, 80) for o, c in zipped(open_, close)]
    low = [min(o, c) - rng.randint(0, 80) for o, c in zipped(open_, close)]
    volume = [rng.randint(800_000, 2_500_000) for _ in d]
    rows = [
        [iso(a), fixed(o), fixed(h), fixed(lo), fixed(c), str(v)]
        for a, o, h, lo, c, v in zipped(d, open_, high, low, close, volume)
    ]
    text = table(["Date", "Open", "High", "Low", "Close", "Volume"], rows)
    add(
        name,
        text.encode(),
        {
            "note": "stock prices on weekdays only: business_day frequency; a wide table of numeric columns",
            "rows": len(d),
            "time_column": "Date",
            "frequency": freq("business_day"),
            "start": iso(min(d)),
            "end": iso(max(d)),
            "target_candidates": ["Open", "High", "Low", "Close", "Volume"],
            "series_id_columns": [],
            "dtypes": {"Date": "Date", "Close": "Float64", "Volume": "Int64"},
        },
    )


@case
def weekly() -> None:
    name = "weekly.csv"
    rng = rng_for(name)
    w = days(date(2023, 1, 2), 60, 7)
    orders = counts(rng, 60, 400, 80, 30, period=13)
    text = table(["week", "orders"], [[iso(a), str(b)] for a, b in zipped(w, orders)])
    add(
        name,
        text.encode(),
        {
            "note": "7-day steps (Mondays): week frequency",
            "rows": len(w),
            "time_column": "week",
            "frequency": freq("week"),
            "start": iso(min(w)),
            "end": iso(max(w)),
            "target_candidates": ["orders"],
        },
    )


@case
def biweekly() -> None:
    name = "biweekly.csv"
    rng = rng_for(name)
    w = days(date(2023, 1, 6), 30, 14)
    payroll = cents(rng, 30, 8_000_000, 9_000_000)
    text = table(
        ["pay_date", "payroll"], [[iso(a), fixed(b)] for a, b in zipped(w, payroll)]
    )
    add(
        name,
        text.encode(),
        {
            "note": "14-day steps (every other Friday): week frequency with step 2",
            "rows": len(w),
            "time_column": "pay_date",
            "frequency": freq("week", 2),
            "start": iso(min(w)),
            "end": iso(max(w)),
            "target_candidates": ["payroll"],
        },
    )


# ======================================================================= profiling


@case
def roles_all() -> None:
    name = "roles_all.csv"
    rng = rng_for(name)
    n = 60
    d = days(date(2024, 1, 1), n)
    store = [rng.choice(["North", "South", "East"]) for _ in d]
    order_id = [5001 + i for i in range(n)]
    invoice = [f"INV-2024-{rng.randint(0, 99999):05d}" for _ in d]
    assert len(set(invoice)) == n
    sales = counts(rng, n, 220, 40, 15)
    on_promo = [rng.choice(["yes", "no"]) for _ in d]
    phrases = sorted(
        {
            f"{a} {b}"
            for a in ("late", "early", "partial", "damaged", "rush", "gift")
            for b in ("delivery", "order", "pickup", "return", "refund")
        }
    )
    picked = rng.sample(phrases, 30)
    comment = picked + picked
    rng.shuffle(comment)
    assert max(20, n / 20) < len(set(comment)) < n
    rows = [
        [iso(a), b, str(c), e, str(f), g, h, "", "EUR"]
        for a, b, c, e, f, g, h in zipped(
            d, store, order_id, invoice, sales, on_promo, comment
        )
    ]
    text = table(
        [
            "date",
            "store",
            "order_id",
            "invoice",
            "sales",
            "on_promo",
            "comment",
            "notes",
            "currency",
        ],
        rows,
    )
    add(
        name,
        text.encode(),
        {
            "note": "one column of every role: time, categorical, identifier (int *_id and unique text), numeric, boolean, text, empty, constant",
            "rows": n,
            "time_column": "date",
            "frequency": freq("day"),
            "target_candidates": ["sales"],
            "series_id_columns": [],
            "roles": {
                "date": "time",
                "store": "categorical",
                "order_id": "identifier",
                "invoice": "identifier",
                "sales": "numeric",
                "on_promo": "boolean",
                "comment": "text",
                "notes": "empty",
                "currency": "constant",
            },
            "dtypes": {
                "order_id": "Int64",
                "on_promo": "Boolean",
                "comment": "String",
                "currency": "String",
            },
            "issues": ["empty", "one value"],
        },
    )


@case
def no_time_column() -> None:
    name = "no_time_column.csv"
    rng = rng_for(name)
    adjectives = ["Red", "Blue", "Green", "Black", "White", "Silver"]
    nouns = ["Chair", "Table", "Lamp", "Shelf", "Desk", "Sofa", "Stool"]
    names = rng.sample([f"{a} {b}" for a in adjectives for b in nouns], 30)
    category = [rng.choice(["Living", "Office", "Garden", "Kitchen"]) for _ in names]
    price = cents(rng, 30, 1_999, 89_999)
    stock = [rng.randint(0, 250) for _ in names]
    text = table(
        ["product", "category", "price", "stock"],
        [
            [a, b, fixed(c), str(e)]
            for a, b, c, e in zipped(names, category, price, stock)
        ],
    )
    add(
        name,
        text.encode(),
        {
            "note": "a product list with no time column: time_column null (with an explanation)",
            "rows": len(names),
            "time_column": None,
            "frequency": None,
            "target_candidates": ["price", "stock"],
            "series_id_columns": [],
            "roles": {
                "product": "identifier",
                "category": "categorical",
                "price": "numeric",
                "stock": "numeric",
            },
        },
    )


@case
def long_store_day() -> None:
    name = "long_store_day.csv"
    rng = rng_for(name)
    d = days(date(2024, 1, 1), 60)
    stores = ["Berlin", "Hamburg", "Munich"]
    records = [(a, s) for a in d for s in stores]
    units = counts(rng, len(records), 120, 30, 10, period=21)
    text = table(
        ["date", "store", "units"],
        [[iso(a), s, str(u)] for (a, s), u in zipped(records, units)],
    )
    add(
        name,
        text.encode(),
        {
            "note": "long format, one row per store per day (sorted by date then store): store is the series id",
            "rows": len(records),
            "time_column": "date",
            "frequency": freq("day"),
            "start": iso(min(d)),
            "end": iso(max(d)),
            "target_candidates": ["units"],
            "series_id_columns": ["store"],
            "roles": {"date": "time", "store": "categorical", "units": "numeric"},
            "values": {
                "date": isos([a for a, _ in records[:3]]),
                "store": [s for _, s in records[:3]],
            },
        },
    )


@case
def long_region_product() -> None:
    name = "long_region_product.csv"
    rng = rng_for(name)
    w = days(date(2024, 1, 1), 20, 7)
    regions = ["East", "West"]
    products = ["Apples", "Pears", "Plums"]
    records = [
        (r, p, a) for r in regions for p in products for a in w
    ]  # sorted by series, then week
    units = [rng.randint(50, 400) for _ in records]
    text = table(
        ["week", "region", "product", "units"],
        [[iso(a), r, p, str(u)] for (r, p, a), u in zipped(records, units)],
    )
    add(
        name,
        text.encode(),
        {
            "note": "long format with two id columns: only region+product together make week unique",
            "rows": len(records),
            "time_column": "week",
            "frequency": freq("week"),
            "start": iso(min(w)),
            "end": iso(max(w)),
            "target_candidates": ["units"],
            "series_id_columns": ["region", "product"],
            "roles": {"region": "categorical", "product": "categorical"},
        },
    )


@case
def wide_stores() -> None:
    name = "wide_stores.csv"
    rng = rng_for(name)
    d = days(date(2024, 1, 1), 90)
    cols = ["berlin", "hamburg", "munich", "online"]
    data = [counts(rng, 90, base, base / 5, base / 15) for base in (120, 90, 150, 300)]
    text = table(
        ["date", *cols], [[iso(a), *(str(c[i]) for c in data)] for i, a in enumerate(d)]
    )
    add(
        name,
        text.encode(),
        {
            "note": "wide format: one numeric column per store; no series ids, every store a target candidate",
            "rows": len(d),
            "time_column": "date",
            "frequency": freq("day"),
            "start": iso(min(d)),
            "end": iso(max(d)),
            "target_candidates": cols,
            "series_id_columns": [],
            "roles": {c: "numeric" for c in cols},
        },
    )


# ---------------------------------------------------------------- issues, one per file


@case
def duplicates() -> None:
    name = "duplicates.csv"
    rng = rng_for(name)
    d = days(date(2024, 1, 1), 60)
    sales = counts(rng, 60, 100, 20, 6)
    rows = []
    for i, (a, b) in enumerate(zipped(d, sales)):
        rows.append([iso(a), str(b)])
        if i == 10:
            rows.append([iso(a), str(b)])  # exported twice
        if i in (11, 30):
            rows.append([iso(a), str(b + 7)])  # corrected value appended
    text = table(["date", "sales"], rows)
    add(
        name,
        text.encode(),
        {
            "note": "three dates appear twice (one exact duplicate row, two with different values)",
            "rows": len(rows),
            "time_column": "date",
            "frequency": freq("day"),
            "start": iso(min(d)),
            "end": iso(max(d)),
            "target_candidates": ["sales"],
            "series_id_columns": [],
            "issues": ["duplicate"],
        },
    )


@case
def gaps() -> None:
    name = "gaps.csv"
    rng = rng_for(name)
    full = days(date(2024, 1, 1), 90)
    missing = {full[i] for i in (12, 13, 40, 61, 77)}
    d = [a for a in full if a not in missing]
    sales = counts(rng, len(d), 100, 20, 6)
    text = table(["date", "sales"], [[iso(a), str(b)] for a, b in zipped(d, sales)])
    add(
        name,
        text.encode(),
        {
            "note": f"daily with {len(missing)} missing days: still daily, with a gap issue",
            "rows": len(d),
            "time_column": "date",
            "frequency": freq("day"),
            "start": iso(min(d)),
            "end": iso(max(d)),
            "target_candidates": ["sales"],
            "issues": ["gap"],
        },
    )


@case
def unsorted() -> None:
    name = "unsorted.csv"
    rng = rng_for(name)
    d = days(date(2024, 1, 1), 60)
    sales = counts(rng, 60, 100, 20, 6)
    rows = [[iso(a), str(b)] for a, b in zipped(d, sales)]
    for i, j in ((10, 11), (25, 28), (40, 47)):  # first and last rows stay in place
        rows[i], rows[j] = rows[j], rows[i]
    text = table(["date", "sales"], rows)
    add(
        name,
        text.encode(),
        {
            "note": "daily rows with three pairs swapped: order issue; frequency after sorting is daily",
            "rows": len(d),
            "time_column": "date",
            "frequency": freq("day"),
            "start": iso(min(d)),
            "end": iso(max(d)),
            "target_candidates": ["sales"],
            "issues": ["order"],
        },
    )


@case
def constant_column() -> None:
    name = "constant_column.csv"
    rng = rng_for(name)
    d = days(date(2024, 1, 1), 60)
    sales = counts(rng, 60, 100, 20, 6)
    text = table(
        ["date", "sales", "region", "vat_rate"],
        [[iso(a), str(b), "North", "19"] for a, b in zipped(d, sales)],
    )
    add(
        name,
        text.encode(),
        {
            "note": "a text and a numeric column that hold one value: role constant, not a target",
            "rows": len(d),
            "time_column": "date",
            "frequency": freq("day"),
            "target_candidates": ["sales"],
            "series_id_columns": [],
            "roles": {"sales": "numeric", "region": "constant", "vat_rate": "constant"},
            "issues": ["one value"],
        },
    )


@case
def empty_column() -> None:
    name = "empty_column.csv"
    rng = rng_for(name)
    d = days(date(2024, 1, 1), 60)
    sales = counts(rng, 60, 100, 20, 6)
    text = table(
        ["date", "sales", "comment", "discount"],
        [[iso(a), str(b), "", "NA"] for a, b in zipped(d, sales)],
    )
    add(
        name,
        text.encode(),
        {
            "note": "a column of empty cells and a column of NA only: role empty, not a target",
            "rows": len(d),
            "time_column": "date",
            "frequency": freq("day"),
            "target_candidates": ["sales"],
            "roles": {"sales": "numeric", "comment": "empty", "discount": "empty"},
            "issues": ["empty"],
        },
    )


@case
def too_short() -> None:
    name = "too_short.csv"
    rng = rng_for(name)
    m = month_starts(2024, 1, 10)
    sales = counts(rng, 10, 500, 50, 20, period=12)
    text = table(["month", "sales"], [[iso(a), str(b)] for a, b in zipped(m, sales)])
    add(
        name,
        text.encode(),
        {
            "note": "10 monthly points: fewer than two yearly seasons",
            "rows": len(m),
            "time_column": "month",
            "frequency": freq("month"),
            "start": iso(min(m)),
            "end": iso(max(m)),
            "target_candidates": ["sales"],
            "issues": ["too short"],
        },
    )


@case
def future_rows() -> None:
    name = "future_rows.csv"
    rng = rng_for(name)
    w = days(date(2023, 1, 2), 68, 7)
    history = 60
    sales: list[int | None] = list(counts(rng, history, 400, 80, 25, period=13)) + [
        None
    ] * (len(w) - history)
    price = cents(rng, len(w), 899, 1199)
    promo = [rng.random() < 0.25 for _ in w]
    rows = [
        [iso(a), "" if s is None else str(s), fixed(p), "yes" if q else "no"]
        for a, s, p, q in zipped(w, sales, price, promo)
    ]
    text = table(["week", "sales", "price", "promo"], rows)
    add(
        name,
        text.encode(),
        {
            "note": "last 8 weeks have no sales but known price and promo: future covariate rows, kept as data",
            "rows": len(w),
            "time_column": "week",
            "frequency": freq("week"),
            "start": iso(min(w)),
            "target_candidates": ["sales", "price"],
            "roles": {"promo": "boolean"},
            "issues": ["future"],
        },
    )


@case
def irregular_events() -> None:
    name = "irregular_events.csv"
    rng = rng_for(name)
    t = [datetime(2024, 6, 1, 8, 0, 0)]
    for _ in range(79):
        t.append(t[-1] + timedelta(seconds=rng.randint(60, 20_000)))
    amount = cents(rng, 80, 500, 25_000)
    text = table(
        ["timestamp", "amount"], [[iso(a), fixed(b)] for a, b in zipped(t, amount)]
    )
    add(
        name,
        text.encode(),
        {
            "note": "transactions at random times: no frequency (null), irregular issue",
            "rows": len(t),
            "time_column": "timestamp",
            "frequency": None,
            "start": iso(min(t)),
            "end": iso(max(t)),
            "target_candidates": ["amount"],
            "dtypes": {"timestamp": "Datetime"},
            "issues": ["irregular"],
        },
    )


# ---------------------------------------------------------------- realistic combinations


@case
def european_latin1_report() -> None:
    name = "european_latin1_report.csv"
    rng = rng_for(name)
    d = days(date(2024, 1, 1), 60)
    umsatz = cents(rng, 60, 80_000, 260_000)
    umsatz[0] = 123_456
    menge = [rng.randint(800, 1500) for _ in d]
    menge[0], menge[1] = 1204, 987
    bemerkung = ["Neujahr"] + [
        rng.choice(["", "", "", "", "Inventur", "Aktion Käse"]) for _ in d[1:]
    ]
    head = "Umsatzbericht Filiale Köln;;;;\r\nZeitraum: 01.01.2024 bis 29.02.2024;;;;\r\n;;;;\r\n"
    body = table(
        ["Datum", "Filiale", "Umsatz", "Menge", "Bemerkung"],
        [
            [a.strftime("%d.%m.%Y"), "Köln", eu_money(b), eu_int(c), e]
            for a, b, c, e in zipped(d, umsatz, menge, bemerkung)
        ]
        + [["Total", "", eu_money(sum(umsatz)), eu_int(sum(menge)), ""]],
        delimiter=";",
        eol="\r\n",
    )
    foot = ";;;;\r\nQuelle: Warenwirtschaft, Export vom 01.03.2024;;;;\r\n"
    add(
        name,
        (head + body + foot).encode("latin-1"),
        {
            "note": "combination: Latin-1, CRLF, title lines, ; delimiter, dd.mm.yyyy, 1.234,56 decimal comma, Total row and a source line",
            "rows": len(d),
            "time_column": "Datum",
            "frequency": freq("day"),
            "start": iso(min(d)),
            "end": iso(max(d)),
            "target_candidates": ["Umsatz", "Menge"],
            "series_id_columns": [],
            "roles": {
                "Datum": "time",
                "Filiale": "constant",
                "Umsatz": "numeric",
                "Menge": "numeric",
            },
            "dtypes": {"Datum": "Date", "Filiale": "String", "Umsatz": "Float64"},
            "values": {
                "Datum": first(d),
                "Filiale": ["Köln"] * 3,
                "Umsatz": first(as_float(umsatz)),
                "Menge": menge[:3],
                "Bemerkung": [b or None for b in bemerkung[:3]],
            },
            "issues": ["title", "footer"],
        },
    )


@case
def us_excel_export() -> None:
    name = "us_excel_export.csv"
    rng = rng_for(name)
    d = days(date(2024, 1, 2), 45)
    regions = ["East", "West"]
    records = [(a, r) for a in d for r in regions]
    revenue = cents(rng, len(records), 80_000, 600_000)
    units = [rng.randint(300, 2500) for _ in records]
    head = "Sales Summary - East & West,,,\r\nGenerated 4/2/2024 8:15 AM,,,\r\n,,,\r\n"
    body = table(
        ["Date", "Region", "Revenue", "Units"],
        [
            [f"{a.month}/{a.day}/{a.year}", r, "$" + us_money(v), f"{u:,}"]
            for (a, r), v, u in zipped(records, revenue, units)
        ]
        + [["Grand Total", "", "$" + us_money(sum(revenue)), f"{sum(units):,}"]],
        eol="\r\n",
    )
    add(
        name,
        b"\xef\xbb\xbf" + (head + body).encode(),
        {
            "note": "combination: Excel 'CSV UTF-8' (BOM, CRLF), title lines padded with commas, m/d/yyyy, $1,234.50, long format by region, Grand Total row",
            "rows": len(records),
            "time_column": "Date",
            "frequency": freq("day"),
            "start": iso(min(d)),
            "end": iso(max(d)),
            "target_candidates": ["Revenue", "Units"],
            "series_id_columns": ["Region"],
            "roles": {"Date": "time", "Region": "categorical"},
            "dtypes": {"Date": "Date", "Revenue": "Float64"},
            "values": {
                "Date": isos([a for a, _ in records[:3]]),
                "Region": [r for _, r in records[:3]],
                "Revenue": first(as_float(revenue)),
                "Units": units[:3],
            },
            "issues": ["title", "footer"],
        },
    )


# ======================================================================= bad files


def png_bytes() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data))
        )

    width = height = 8
    raw = b"".join(
        b"\x00" + bytes(v for x in range(width) for v in (x * 32, y * 32, 128))
        for y in range(height)
    )
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


def small_workbook() -> bytes:
    def build(book: xlsxwriter.Workbook) -> None:
        sheet = book.add_worksheet("Data")
        fmt = book.add_format({"num_format": "yyyy-mm-dd"})
        sheet.write_row(0, 0, ["date", "sales"])
        for r, a in enumerate(days(date(2024, 1, 1), 200), start=1):
            sheet.write_datetime(r, 0, a, fmt)
            sheet.write_number(r, 1, 100 + (r * 37) % 51)

    return workbook(build)


@case
def bad_files() -> None:
    refused = {"error": "unreadable_file"}
    add("empty.csv", b"", {**refused, "note": "a file of zero bytes"})
    add(
        "blank_only.csv",
        b"\n\n   \n\r\n\t\n",
        {**refused, "note": "only blank lines and whitespace"},
    )
    add("header_only.csv", b"date,sales\n", {**refused, "note": "a header and no rows"})
    garbage = rng_for("binary_garbage.csv").randbytes(2048)
    assert b"\x00" in garbage
    add(
        "binary_garbage.csv",
        garbage,
        {**refused, "note": "2 KB of random bytes named .csv"},
    )
    add(
        "png_renamed.csv",
        png_bytes(),
        {**refused, "note": "an 8x8 PNG image renamed to .csv"},
    )
    add(
        "text_named.xlsx",
        b"date,sales\n2024-01-01,10\n2024-01-02,12\n",
        {**refused, "note": "a CSV text file named .xlsx (not a zip)"},
    )

    good = small_workbook()
    add(
        "corrupted_truncated.xlsx",
        good[: len(good) // 2],
        {
            **refused,
            "note": "a real workbook cut in half (interrupted download): no zip central directory",
        },
    )

    archive = zipfile.ZipFile(io.BytesIO(good))
    info = archive.getinfo("xl/worksheets/sheet1.xml")
    name_len, extra_len = struct.unpack(
        "<HH", good[info.header_offset + 26 : info.header_offset + 30]
    )
    data_start = info.header_offset + 30 + name_len + extra_len
    middle = data_start + info.compress_size // 3
    damaged = bytearray(good)
    for k in range(middle, middle + 64):
        damaged[k] ^= 0xA5
    add(
        "corrupted_crc.xlsx",
        bytes(damaged),
        {
            **refused,
            "note": "a real workbook whose sheet data bytes are damaged: the zip opens, the sheet does not inflate or fails its CRC",
        },
    )

    bomb = io.BytesIO()
    with zipfile.ZipFile(
        bomb, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9
    ) as out:
        for item in archive.infolist():
            if item.filename == "xl/worksheets/sheet1.xml":
                continue
            out.writestr(fixed_zipinfo(item.filename), archive.read(item.filename))
        with out.open(fixed_zipinfo("xl/worksheets/sheet1.xml"), "w") as entry:
            block = b"\x00" * (1024 * 1024)
            for _ in range(BOMB_INFLATED_BYTES // len(block)):
                entry.write(block)
    add(
        "zip_bomb.xlsx",
        bomb.getvalue(),
        {
            **refused,
            "note": f"a workbook whose sheet1.xml inflates to {BOMB_INFLATED_BYTES // 2**20} MiB of zero bytes (zip bomb); must be refused within seconds with bounded memory",
        },
    )


# ---------------------------------------------------------------- recognition (issue 13)


@case
def long_store_codes() -> None:
    name = "long_store_codes.csv"
    rng = rng_for(name)
    months = month_starts(2021, 1, 36)
    records = [(m, store) for m in months for store in (1, 2, 3)]
    units = [rng.randint(40, 160) * store for _, store in records]
    price = cents(rng, len(records), 199, 899)
    text = table(
        ["month", "store", "units", "price"],
        [
            [iso(m), str(s), str(u), fixed(c)]
            for (m, s), u, c in zipped(records, units, price)
        ],
    )
    add(
        name,
        text.encode(),
        {
            "note": "store × month × units with the store written as a number 1..3: store is the series column and never a target",
            "rows": len(records),
            "time_column": "month",
            "frequency": freq("month"),
            "start": iso(min(months)),
            "end": iso(max(months)),
            "target_candidates": ["units", "price"],
            "series_id_columns": ["store"],
            "roles": {"store": "categorical", "units": "numeric"},
            "dtypes": {"store": "Int64", "units": "Int64"},
            "values": {"store": [1, 2, 3], "units": units[:3]},
        },
    )


@case
def long_sku_codes() -> None:
    name = "long_sku_codes.csv"
    rng = rng_for(name)
    weeks = days(date(2023, 1, 1), 40, 7)
    skus = [100234, 100871, 204511, 300017, 310222]
    records = [(sku, w) for sku in skus for w in weeks]  # sorted by series, then week
    units = [rng.randint(0, 60) for _ in records]
    text = table(
        ["week", "SKU", "units"],
        [[iso(w), str(k), str(u)] for (k, w), u in zipped(records, units)],
    )
    add(
        name,
        text.encode(),
        {
            "note": "weekly units per six-digit SKU number: the SKU is the series column, not a target",
            "rows": len(records),
            "time_column": "week",
            "frequency": freq("week"),
            "target_candidates": ["units"],
            "series_id_columns": ["SKU"],
            "roles": {"SKU": "categorical", "units": "numeric"},
            "dtypes": {"SKU": "Int64"},
        },
    )


@case
def long_outlet_numbers() -> None:
    name = "long_outlet_numbers.csv"
    rng = rng_for(name)
    d = days(date(2024, 1, 1), 45)
    outlets = [11, 12, 17, 23]
    records = [(a, o) for a in d for o in outlets]
    rng.shuffle(records)
    visitors = [rng.randint(200, 900) for _ in records]
    staff = [rng.randint(3, 9) for _ in records]
    text = table(
        ["day", "outlet", "visitors", "staff"],
        [
            [iso(a), str(o), str(v), str(s)]
            for (a, o), v, s in zipped(records, visitors, staff)
        ],
    )
    add(
        name,
        text.encode(),
        {
            "note": "rows in random order; the outlet number (a name that says nothing) is the key because it makes each day unique and runs through time; staff (3..9) is a measure",
            "rows": len(records),
            "time_column": "day",
            "frequency": freq("day"),
            "target_candidates": ["visitors", "staff"],
            "series_id_columns": ["outlet"],
            "roles": {"outlet": "categorical", "staff": "numeric"},
        },
    )


@case
def long_zip_text() -> None:
    name = "long_zip_text.csv"
    rng = rng_for(name)
    months = month_starts(2023, 1, 12)
    zips = sorted({f"{rng.randint(1000, 99999):05d}" for _ in range(200)})[:100]
    zips[0] = "01234"
    records = [(z, m) for z in zips for m in months]
    sales = [rng.randint(100, 999) for _ in records]
    text = table(
        ["zip", "month", "sales"],
        [[z, iso(m), str(v)] for (z, m), v in zipped(records, sales)],
    )
    add(
        name,
        text.encode(),
        {
            "note": "100 zip codes kept as text (01234) × 12 months: the zip is the series column (many distinct codes are still labels, not free text)",
            "rows": len(records),
            "time_column": "month",
            "frequency": freq("month"),
            "target_candidates": ["sales"],
            "series_id_columns": ["zip"],
            "roles": {"zip": "categorical"},
            "dtypes": {"zip": "String"},
            "values": {"zip": ["01234"] * 3},
        },
    )


@case
def single_series_integers() -> None:
    name = "single_series_integers.csv"
    rng = rng_for(name)
    d = days(date(2024, 1, 1), 60)
    orders = counts(rng, 60, 40, 10, 5)
    staff = [rng.randint(3, 8) for _ in d]
    rows = [[iso(a), str(b), str(c)] for a, b, c in zipped(d, orders, staff)]
    for i in (20, 41):  # a day written twice, with another staff count
        rows.insert(i + 1, [rows[i][0], rows[i][1], str(int(rows[i][2]) % 8 + 1)])
    text = table(["date", "orders", "staff"], rows)
    add(
        name,
        text.encode(),
        {
            "note": "one series with two integer columns and two days written twice: the small integer staff count must not split it into series",
            "rows": len(rows),
            "time_column": "date",
            "frequency": freq("day"),
            "target_candidates": ["orders", "staff"],
            "series_id_columns": [],
            "roles": {"orders": "numeric", "staff": "numeric"},
            "issues": ["duplicate"],
        },
    )


@case
def hyperlink_formulas() -> None:
    name = "hyperlink_formulas.csv"
    rng = rng_for(name)
    d = days(date(2024, 3, 1), 30)
    sales = counts(rng, 30, 500, 80, 30)
    links = [
        f'=HYPERLINK("https://shop.example/orders/{i}","order {i}")' for i in range(30)
    ]
    # As spreadsheet programs export a formula: quoted, the quotes inside not doubled.
    lines = ["Sales report", "", "date,link,sales"] + [
        f'{iso(a)},"{link}",{b}' for a, link, b in zipped(d, links, sales)
    ]
    add(
        name,
        ("\n".join(lines) + "\n").encode(),
        {
            "note": 'quoted formulas with quotes inside that are not doubled ("=HYPERLINK("…","…")"), under a title line: read whole, header and columns in place',
            "rows": len(d),
            "time_column": "date",
            "frequency": freq("day"),
            "target_candidates": ["sales"],
            "dtypes": {"date": "Date", "link": "String", "sales": "Int64"},
            "values": {"link": links[:3], "sales": sales[:3]},
            "issues": ["title line", "quotes inside"],
        },
    )


@case
def flags_and_comments() -> None:
    name = "flags_and_comments.csv"
    rng = rng_for(name)
    n = 50
    d = days(date(2024, 1, 1), n)
    sales = counts(rng, n, 150, 30, 10)
    promo = ["Y", "N", "Y"] + [rng.choice("YN") for _ in d[3:]]
    geoeffnet = ["J", "J", "N"] + [rng.choice("JJJN") for _ in d[3:]]
    subjects = ["Customer", "Driver", "Supplier", "Manager", "Courier"]
    verbs = ["called about", "complained about", "asked for", "confirmed"]
    things = ["the late delivery", "a refund", "the invoice", "next week's order"]
    comments = [
        f"{rng.choice(subjects)} {rng.choice(verbs)} {rng.choice(things)} (ticket {i})"
        for i in range(n)
    ]
    text = table(
        ["date", "sales", "promo", "geoeffnet", "comment"],
        [
            list(row)
            for row in zipped(map(iso, d), map(str, sales), promo, geoeffnet, comments)
        ],
    )
    add(
        name,
        text.encode(),
        {
            "note": "Y/N and J/N columns are yes/no; a free comment on every row (all different) is text, not an identifier",
            "rows": n,
            "time_column": "date",
            "frequency": freq("day"),
            "target_candidates": ["sales"],
            "roles": {"promo": "boolean", "geoeffnet": "boolean", "comment": "text"},
            "dtypes": {"promo": "Boolean", "geoeffnet": "Boolean"},
            "values": {"promo": [True, False, True], "geoeffnet": [True, True, False]},
        },
    )


@case
def typo_store_month() -> None:
    name = "typo_store_month.csv"
    rng = rng_for(name)
    months = month_starts(2020, 1, 48)
    stores = ["Berlin", "Hamburg", "Munich"]
    records = [(s, m) for s in stores for m in months]
    revenue = [
        round(10_000 + 40 * (i % 48) + rng.gauss(0, 900)) for i in range(len(records))
    ]
    typo = records.index(("Hamburg", date(2022, 7, 1)))
    revenue[typo] = 1_000_000
    text = table(
        ["store", "month", "revenue"],
        [[s, iso(m), str(v)] for (s, m), v in zipped(records, revenue)],
    )
    add(
        name,
        text.encode(),
        {
            "note": "revenue around 10,000 per store and month with one typo of 1,000,000 (Hamburg, July 2022): an issue names the column, month, store and value",
            "rows": len(records),
            "time_column": "month",
            "frequency": freq("month"),
            "target_candidates": ["revenue"],
            "series_id_columns": ["store"],
            "issues": ["“revenue” on 2022-07-01 (store hamburg) is 1,000,000", "typo"],
        },
    )


@case
def intermittent_orders() -> None:
    name = "intermittent_orders.csv"
    rng = rng_for(name)
    d = days(date(2023, 1, 1), 365)
    orders = [
        rng.choice([1, 2, 5, 20, 150, 400]) if rng.random() < 0.12 else 0 for _ in d
    ]
    visitors = [round(100 * 1.01**i + rng.gauss(0, 4)) for i in range(len(d))]
    text = table(
        ["date", "orders", "visitors"],
        [[iso(a), str(b), str(c)] for a, b, c in zipped(d, orders, visitors)],
    )
    add(
        name,
        text.encode(),
        {
            "note": "intermittent demand (mostly zeros, occasional orders up to 400) and visitors growing 1% a day: no value is listed as a typo",
            "rows": len(d),
            "time_column": "date",
            "frequency": freq("day"),
            "target_candidates": ["orders", "visitors"],
            "issues_absent": ["typo"],
        },
    )


# ======================================================================= main


def main() -> None:
    for build in CASES:
        build()
    for name, data in FILES.items():
        limit = MAX_BOMB_BYTES if name == "zip_bomb.xlsx" else MAX_BYTES
        assert len(data) < limit, f"{name} is {len(data)} bytes"
        (HERE / name).write_bytes(data)
    ordered = {name: EXPECTED[name] for name in sorted(EXPECTED)}
    (HERE / "expected.json").write_text(
        json.dumps(ordered, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    known = {*FILES, "expected.json", Path(__file__).name, "README.md"}
    stray = sorted(
        p.name for p in HERE.iterdir() if p.is_file() and p.name not in known
    )
    refused = sum("error" in spec for spec in EXPECTED.values())
    print(
        f"wrote {len(FILES)} files ({len(FILES) - refused} readable, {refused} to refuse) and expected.json"
    )
    if stray:
        print("files here that this script does not make:", ", ".join(stray))


if __name__ == "__main__":
    main()
