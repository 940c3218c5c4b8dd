"""Reading uploaded files into typed Polars tables, the way a person would read them.

Sniffs the encoding, delimiter, header row (title lines above it are skipped) and footer
rows ("Total", notes) of text tables; picks the first sheet that holds a table in a
workbook; then types each column with ``services.values``.
"""

from __future__ import annotations

import csv
import re
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from services.errors import InvalidInputError, UnreadableFileError
from services.profiling import DataIssue
from services.values import (
    MISSING_TOKENS,
    combine_date_and_time,
    type_number_column,
    type_text_column,
)

SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".parquet", ".json")
DELIMITERS = (",", ";", "\t", "|")
HEAD_BYTES = 65536
_BOM = b"\xef\xbb\xbf"
# An .xlsx is a zip: refuse archives that would inflate far beyond their size.
MAX_XLSX_INFLATED_BYTES = 2_000_000_000
MAX_XLSX_RATIO = 200
_FOOTER = re.compile(
    r"^(grand\s+)?(total|totals|sum|subtotal|summe|gesamt|average)\b|"
    r"^(notes?|source|quelle|remarks?|comments?|\*)",
    re.IGNORECASE,
)
_DATA_LIKE = re.compile(r"^[+-]?[\d.,/:\s-]+$")
# Written so plainly that Polars' own parser reads them right (no leading zeros).
_PLAIN = re.compile(
    r"^[+-]?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$|^[+-]?0?\.\d+$|"
    r"^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?$|"
    r"^(?i:true|false)$"
)
# ISO dates and times whose layout has a fixed width, so one exact format reads them.
_ISO_FIXED = re.compile(
    r"^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.(\d{3}|\d{6}|\d{9}))?)?)?$"
)


@dataclass
class ReadResult:
    """A typed table and what reading it taught us."""

    frame: pl.DataFrame
    notes: list[DataIssue] = field(default_factory=list)
    sheet: str | None = None
    sheets: list[str] = field(default_factory=list)


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


def read_table(path: Path, suffix: str, sheet: str | None = None) -> ReadResult:
    """Read a stored upload into a table with typed columns.

    Parameters
    ----------
    sheet
        For a workbook, the sheet to read; the first sheet holding a table otherwise.

    Raises
    ------
    UnreadableFileError
        When the file is empty, binary, damaged or not a table.
    InvalidInputError
        When the named sheet does not exist.

    """
    if path.stat().st_size == 0:
        raise UnreadableFileError(
            "The file is empty. Choose a file that holds a table."
        )
    result = ReadResult(pl.DataFrame())
    decimal_comma = False
    try:
        if suffix in (".csv", ".tsv", ".txt"):
            result.frame, decimal_comma = _read_delimited(path, result.notes)
        elif suffix == ".xlsx":
            result.frame, result.sheet, result.sheets = _read_excel(
                path, sheet, result.notes
            )
        elif suffix == ".parquet":
            result.frame = pl.read_parquet(path)
        else:
            result.frame = _read_json(path)
    except (UnreadableFileError, InvalidInputError):
        raise
    except Exception as exc:  # any parser failure is the file's fault, said plainly
        raise UnreadableFileError(
            f"The file could not be read as a {suffix.lstrip('.').upper()} table "
            f"({type(exc).__name__}). Check that it is not damaged and try again."
        ) from exc
    if result.frame.height == 0 or result.frame.width == 0:
        raise UnreadableFileError("The file holds no rows of data.")
    result.frame = _typed(result.frame, decimal_comma, result.notes)
    return result


def _encoding(raw: bytes) -> str:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    head = raw[:8192]
    if b"\x00" in head:
        odd_zeros = head[1::2].count(0) / max(1, len(head[1::2]))
        if odd_zeros > 0.3 and head[0::2].count(0) < len(head[0::2]) * 0.1:
            return "utf-16-le"
        raise UnreadableFileError(
            "The file looks binary, not like a text table. Upload a CSV or Excel file."
        )
    try:
        raw[:HEAD_BYTES].decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(raw[:HEAD_BYTES]) - 4:
            return "cp1252"
    return "utf-8"


def _read_delimited(path: Path, notes: list[DataIssue]) -> tuple[pl.DataFrame, bool]:
    with path.open("rb") as handle:
        head = handle.read(HEAD_BYTES + len(_BOM))
    encoding = _encoding(head)
    source: Path | bytes
    if encoding == "utf-8":
        # Polars reads the file itself (and skips a BOM): no copy of it in memory.
        source, size = path, path.stat().st_size
        if head.startswith(_BOM):
            head, size = head.removeprefix(_BOM), size - len(_BOM)
    else:
        raw = path.read_bytes()
        source = raw.decode(encoding, errors="replace").removeprefix("\ufeff").encode()
        head, size = source, len(source)
    text = head[:HEAD_BYTES].decode("utf-8", errors="ignore")
    lines = [line.rstrip("\r") for line in text.split("\n")]
    if size > HEAD_BYTES:
        lines = lines[:-1]  # the last line of the head may be cut short
    control = sum(ch < " " and ch not in "\t" for line in lines for ch in line)
    if control > 0.05 * max(1, len(text)):
        raise UnreadableFileError(
            "The file looks binary, not like a text table. Upload a CSV or Excel file."
        )
    delimiter = _delimiter(lines)
    rows = [next(csv.reader([line], delimiter=delimiter), []) for line in lines[:200]]
    start, has_header = _header_index(rows)
    _note_title_lines(rows[:start], notes)
    options: dict[str, Any] = {
        "separator": delimiter,
        "has_header": has_header,
        "skip_lines": start,
        "encoding": "utf8-lossy",
        "truncate_ragged_lines": True,
        "quote_char": '"',
        "glob": False,
    }
    sampled = _sampled_values(rows[start:], has_header)
    as_text: dict[str, pl.DataType] = {
        name: pl.String()
        for name, values in sampled.items()
        if not _plain(values, delimiter)
    }
    formats = {
        name: layout
        for name, values in sampled.items()
        if (layout := _iso_format(values)) is not None
    }
    try:
        frame = _read_plain_columns_typed(source, as_text, formats, options)
    except Exception:  # a surprise further down the file: read everything as text
        frame = pl.read_csv(source, infer_schema=False, **options)
    frame = _drop_blank_and_footer(frame, notes)
    return frame, delimiter == ";"


def _read_plain_columns_typed(
    source: Path | bytes,
    as_text: dict[str, pl.DataType],
    formats: dict[str, str],
    options: dict[str, Any],
) -> pl.DataFrame:
    """Polars types plainly written numbers, true/false and ISO dates itself.

    Columns in ``as_text`` stay text for the rules in ``services.values``. Polars' own
    date parsing inside the reader costs more than the rest of the read, so the
    columns it would read as ISO dates are read as text and parsed after, on every
    core, with the exact format of the sampled values in ``formats`` when they all
    share one; should a value defeat that parse, the file is read again with the
    reader's date parsing, so the table is always the one Polars' reader gives.
    """
    typed: dict[str, Any] = {"infer_schema_length": 1000, "try_parse_dates": True}
    schema = pl.scan_csv(
        source, schema_overrides=as_text, **typed, **options
    ).collect_schema()
    dates = {
        name: dtype
        for name, dtype in schema.items()
        if dtype == pl.Date or dtype == pl.Datetime("us")
    }
    as_read = {**schema, **dict.fromkeys(dates, pl.String())}
    # Sampled as bare dates but read as date-times (times further down): inferred.
    with_clock = {name: layout for name, layout in formats.items() if "%H" in layout}
    try:
        return (
            pl.scan_csv(source, schema=as_read, **options)
            .with_columns(
                pl.col(name).str.to_date("%Y-%m-%d")
                if dtype == pl.Date
                else pl.col(name).str.to_datetime(with_clock.get(name), time_unit="us")
                for name, dtype in dates.items()
            )
            .collect(engine="streaming")
        )
    except pl.exceptions.PolarsError:
        return pl.read_csv(source, schema_overrides=as_text, **typed, **options)


def _sampled_values(rows: list[list[str]], has_header: bool) -> dict[str, list[str]]:
    """Per header name: the column's sampled values that are not missing."""
    if not has_header or not rows:
        return {}
    header, body = rows[0], rows[1:]
    sampled = {}
    for index, name in enumerate(header):
        values = [row[index].strip() for row in body if index < len(row)]
        sampled[name] = [v for v in values if v.lower() not in MISSING_TOKENS]
    return sampled


def _plain(values: list[str], delimiter: str) -> bool:
    """Whether sampled values are plain numbers, true/false or ISO dates.

    In a ``;`` file a dot may be a thousands mark (``1.204``), so only whole numbers
    count as plain there.
    """
    return bool(values) and all(
        _PLAIN.match(v) and (delimiter != ";" or "." not in v or "-" in v[1:])
        for v in values
    )


def _iso_format(values: list[str]) -> str | None:
    """The one exact format of sampled ISO dates or date-times, if they share one."""
    if not values or not all(_ISO_FIXED.match(v) for v in values):
        return None
    layouts = {(len(v), v[10:11]) for v in values}
    if len(layouts) != 1:
        return None
    size, separator = layouts.pop()
    if size == 10:
        return "%Y-%m-%d"
    clock = "%H:%M" if size == 16 else "%H:%M:%S"
    fraction = f".%{size - 20}f" if size > 19 else ""
    return f"%Y-%m-%d{separator}{clock}{fraction}"


def _note_title_lines(above: list[list[str]], notes: list[DataIssue]) -> None:
    skipped = sum(1 for row in above if any(cell.strip() for cell in row))
    if skipped:
        plural = "s" if skipped > 1 else ""
        notes.append(
            DataIssue(
                severity="info",
                message=f"Skipped {skipped} title line{plural} above the header.",
            )
        )


def _delimiter(lines: list[str]) -> str:
    filled = [line for line in lines[:200] if line.strip()]
    best, best_score = ",", (0.0, 0)
    for candidate in DELIMITERS:
        counts = [
            len(next(csv.reader([line], delimiter=candidate), [])) for line in filled
        ]
        if not counts:
            continue
        mode, seen = Counter(counts).most_common(1)[0]
        score = (seen / len(counts), mode)
        if mode >= 2 and score > best_score:
            best, best_score = candidate, score
    return best


def _header_index(rows: list[list[str]]) -> tuple[int, bool]:
    """Where the header is (after any title lines) and whether there is one."""
    widths = [sum(1 for cell in row if cell and cell.strip()) for row in rows]
    filled = [w for w in widths if w]
    if not filled:
        return 0, True
    typical = Counter(filled[len(filled) // 5 :] or filled).most_common(1)[0][0]
    start = next((i for i, w in enumerate(widths) if w >= typical), 0)
    cells = [cell.strip() for cell in rows[start] if cell and cell.strip()]
    looks_like_data = bool(cells) and all(_DATA_LIKE.match(c) for c in cells)
    return start, not looks_like_data


def _drop_blank_and_footer(frame: pl.DataFrame, notes: list[DataIssue]) -> pl.DataFrame:
    typed = [pl.col(c).is_null() for c, t in frame.schema.items() if t != pl.String]
    # Text cells are only inspected when every typed cell of a row is empty.
    if (
        not typed
        or frame.select(pl.any_horizontal(pl.all_horizontal(typed)).any()).item()
    ):
        blank = frame.select(
            pl.all_horizontal(
                pl.col(c).is_null() | (pl.col(c).str.strip_chars() == "")
                if t == pl.String
                else pl.col(c).is_null()
                for c, t in frame.schema.items()
            )
        ).to_series()
        frame = frame.filter(~blank)
    text = frame.tail(11).select(pl.all().cast(pl.String).str.strip_chars())
    footer = 0
    while footer < min(10, text.height - 1):
        row = [c for c in text.row(text.height - 1 - footer) if c]
        lone_note = len(row) == 1 and frame.width >= 2 and not _DATA_LIKE.match(row[0])
        if row and (_FOOTER.match(row[0]) or lone_note):
            footer += 1
        else:
            break
    if footer:
        notes.append(
            DataIssue(
                severity="info",
                message=f"Removed {footer} footer "
                f"row{'s' if footer > 1 else ''} at the end (totals or "
                "notes, not data).",
            )
        )
        frame = frame.head(frame.height - footer)
    return frame


def _read_excel(
    path: Path, sheet: str | None, notes: list[DataIssue]
) -> tuple[pl.DataFrame, str, list[str]]:
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except zipfile.BadZipFile as exc:
        raise UnreadableFileError(
            "The file is not a valid Excel .xlsx workbook. Save it again from Excel, "
            "or export it as CSV."
        ) from exc
    inflated = sum(info.file_size for info in infos)
    packed = sum(info.compress_size for info in infos)
    if inflated > MAX_XLSX_INFLATED_BYTES or (
        inflated > 50_000_000 and inflated > MAX_XLSX_RATIO * max(1, packed)
    ):
        raise UnreadableFileError(
            "The workbook unpacks to far more data than it holds; it may be damaged "
            "or malicious. Export the sheet as CSV instead."
        )
    import fastexcel

    names = list(fastexcel.read_excel(path).sheet_names)
    if sheet is not None and sheet not in names:
        raise InvalidInputError(
            f"The workbook has no sheet “{sheet}”. Its sheets: "
            + ", ".join(names)
            + ".",
            code="invalid_sheet",
        )
    for name in [sheet] if sheet is not None else names:
        grid = pl.read_excel(
            path,
            sheet_name=name,
            has_header=False,
            infer_schema_length=0,
            raise_if_empty=False,
        )
        if grid.height >= 2 and grid.width >= 2 or sheet is not None:
            return _grid_to_table(grid, notes), str(name), names
    raise UnreadableFileError("No sheet of the workbook holds a table.")


def _grid_to_table(grid: pl.DataFrame, notes: list[DataIssue]) -> pl.DataFrame:
    rows = [[c or "" for c in row] for row in grid.head(200).iter_rows()]
    start, has_header = _header_index(rows)
    _note_title_lines(rows[:start], notes)
    body = grid.slice(start + (1 if has_header else 0))
    if has_header:
        names = [str(c).strip() if c else "" for c in grid.row(start)]
        body.columns = _unique_names(names)
    return _drop_blank_and_footer(body, notes)


def _unique_names(names: list[str]) -> list[str]:
    seen: Counter[str] = Counter()
    unique = []
    for i, name in enumerate(names):
        name = name.strip() or f"column_{i + 1}"
        seen[name] += 1
        unique.append(name if seen[name] == 1 else f"{name}_{seen[name]}")
    return unique


def _read_json(path: Path) -> pl.DataFrame:
    try:
        return pl.read_json(path)
    except Exception:
        return pl.read_ndjson(path)


def _typed(
    frame: pl.DataFrame, decimal_comma: bool, notes: list[DataIssue]
) -> pl.DataFrame:
    frame.columns = _unique_names(frame.columns)
    columns = []
    for name in frame.columns:
        column = frame[name]
        if column.dtype == pl.String:
            typed = type_text_column(column, decimal_comma)
            if typed.column.dtype.is_numeric():
                typed.column = type_number_column(typed.column).column
        else:
            typed = type_number_column(column)
        columns.append(typed.column)
        notes.extend(
            DataIssue(severity="warning" if "not numbers" in n else "info", message=n)
            for n in typed.notes
        )
    frame, combined = combine_date_and_time(pl.DataFrame(columns))
    notes.extend(DataIssue(severity="info", message=n) for n in combined)
    return frame
