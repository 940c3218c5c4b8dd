"""Small hostile .xlsx files, written by hand, for the upload-limit tests."""

from __future__ import annotations

import os
import re
import zipfile
from pathlib import Path

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE = "http://schemas.openxmlformats.org/package/2006/relationships"


def sheet_xml(
    cells: dict[str, str], dimension: str | None = None, prefix: str = ""
) -> bytes:
    """A sheet's XML holding number ``cells`` (reference → value) in row order."""
    rows: dict[int, list[str]] = {}
    for reference, value in cells.items():
        row = int(re.sub("[A-Z]", "", reference))
        rows.setdefault(row, []).append(
            f'<{prefix}c r="{reference}"><{prefix}v>{value}</{prefix}v></{prefix}c>'
        )
    space = f"xmlns:{prefix[:-1]}" if prefix else "xmlns"
    body = "".join(
        f'<{prefix}row r="{row}">{"".join(cells)}</{prefix}row>'
        for row, cells in sorted(rows.items())
    )
    declared = f'<{prefix}dimension ref="{dimension}"/>' if dimension else ""
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<{prefix}worksheet {space}="{MAIN}">{declared}'
        f"<{prefix}sheetData>{body}</{prefix}sheetData></{prefix}worksheet>"
    ).encode()


def write_workbook(
    path: Path,
    sheet: bytes,
    name: str = "Data",
    stored: dict[str, bytes] | None = None,
) -> Path:
    """A one-sheet workbook; ``stored`` parts are added without compression."""
    parts = {
        "[Content_Types].xml": (
            b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.'
            b'openxmlformats.org/package/2006/content-types"><Default Extension="rels" '
            b'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            b'<Default Extension="xml" ContentType="application/xml"/><Override '
            b'PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
            b'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/'
            b'worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
            b'officedocument.spreadsheetml.worksheet+xml"/></Types>'
        ),
        "_rels/.rels": (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PACKAGE}">'
            f'<Relationship Id="rId1" Type="{RELATIONS}/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>'
        ).encode(),
        "xl/workbook.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" '
            f'xmlns:r="{RELATIONS}"><sheets><sheet name="{name}" sheetId="1" '
            'r:id="rId1"/></sheets></workbook>'
        ).encode(),
        "xl/_rels/workbook.xml.rels": (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PACKAGE}">'
            f'<Relationship Id="rId1" Type="{RELATIONS}/worksheet" '
            'Target="worksheets/sheet1.xml"/></Relationships>'
        ).encode(),
        "xl/worksheets/sheet1.xml": sheet,
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for part, content in parts.items():
            archive.writestr(part, content)
        for part, content in (stored or {}).items():
            archive.writestr(part, content, compress_type=zipfile.ZIP_STORED)
    return path


def whole_sheet_workbook(path: Path) -> Path:
    """Two cells, A1 and XFD1048576: a grid of 17 billion cells to a naive reader."""
    return write_workbook(
        path,
        sheet_xml({"A1": "1", "XFD1048576": "2"}, dimension="A1:XFD1048576"),
    )


def padded_bomb(path: Path, inflated: int = 12_000_000) -> Path:
    """A table whose sheet inflates hundreds of times, padded with random bytes.

    The random part is stored as it is, so the archive as a whole inflates far less
    than 200 times: only a check of each part finds the bomb.
    """
    head = sheet_xml(
        {"A1": "1", "B1": "2", "A2": "3", "B2": "4", "A3": "5", "B3": "6"}
    ).decode()
    filler = "<!--" + "x" * inflated + "-->"
    sheet = head.replace("<sheetData>", filler + "<sheetData>").encode()
    return write_workbook(
        path, sheet, stored={"xl/media/image1.bin": os.urandom(200_000)}
    )
