"""Finding the table in a text file or a grid of cells, the way a person would.

Sniffs a delimited text file's encoding, delimiter and header row (title lines above it
are skipped), reads it with Polars (plainly written columns typed by Polars itself,
the rest left as text for ``services.values``), and drops blank and footer rows
("Total", notes). The header and footer rules serve Excel sheets too.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from pathlib import Path
from typing import Any

import polars as pl

from services.errors import UnreadableFileError
from services.profiling import DataIssue
from services.stray_quotes import requote
from services.upload_limits import UploadLimits, check_table_size
from services.values import MISSING_TOKENS

DELIMITERS = (",", ";", "\t", "|")
HEAD_BYTES = 65536
_BOM = b"\xef\xbb\xbf"
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


def read_delimited(
    path: Path, notes: list[DataIssue], limits: UploadLimits | None = None
) -> tuple[pl.DataFrame, bool]:
    """A delimited text file as a table, and whether it writes decimal commas.

    What was skipped (title lines, footer rows) is added to ``notes``.

    Raises
    ------
    UnreadableFileError
        When the file looks binary.
    FileTooLargeError
        When its header (or first line) has more columns than ``limits`` allow.

    """
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
    text, lines = _head_lines(head, size)
    control = sum(ch < " " and ch not in "\t" for line in lines for ch in line)
    if control > 0.05 * max(1, len(text)):
        raise UnreadableFileError(
            "The file looks binary, not like a text table. Upload a CSV or Excel file."
        )
    delimiter = _delimiter(lines)
    requoted, rewritten = requote(source, head, delimiter)
    if rewritten:
        source, size = requoted, len(requoted)
        text, lines = _head_lines(requoted, size)
        notes.append(DataIssue(severity="info", message=_requoted_words(rewritten)))
    rows = [next(csv.reader([line], delimiter=delimiter), []) for line in lines[:200]]
    start, has_header = header_index(rows)
    if limits is not None and start < len(rows):
        check_table_size(None, len(rows[start]), limits)
    note_title_lines(rows[:start], notes)
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
    unquoted = _unquoted_header(source, rows[start] if sampled else [], options)
    as_polars_reads = {name: read for read, name in unquoted.items()}
    sampled = {as_polars_reads.get(name, name): v for name, v in sampled.items()}
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
    frame = drop_blank_and_footer(frame.rename(unquoted, strict=False), notes)
    return frame, delimiter == ";"


def _unquoted_header(
    source: Path | bytes, header: list[str], options: dict[str, Any]
) -> dict[str, str]:
    """Column names as Polars reads them → as written, where a header quotes quotes.

    Polars keeps the doubled quotes of a quoted header field (``"a ""b"" c"`` becomes
    ``a ""b"" c``); the CSV rule, and every spreadsheet, reads ``a "b" c``.
    """
    if not any('"' in name for name in header):
        return {}
    read = pl.scan_csv(source, infer_schema=False, **options).collect_schema().names()
    names = set(read)
    return {
        as_read: name
        for as_read, name in zip(read, header, strict=False)
        if as_read == name.replace('"', '""') != name and name not in names
    }


def _requoted_words(lines: int) -> str:
    if lines == 1:
        return (
            "1 line holds a quoted value with quotes inside it that are not doubled "
            "(such as a formula); it was read whole, as a spreadsheet program reads it."
        )
    return (
        f"{lines} lines hold quoted values with quotes inside them that are not "
        "doubled (such as formulas); they were read whole, as a spreadsheet program "
        "reads them."
    )


def _head_lines(head: bytes, size: int) -> tuple[str, list[str]]:
    """The head's text and its lines (without a last line that may be cut short)."""
    text = head[:HEAD_BYTES].decode("utf-8", errors="ignore")
    lines = [line.rstrip("\r") for line in text.split("\n")]
    if size > HEAD_BYTES:
        lines = lines[:-1]
    return text, lines


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


def note_title_lines(above: list[list[str]], notes: list[DataIssue]) -> None:
    """Say how many title lines above the header were skipped."""
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


def header_index(rows: list[list[str]]) -> tuple[int, bool]:
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


def drop_blank_and_footer(frame: pl.DataFrame, notes: list[DataIssue]) -> pl.DataFrame:
    """The table without blank rows and without footer rows (totals, notes)."""
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
