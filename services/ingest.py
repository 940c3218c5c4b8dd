"""Reading uploaded files into typed Polars tables, the way a person would read them.

Text tables are sniffed and read by ``services.sniffing``; a workbook's first sheet that
holds a table is read (zip bombs and oversized sheets refused before reading) with the
same header and footer rules; then each column is typed with ``services.values``. No
table beyond the size limits of ``services.upload_limits`` gets typed. The web process
reads uploads through ``services.parse_process``, in a child process.
"""

from __future__ import annotations

import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from services.errors import FileTooLargeError, InvalidInputError, UnreadableFileError
from services.profiling import DataIssue
from services.sniffing import (
    drop_blank_and_footer,
    header_index,
    note_title_lines,
    read_delimited,
)
from services.upload_limits import (
    UploadLimits,
    check_sheet_extent,
    check_table_size,
    check_workbook_parts,
)
from services.values import (
    combine_date_and_time,
    type_number_column,
    type_text_column,
)

SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".parquet", ".json")


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


def read_table(
    path: Path,
    suffix: str,
    sheet: str | None = None,
    limits: UploadLimits | None = None,
) -> ReadResult:
    """Read a stored upload into a table with typed columns.

    Parameters
    ----------
    sheet
        For a workbook, the sheet to read; the first sheet holding a table otherwise.
    limits
        The rows, columns and cells a table may have; the settings' by default.

    Raises
    ------
    UnreadableFileError
        When the file is empty, binary, damaged or not a table.
    InvalidInputError
        When the named sheet does not exist.
    FileTooLargeError
        When the table (or a workbook's sheet) is over a limit; workbooks and
        Parquet files are measured before they are read, text tables as far as
        their first lines tell.

    """
    if path.stat().st_size == 0:
        raise UnreadableFileError(
            "The file is empty. Choose a file that holds a table."
        )
    limits = limits or UploadLimits.from_settings()
    result = ReadResult(pl.DataFrame())
    decimal_comma = False
    try:
        if suffix in (".csv", ".tsv", ".txt"):
            result.frame, decimal_comma = read_delimited(path, result.notes, limits)
        elif suffix == ".xlsx":
            result.frame, result.sheet, result.sheets = _read_excel(
                path, sheet, result.notes, limits
            )
        elif suffix == ".parquet":
            result.frame = _read_parquet(path, limits)
        else:
            result.frame = _read_json(path)
    except (UnreadableFileError, InvalidInputError, FileTooLargeError):
        raise
    except Exception as exc:  # any parser failure is the file's fault, said plainly
        raise UnreadableFileError(
            f"The file could not be read as a {suffix.lstrip('.').upper()} table "
            f"({type(exc).__name__}). Check that it is not damaged and try again."
        ) from exc
    if result.frame.height == 0 or result.frame.width == 0:
        raise UnreadableFileError("The file holds no rows of data.")
    check_table_size(result.frame.height, result.frame.width, limits)
    result.frame = _typed(result.frame, decimal_comma, result.notes)
    return result


def _read_excel(
    path: Path, sheet: str | None, notes: list[DataIssue], limits: UploadLimits
) -> tuple[pl.DataFrame, str, list[str]]:
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile as exc:
        raise UnreadableFileError(
            "The file is not a valid Excel .xlsx workbook. Save it again from Excel, "
            "or export it as CSV."
        ) from exc
    with archive:
        # Before the reader opens it: it reads shared strings and styles at once.
        check_workbook_parts(archive)
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
            check_sheet_extent(archive, name, limits)
            grid = _read_sheet(path, name)
            if grid.height >= 2 and grid.width >= 2 or sheet is not None:
                return _grid_to_table(grid, notes), str(name), names
    raise UnreadableFileError("No sheet of the workbook holds a table.")


def _read_sheet(path: Path, name: str) -> pl.DataFrame:
    return pl.read_excel(
        path,
        sheet_name=name,
        has_header=False,
        infer_schema_length=0,
        raise_if_empty=False,
    )


def _read_parquet(path: Path, limits: UploadLimits) -> pl.DataFrame:
    """A Parquet file, measured from its metadata before it is read."""
    scan = pl.scan_parquet(path)
    columns = len(scan.collect_schema())
    check_table_size(None, columns, limits)
    check_table_size(scan.select(pl.len()).collect().item(), columns, limits)
    return scan.collect()


def _grid_to_table(grid: pl.DataFrame, notes: list[DataIssue]) -> pl.DataFrame:
    rows = [[c or "" for c in row] for row in grid.head(200).iter_rows()]
    start, has_header = header_index(rows)
    note_title_lines(rows[:start], notes)
    body = grid.slice(start + (1 if has_header else 0))
    if has_header:
        names = [str(c).strip() if c else "" for c in grid.row(start)]
        body.columns = _unique_names(names)
    return drop_blank_and_footer(body, notes)


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
