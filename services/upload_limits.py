"""How large an upload may be: rows, columns and cells, and workbooks measured first.

The limits are settings (``MAX_ROWS``, ``MAX_COLUMNS``, ``MAX_CELLS``, with the time
and memory a parse may use), and a refusal names the limit and its setting. A workbook
is a zip of XML parts: each part is checked (its size, and how many times its packed
size it inflates to), and the sheet about to be read is measured from its XML, streamed
in chunks, before the Excel reader allocates its grid, which spans every row and column
from A1 to the last cell however few cells the sheet holds. A sheet crafted to hide its
extent from this scan (cells whose references disagree with their rows) is still
stopped by the memory limit of the process that reads it (``services.parse_process``).
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from posixpath import basename, dirname, join, normpath
from typing import IO
from xml.etree import ElementTree

import config
from services.errors import FileTooLargeError, UnreadableFileError

# Real sheets inflate 5 to 20 times, highly repetitive ones about 100: a part beyond
# this ratio (once it is large enough to matter) is a zip bomb, whatever the rest of
# the archive holds (random stored bytes would lower an archive-wide ratio).
MAX_PART_RATIO = 200
RATIO_CHECKED_FROM_BYTES = 10_000_000
MAX_PART_BYTES = 2_000_000_000
MAX_WORKBOOK_BYTES = 3_000_000_000
# The workbook's index and relationships are parsed whole, so they must stay small.
MAX_INDEX_BYTES = 10_000_000
CHUNK_BYTES = 1 << 22

_MAIN_DOCUMENT = "/officeDocument"
_DIMENSION = re.compile(rb"<(?:[\w.-]+:)?dimension\b[^>]*?\bref=\"([^\"]*)\"")
_REFERENCE = re.compile(rb"^\$?([A-Za-z]{1,3})\$?(\d{1,7})$")
_ROOT_PREFIX = re.compile(rb"<([\w.-]+:)?worksheet\b")


@dataclass(frozen=True)
class UploadLimits:
    """What one upload may hold, and what reading it may cost.

    ``parse_time_limit_s`` and ``parse_memory_limit_mb`` bound the child process that
    reads it; ``0`` turns a bound off.
    """

    max_rows: int
    max_columns: int
    max_cells: int
    parse_time_limit_s: float
    parse_memory_limit_mb: int

    @classmethod
    def from_settings(cls) -> UploadLimits:
        """The limits as the settings give them now."""
        settings = config.settings
        return cls(
            max_rows=int(settings.MAX_ROWS),
            max_columns=int(settings.MAX_COLUMNS),
            max_cells=int(settings.MAX_CELLS),
            parse_time_limit_s=float(settings.PARSE_TIME_LIMIT_S),
            parse_memory_limit_mb=int(settings.PARSE_MEMORY_LIMIT_MB),
        )


def check_table_size(
    rows: int | None, columns: int, limits: UploadLimits, what: str = "The table"
) -> None:
    """Refuse a table with more rows, columns or cells than the limits allow.

    Parameters
    ----------
    rows
        The number of rows, or ``None`` when only the columns are known yet.
    what
        How the message names the table ("The sheet “Sales”").

    Raises
    ------
    FileTooLargeError
        Naming the number found, the limit and its setting.

    Examples
    --------
    >>> limits = UploadLimits(10, 5, 20, 60, 0)
    >>> check_table_size(4, 5, limits)
    >>> check_table_size(None, 6, limits)
    Traceback (most recent call last):
    ...
    services.errors.FileTooLargeError: The table has 6 columns; Forecast Studio reads at most 5 (the MAX_COLUMNS setting). Remove the columns you do not need and upload it again, or ask your administrator to raise the limit.

    """  # noqa: E501
    if columns > limits.max_columns:
        raise _too_large(
            f"{what} has {columns:,} columns",
            limits.max_columns,
            "MAX_COLUMNS",
            "Remove the columns you do not need and upload it again",
        )
    if rows is None:
        return
    if rows > limits.max_rows:
        raise _too_large(
            f"{what} has {rows:,} rows",
            limits.max_rows,
            "MAX_ROWS",
            "Upload fewer rows (a shorter period, or totals per week or month)",
        )
    if rows * columns > limits.max_cells:
        raise _too_large(
            f"{what} has {rows * columns:,} cells ({rows:,} rows × {columns:,} "
            "columns)",
            limits.max_cells,
            "MAX_CELLS",
            "Upload fewer rows or columns",
        )


def _too_large(found: str, limit: int, setting: str, fix: str) -> FileTooLargeError:
    return FileTooLargeError(
        f"{found}; Forecast Studio reads at most {limit:,} (the {setting} setting). "
        f"{fix}, or ask your administrator to raise the limit."
    )


def check_workbook_parts(archive: zipfile.ZipFile) -> None:
    """Refuse a workbook whose parts inflate too far, one by one or together.

    The sizes are those the archive declares; a part that inflates beyond its
    declared size fails its checksum, or meets the reading process's memory limit.

    Raises
    ------
    UnreadableFileError
        For a part larger than ``MAX_PART_BYTES`` inflated, a large part that
        inflates more than ``MAX_PART_RATIO`` times its packed size, or parts that
        together inflate beyond ``MAX_WORKBOOK_BYTES``.

    """
    total = 0
    for info in archive.infolist():
        total += info.file_size
        bomb = info.file_size > RATIO_CHECKED_FROM_BYTES and (
            info.file_size > MAX_PART_RATIO * max(1, info.compress_size)
        )
        if bomb or info.file_size > MAX_PART_BYTES or total > MAX_WORKBOOK_BYTES:
            raise UnreadableFileError(
                "The workbook unpacks to far more data than it holds; it may be "
                "damaged or malicious. Export the sheet as CSV instead."
            )


def check_sheet_extent(
    archive: zipfile.ZipFile, sheet: str, limits: UploadLimits
) -> None:
    """Refuse a sheet whose grid would be larger than the limits, before reading it.

    The grid is what the Excel reader allocates: every row and column from A1 to the
    last cell. The sheet's declared dimension is checked first (it is at the top of
    its XML), then the sheet is streamed for its last row, its last column and its
    number of cells. A sheet that cannot be found is let through: the reader says
    what is wrong with it.

    Raises
    ------
    FileTooLargeError
        Naming the sheet, its extent, the limit and its setting.

    """
    part = _sheet_parts(archive).get(sheet)
    if part is None:
        return
    what = f"The sheet “{sheet}”"
    with archive.open(part) as stream:
        head = stream.read(CHUNK_BYTES)
        declared = _declared_extent(head)
        if declared is not None:
            check_table_size(*declared, limits, what)
        rows, columns, cells = _streamed_extent(head, stream)
    check_table_size(rows, columns, limits, what)
    if cells > limits.max_cells:
        raise _too_large(
            f"{what} has {cells:,} cells",
            limits.max_cells,
            "MAX_CELLS",
            "Upload fewer rows or columns",
        )


def _declared_extent(head: bytes) -> tuple[int, int] | None:
    """Rows and columns from A1 to the end of the ``<dimension ref>``, if declared."""
    match = _DIMENSION.search(head)
    end = _REFERENCE.match(match.group(1).split(b":")[-1].strip()) if match else None
    if end is None:
        return None
    return int(end.group(2)), _column_number(end.group(1))


def _column_number(letters: bytes) -> int:
    """The column a reference's letters name: ``A`` is 1, ``XFD`` 16,384."""
    number = 0
    for letter in letters.upper():
        number = number * 26 + letter - ord("A") + 1
    return number


def _streamed_extent(head: bytes, stream: IO[bytes]) -> tuple[int, int, int]:
    """The last row, the last column and the number of cells of a sheet's XML.

    Rows are read from ``<row r="…">`` (and counted, for rows without a reference);
    columns from the letters of ``<c r="…">``. C-level searches over large chunks
    keep this to a fraction of what reading the sheet costs.
    """
    found = _ROOT_PREFIX.search(head)
    prefix = (found.group(1) or b"") if found else b""
    cell_tags = [b"<" + prefix + b"c" + end for end in (b" ", b">", b"/")]
    row_tags = [b"<" + prefix + b"row" + end for end in (b" ", b">", b"/")]
    row_number = re.compile(b"<" + re.escape(prefix) + rb'row r="(\d{1,9})"')
    cell_letters = re.compile(b"<" + re.escape(prefix) + rb'c r="([A-Za-z]{1,9})')
    last_row = rows = cells = 0
    letters: set[bytes] = set()
    for body in _tag_aligned_chunks(head, stream):
        cells += sum(body.count(tag) for tag in cell_tags)
        rows += sum(body.count(tag) for tag in row_tags)
        last_row = max(last_row, max(map(int, row_number.findall(body)), default=0))
        letters.update(cell_letters.findall(body))
    columns = max((_column_number(c) for c in letters), default=0)
    return max(last_row, rows), columns, cells


def _tag_aligned_chunks(head: bytes, stream: IO[bytes]) -> Iterator[bytes]:
    """The XML in large chunks that each end before a ``<``, so no tag is cut."""
    pending = head
    while chunk := stream.read(CHUNK_BYTES):
        pending += chunk
        cut = pending.rfind(b"<")
        if cut > 0:
            yield pending[:cut]
            pending = pending[cut:]
    yield pending


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → the archive part that holds its XML.

    Found as a reader finds it: the package's relationships name the workbook, the
    workbook names each sheet's relationship id, and its relationships the part.
    """
    names = set(archive.namelist())
    document = next(
        (
            target
            for _id, kind, target in _relationships(archive, "_rels/.rels")
            if kind.endswith(_MAIN_DOCUMENT)
        ),
        "xl/workbook.xml",
    )
    if document not in names:
        return {}
    rels = join(dirname(document), "_rels", basename(document) + ".rels")
    targets = {rid: target for rid, _kind, target in _relationships(archive, rels)}
    parts = {}
    for element in _parsed(archive, document).iter():
        if _local(element.tag) != "sheet":
            continue
        name, part = element.get("name"), targets.get(_relationship_id(element))
        if name is not None and part in names:
            parts[name] = part
    return parts


def _relationship_id(element: ElementTree.Element) -> str:
    """The ``r:id`` of a sheet, whatever prefix its namespace has."""
    ids = (v for k, v in element.attrib.items() if k[:1] == "{" and _local(k) == "id")
    return next(ids, "")


def _relationships(
    archive: zipfile.ZipFile, part: str
) -> Iterator[tuple[str, str, str]]:
    """Each relationship of a ``.rels`` part: its id, type and target part."""
    if part not in archive.namelist():
        return
    base = dirname(dirname(part))
    for element in _parsed(archive, part).iter():
        if _local(element.tag) != "Relationship":
            continue
        target = element.get("Target", "")
        target = target[1:] if target.startswith("/") else normpath(join(base, target))
        yield element.get("Id", ""), element.get("Type", ""), target


def _parsed(archive: zipfile.ZipFile, part: str) -> ElementTree.Element:
    """A small XML part, parsed (expat refuses entity expansion bombs)."""
    if archive.getinfo(part).file_size > MAX_INDEX_BYTES:
        raise UnreadableFileError(
            "The workbook's list of sheets is far larger than any real workbook's; it "
            "may be damaged or malicious. Export the sheet as CSV instead."
        )
    try:
        return ElementTree.fromstring(archive.read(part))
    except ElementTree.ParseError as exc:
        raise UnreadableFileError(
            "The file is not a valid Excel .xlsx workbook. Save it again from Excel, "
            "or export it as CSV."
        ) from exc


def _local(tag: str) -> str:
    """An XML name without its namespace."""
    return tag.rsplit("}", 1)[-1]
