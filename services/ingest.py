"""Reading uploaded files into Polars tables: sniffing format, encoding and types."""

from __future__ import annotations

import csv
import re
import zipfile
from pathlib import Path

import polars as pl

from services.errors import InvalidInputError, UnreadableFileError

SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".parquet", ".json")
MISSING_TOKENS = {"", "na", "n/a", "nan", "null", "none", "-", "#n/a", "nil"}
DATE_FORMATS = (
    "%Y-%m-%d",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M",
    "%Y/%m/%d",
    "%d/%m/%Y",
    "%m/%d/%Y",
    "%d.%m.%Y",
    "%d-%m-%Y",
    "%d/%m/%Y %H:%M",
    "%m/%d/%Y %H:%M",
    "%Y-%m",
)
# An .xlsx is a zip: refuse archives that would inflate beyond this (zip bombs).
MAX_XLSX_INFLATED_BYTES = 2_000_000_000
_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$")


def check_suffix(filename: str) -> str:
    """The lower-case suffix of a file name, if it is one we can read.

    Raises
    ------
    UnreadableFileError
        For any other type, with the list of the ones we read.

    """
    suffix = Path(filename).suffix.lower()
    if suffix not in SUFFIXES:
        raise UnreadableFileError(
            f"“{Path(filename).name}” is not a file type Forecast Studio reads. "
            "Upload a CSV, TSV or TXT table, an Excel .xlsx workbook, Parquet or JSON."
        )
    return suffix


def read_table(path: Path, suffix: str, sheet: str | None = None) -> pl.DataFrame:
    """Read a stored upload into a table with typed columns.

    Text columns holding numbers, booleans or dates become those types; codes with
    leading zeros stay text.

    Raises
    ------
    UnreadableFileError
        When the file is empty, binary or not a table.

    """
    if path.stat().st_size == 0:
        raise UnreadableFileError(
            "The file is empty. Choose a file that holds a table."
        )
    try:
        if suffix in (".csv", ".tsv", ".txt"):
            frame = _read_delimited(path.read_bytes())
        elif suffix == ".xlsx":
            frame = _read_excel(path, sheet)
        elif suffix == ".parquet":
            frame = pl.read_parquet(path)
        else:
            frame = pl.read_json(path)
    except (UnreadableFileError, InvalidInputError):
        raise
    except Exception as exc:  # any parser failure is the file's fault, said plainly
        raise UnreadableFileError(
            f"The file could not be read as a {suffix.lstrip('.').upper()} table "
            f"({type(exc).__name__}). Check that it is not damaged and try again."
        ) from exc
    frame = _typed(frame)
    if frame.height == 0 or frame.width == 0:
        raise UnreadableFileError("The file holds no rows of data.")
    return frame


def _decode(raw: bytes) -> str:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16")
    if b"\x00" in raw[:8192]:
        raise UnreadableFileError(
            "The file looks binary, not like a text table. Upload a CSV or Excel file."
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def _read_delimited(raw: bytes) -> pl.DataFrame:
    text = _decode(raw).replace("\r\n", "\n").replace("\r", "\n")
    sample = "\n".join(line for line in text.split("\n")[:50] if line.strip())
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        counts = {d: sample.count(d) for d in ",;\t|"}
        delimiter = max(counts, key=lambda d: counts[d])
    frame = pl.read_csv(
        text.encode(),
        separator=delimiter,
        infer_schema=False,
        truncate_ragged_lines=True,
    )
    return _decimal_comma(frame) if delimiter != "," else frame


def _decimal_comma(frame: pl.DataFrame) -> pl.DataFrame:
    # With ; or tab as delimiter, "1.234,56" is a number written the European way.
    exprs = []
    for name in frame.columns:
        values = frame[name].drop_nulls().str.strip_chars()
        if values.len() and values.str.contains(r"^[+-]?[\d.]*\d,\d+$").all():
            exprs.append(
                pl.col(name)
                .str.replace_all(".", "", literal=True)
                .str.replace(",", ".", literal=True)
            )
    return frame.with_columns(exprs) if exprs else frame


def _read_excel(path: Path, sheet: str | None) -> pl.DataFrame:
    try:
        with zipfile.ZipFile(path) as archive:
            inflated = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as exc:
        raise UnreadableFileError(
            "The file is not a valid Excel .xlsx workbook. Save it again from Excel, "
            "or export it as CSV."
        ) from exc
    if inflated > MAX_XLSX_INFLATED_BYTES:
        raise UnreadableFileError(
            "The workbook unpacks to far more data than it holds; it may be damaged "
            "or malicious. Export the sheet as CSV instead."
        )
    if sheet is not None:
        return pl.read_excel(path, sheet_name=sheet, infer_schema_length=0)
    return pl.read_excel(path, sheet_id=1, infer_schema_length=0)


def _typed(frame: pl.DataFrame) -> pl.DataFrame:
    frame = frame.rename(
        {c: c.strip() or f"column_{i + 1}" for i, c in enumerate(frame.columns)}
    )
    converted = []
    for name in frame.columns:
        column = frame[name]
        if column.dtype == pl.String:
            column = _typed_text(column)
        converted.append(column)
    return pl.DataFrame(converted)


def _typed_text(column: pl.Series) -> pl.Series:
    stripped = column.str.strip_chars()
    column = stripped.set(stripped.str.to_lowercase().is_in(list(MISSING_TOKENS)), None)
    values = column.drop_nulls()
    if values.len() == 0:
        return column
    lowered = values.str.to_lowercase()
    if lowered.is_in(["true", "false", "yes", "no"]).all():
        return (
            column.str.to_lowercase().is_in(["true", "yes"]).set(column.is_null(), None)
        )
    cleaned = column.str.replace_all(r"[,\s$€£%]", "")
    if values.str.replace_all(r"[,\s$€£%]", "").str.contains(_NUMBER.pattern).all():
        if values.str.contains(r"^0\d").any():
            return column  # leading zeros: a code such as a ZIP or SKU, keep it as text
        numbers = cleaned.cast(pl.Float64, strict=False)
        if (
            numbers.drop_nulls() == numbers.drop_nulls().round()
        ).all() and numbers.drop_nulls().abs().max() < 2**53:  # type: ignore[operator]
            return numbers.cast(pl.Int64)
        return numbers
    for fmt in DATE_FORMATS:
        parsed = column.str.to_datetime(fmt, strict=False)
        if parsed.null_count() == column.null_count():
            if "%H" not in fmt:
                return parsed.cast(pl.Date)
            return parsed
    return column
