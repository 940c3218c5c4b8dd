"""Quoted fields with quotes inside that are not doubled, read as a spreadsheet would.

Spreadsheet programs export a formula such as ``=HYPERLINK("http://x","y")`` as
``"=HYPERLINK("http://x","y")"``: the quotes inside are not doubled as CSV wants, so a
strict reader ends the field early and shifts the columns after it (and a sniffer that
counts fields per line takes the header for a title line). Such lines are found with
one scan of the file and rewritten with the quotes doubled, so the reader sees the
field whole. Files without them cost that scan only when their first lines quote text.
"""

from __future__ import annotations

import csv
import io
import re
from bisect import bisect_right
from collections import Counter
from itertools import accumulate
from pathlib import Path

CHUNK_BYTES = 1 << 23


def _stray(delimiter: str) -> re.Pattern[bytes]:
    """A quote with neither a delimiter, a line end nor a quote on either side.

    Properly written CSV never has one inside a quoted field (quotes there come in
    pairs), so it marks a quote that is not doubled (or a quote in an unquoted field,
    which is harmless). The pattern starts with the quote so the search skips fast.
    """
    other = re.escape(delimiter.encode())
    return re.compile(b'"(?<=[^' + other + b'\r\n"]")[^' + other + b'\r\n"]')


def requote(source: Path | bytes, head: bytes, delimiter: str) -> tuple[bytes, int]:
    r"""The file with its stray quotes doubled, and how many lines were rewritten.

    Parameters
    ----------
    source
        The UTF-8 file, or its content.
    head
        The file's first bytes (to skip the scan when they quote no text at all).
    delimiter
        The field delimiter.

    Returns
    -------
    tuple[bytes, int]
        Empty bytes and 0 when no line needed it.

    Examples
    --------
    >>> requote(b'a,b\n1,"=HYPERLINK("http://x","y")"\n', b'"', ",")
    (b'a,b\n1,"=HYPERLINK(""http://x"",""y"")"\n', 1)

    """
    if b'"' not in head.replace(b'""', b""):
        return b"", 0
    stray = _stray(delimiter)
    if not _contains(source, stray):
        return b"", 0
    raw = source if isinstance(source, bytes) else source.read_bytes()
    text = raw.decode("utf-8", errors="surrogateescape").removeprefix("\ufeff")
    lines = text.split("\n")
    width = _usual_width(lines[:200], delimiter)
    rewritten = 0
    ends = list(accumulate(len(line) + 1 for line in lines))
    for index in sorted({bisect_right(ends, at) for at in _positions(text, delimiter)}):
        line = lines[index]
        body = line.removesuffix("\r")
        fields = lenient_fields(body, delimiter)
        strict = next(csv.reader([body], delimiter=delimiter), [])
        if fields is None or fields == strict:
            continue
        if width is not None and len(fields) != width:
            continue
        lines[index] = _written(fields, delimiter) + line[len(body) :]
        rewritten += 1
    if not rewritten:
        return b"", 0
    return "\n".join(lines).encode("utf-8", errors="surrogateescape"), rewritten


def _contains(source: Path | bytes, stray: re.Pattern[bytes]) -> bool:
    if isinstance(source, bytes):
        return stray.search(source) is not None
    with source.open("rb") as handle:
        tail = b""
        while chunk := handle.read(CHUNK_BYTES):
            if stray.search(tail + chunk):
                return True
            tail = chunk[-2:]
    return False


def _positions(text: str, delimiter: str) -> list[int]:
    other = re.escape(delimiter)
    stray = '"(?<=[^' + other + '\r\n"]")[^' + other + '\r\n"]'
    return [match.start() for match in re.finditer(stray, text)]


def _usual_width(lines: list[str], delimiter: str) -> int | None:
    widths = Counter(
        len(fields)
        for line in lines
        if line.strip()
        and (fields := lenient_fields(line.removesuffix("\r"), delimiter)) is not None
    )
    return widths.most_common(1)[0][0] if widths else None


def lenient_fields(line: str, delimiter: str) -> list[str] | None:
    """One line's fields, reading quotes inside a quoted field as a spreadsheet does.

    Inside a quoted field, ``""`` is one quote; any other quote is kept as it is,
    unless it is followed by the delimiter or the line's end and the quotes kept so
    far pair up (so ``"=F("a","b")"`` is one field). When no such quote ends the field,
    the first quote before a delimiter does. ``None`` when a quoted field does not end
    on this line (a value that spans lines).

    Examples
    --------
    >>> lenient_fields('1,"=HYPERLINK("http://x","y")",3', ",")
    ['1', '=HYPERLINK("http://x","y")', '3']
    >>> lenient_fields('"5" screen",2', ",")
    ['5" screen', '2']

    """
    fields: list[str] = []
    i, n = 0, len(line)
    while True:
        if i < n and line[i] == '"':
            end = _quoted_end(line, i, delimiter)
            if end is None:
                return None
            stop, value = end
            fields.append(value)
            i = stop + 1
        else:
            stop = line.find(delimiter, i)
            stop = n if stop < 0 else stop
            fields.append(line[i:stop])
            i = stop
        if i >= n:
            return fields
        i += len(delimiter)
        if i == n:
            fields.append("")
            return fields


def _quoted_end(line: str, start: int, delimiter: str) -> tuple[int, str] | None:
    """Where the quoted field at ``start`` ends (its closing quote) and its value."""
    value: list[str] = []
    kept, fallback = 0, None
    j, n = start + 1, len(line)
    while j < n:
        char = line[j]
        if char != '"':
            value.append(char)
            j += 1
            continue
        if line.startswith('""', j):
            value.append('"')
            j += 2
            continue
        closes = j + 1 == n or line.startswith(delimiter, j + 1)
        if closes and kept % 2 == 0:
            return j, "".join(value)
        if closes and fallback is None:
            fallback = (j, len(value))
        kept += 1
        value.append('"')
        j += 1
    if fallback is None:
        return None
    stop, size = fallback
    return stop, "".join(value[:size])


def _written(fields: list[str], delimiter: str) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="").writerow(fields)
    return buffer.getvalue()
