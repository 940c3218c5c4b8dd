"""The layout of a CSV file: its separator and decimal mark, as asked or as uploaded.

Spreadsheet programs read a CSV with the separator and decimal mark of the computer's
language settings: Excel in German or French expects ``;`` and a decimal comma, and
reads ``1.5`` as a date. So a download can be asked for in the layout the person's own
files use, and the one their upload used is offered. The upload's layout is read
again from its raw file, which is kept unchanged, so nothing more needs storing.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from dataclasses import dataclass
from urllib.parse import urlencode

from services import datasets, db, storage
from services.errors import InvalidInputError

# The names a request uses for each separator.
SEPARATORS = {",": ",", ";": ";", "tab": "\t"}
DECIMAL_MARKS = (".", ",")
TEXT_SUFFIXES = (".csv", ".tsv", ".txt")
HEAD_BYTES = 65536
_SNIFFED = (",", ";", "\t", "|")  # the delimiters the upload reads
# Numbers whose decimal mark cannot be mistaken: "1.234" and "1,234" could be either.
_DECIMAL_COMMA = re.compile(
    r"^[+-]?(\d{1,3}(\.\d{3})+,\d+|0,\d+|\d+,(\d{1,2}|\d{4,}))$"
)
_DECIMAL_POINT = re.compile(
    r"^[+-]?(\d{1,3}(,\d{3})+\.\d+|0\.\d+|\d+\.(\d{1,2}|\d{4,}))$"
)
_DECORATION = "€$£¥%\u00a0 "


@dataclass(frozen=True)
class CsvLayout:
    """A separator (``,``, ``;`` or a tab) and a decimal mark (``.`` or ``,``)."""

    separator: str = ","
    decimal: str = "."

    @property
    def plain(self) -> bool:
        """Whether this is the plain layout programs expect: ``,`` and ``.``."""
        return self == PLAIN

    @property
    def label(self) -> str:
        """What a download in this layout is, in words."""
        if self.plain:
            return "CSV"
        separator = "tabs" if self.separator == "\t" else self.separator
        mark = "comma" if self.decimal == "," else "point"
        return f"CSV for Excel with {separator} and decimal {mark}"

    @property
    def query(self) -> str:
        """The layout as a download's query string, e.g. ``sep=%3B&decimal=%2C``."""
        name = next(k for k, v in SEPARATORS.items() if v == self.separator)
        return urlencode({"sep": name, "decimal": self.decimal})


PLAIN = CsvLayout()


def csv_layout(sep: str | None = None, decimal: str | None = None) -> CsvLayout:
    """The layout a request asks for; plain ``,`` and ``.`` where it says nothing.

    Parameters
    ----------
    sep
        ``,``, ``;`` or ``tab``.
    decimal
        ``.`` or ``,``; it must differ from the separator.

    Raises
    ------
    InvalidInputError
        For another separator or decimal mark, or the two the same.

    Examples
    --------
    >>> csv_layout(";", ",").label
    'CSV for Excel with ; and decimal comma'

    """
    separator = SEPARATORS.get(sep if sep is not None else ",")
    if separator is None:
        raise InvalidInputError(
            f"sep must be “,”, “;” or “tab”, not “{sep}”.", code="invalid_request"
        )
    mark = decimal if decimal is not None else "."
    if mark not in DECIMAL_MARKS:
        raise InvalidInputError(
            f"decimal must be “.” or “,”, not “{decimal}”.", code="invalid_request"
        )
    if separator == mark:
        raise InvalidInputError(
            "sep and decimal must differ: with decimal “,” use sep “;” or “tab”.",
            code="invalid_request",
        )
    return CsvLayout(separator, mark)


def upload_layout(user_id: int, dataset_id: str) -> CsvLayout:
    """The layout of the file the dataset was uploaded as.

    Workbooks, Parquet and JSON files have no layout of their own: they get
    :data:`PLAIN`, as does a text file written with ``,`` and decimal points.

    Raises
    ------
    NotFoundError
        When the dataset is not the user's.

    """
    with db.session() as s:
        suffix = datasets.owned_dataset(s, user_id, dataset_id).raw_suffix
    if suffix not in TEXT_SUFFIXES:
        return PLAIN
    path = storage.raw_path(user_id, dataset_id, suffix)
    with path.open("rb") as handle:
        head = handle.read(HEAD_BYTES)
    lines = _text(head).splitlines()
    if path.stat().st_size > HEAD_BYTES:
        lines = lines[:-1]  # the last line of the head may be cut short
    return sniff_layout(lines)


def sniff_layout(lines: list[str]) -> CsvLayout:
    """The layout of the first lines of a delimited text file.

    The separator is the one that splits most lines into the same number of fields
    (as the upload reads it); the decimal mark is the one its numbers use, where
    one can tell (``1.234,5`` or ``0,5``, not ``1,234``). A ``;`` file without a
    telling number is taken to use a decimal comma, as the spreadsheets that write
    ``;`` do. A ``|`` file is offered ``,`` (or ``;`` with a decimal comma).

    Examples
    --------
    >>> sniff_layout(["day;sales", "01.01.2024;1.182,38"]).label
    'CSV for Excel with ; and decimal comma'
    >>> sniff_layout(["day,sales", "2024-01-01,1182.38"]).plain
    True

    """
    filled = [line for line in lines[:200] if line.strip()]
    rows: dict[str, list[list[str]]] = {
        candidate: [next(csv.reader([line], delimiter=candidate)) for line in filled]
        for candidate in _SNIFFED
    }
    delimiter, best = ",", (0.0, 0)
    for candidate, split in rows.items():
        if not split:
            continue
        mode, seen = Counter(len(row) for row in split).most_common(1)[0]
        if mode >= 2 and (seen / len(split), mode) > best:
            delimiter, best = candidate, (seen / len(split), mode)
    fields = [cell.strip(_DECORATION) for row in rows[delimiter] for cell in row]
    commas = sum(1 for cell in fields if _DECIMAL_COMMA.match(cell))
    points = sum(1 for cell in fields if _DECIMAL_POINT.match(cell))
    comma = commas > points or (commas == points and delimiter == ";")
    if comma:
        return CsvLayout("\t" if delimiter == "\t" else ";", ",")
    return CsvLayout(delimiter if delimiter in (";", "\t") else ",", ".")


def _text(head: bytes) -> str:
    """The head of a text file as text; only the separators and digits matter."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head.decode("utf-16", errors="replace")
    if head[:4096].count(0) > len(head[:4096]) // 4:  # UTF-16 without a BOM
        little = head[1:4096:2].count(0) > head[0:4096:2].count(0)
        return head.decode("utf-16-le" if little else "utf-16-be", errors="replace")
    return head.decode("utf-8", errors="replace").removeprefix("\ufeff")
