"""Upload limits: rows, columns and cells in every format; workbooks measured first."""

from __future__ import annotations

import zipfile
from pathlib import Path

import polars as pl
import pytest

import config
from services.errors import FileTooLargeError, UnreadableFileError
from services.ingest import read_table
from services.parse_process import parse_upload
from services.upload_limits import (
    UploadLimits,
    check_sheet_extent,
    check_table_size,
    check_workbook_parts,
)
from tests.services.hostile_workbooks import (
    padded_bomb,
    sheet_xml,
    whole_sheet_workbook,
    write_workbook,
)

SMALL = UploadLimits(
    max_rows=5,
    max_columns=3,
    max_cells=10,
    parse_time_limit_s=120,
    parse_memory_limit_mb=2048,
)


def test_the_defaults_come_from_the_settings() -> None:
    limits = UploadLimits.from_settings()
    assert limits.max_rows == config.settings.MAX_ROWS == 10_000_000
    assert limits.max_columns == config.settings.MAX_COLUMNS == 20_000
    assert limits.max_cells == config.settings.MAX_CELLS == 20_000_000
    assert limits.parse_time_limit_s > 0 and limits.parse_memory_limit_mb > 0


def test_a_workbook_spanning_the_whole_sheet_is_refused_before_it_is_read(
    tmp_path: Path,
) -> None:
    path = whole_sheet_workbook(tmp_path / "two_cells.xlsx")
    assert path.stat().st_size < 2_000
    # In a child process: were the check to fail, the reader's abort stays there.
    with pytest.raises(FileTooLargeError) as refused:
        parse_upload(path, ".xlsx", None, tmp_path / "out.parquet")
    message = refused.value.message
    assert "1,048,576 rows × 16,384 columns" in message and "MAX_CELLS" in message
    assert not (tmp_path / "out.parquet").exists()


@pytest.mark.parametrize(
    "dimension",
    ["A1:ZZ100000", None, "A1:B2"],
    ids=["declared", "undeclared", "understated"],
)
def test_a_sparse_sheet_is_measured_by_its_last_cell(
    tmp_path: Path, dimension: str | None
) -> None:
    # A1 and ZZ100000: 2 cells, but the reader's grid would hold 70 million.
    sheet = sheet_xml({"A1": "1", "ZZ100000": "2"}, dimension=dimension)
    path = write_workbook(tmp_path / "sparse.xlsx", sheet)
    with zipfile.ZipFile(path) as archive, pytest.raises(FileTooLargeError) as refused:
        check_sheet_extent(archive, "Data", UploadLimits.from_settings())
    assert "100,000 rows × 702 columns" in refused.value.message
    assert "“Data”" in refused.value.message


def test_sheets_with_a_namespace_prefix_are_measured_too(tmp_path: Path) -> None:
    sheet = sheet_xml({"A1": "1", "D1": "2", "A9": "3"}, prefix="x:")
    path = write_workbook(tmp_path / "prefixed.xlsx", sheet)
    with zipfile.ZipFile(path) as archive, pytest.raises(FileTooLargeError) as refused:
        check_sheet_extent(archive, "Data", SMALL)
    assert "4 columns" in refused.value.message


def test_a_zip_bomb_padded_with_random_bytes_is_refused(tmp_path: Path) -> None:
    path = padded_bomb(tmp_path / "padded.xlsx")
    with zipfile.ZipFile(path) as archive:
        infos = archive.infolist()
        inflated = sum(i.file_size for i in infos)
        packed = sum(i.compress_size for i in infos)
        sheet = archive.getinfo("xl/worksheets/sheet1.xml")
    assert inflated < 200 * packed  # the archive as a whole looks harmless
    assert sheet.file_size > 200 * sheet.compress_size  # its sheet does not
    with pytest.raises(UnreadableFileError, match="malicious"):
        read_table(path, ".xlsx")
    with zipfile.ZipFile(path) as archive, pytest.raises(UnreadableFileError):
        check_workbook_parts(archive)


def test_a_small_workbook_with_random_padding_is_still_read(tmp_path: Path) -> None:
    cells = {f"{c}{r}": str(r) for c in "AB" for r in range(1, 5)}
    stored = {"xl/media/image1.bin": bytes(range(256)) * 4000}
    path = write_workbook(tmp_path / "fine.xlsx", sheet_xml(cells), stored=stored)
    assert read_table(path, ".xlsx").frame.shape == (4, 2)  # numbers: no header


@pytest.mark.parametrize(
    "rows,columns,setting",
    [(3, 4, "MAX_COLUMNS"), (6, 2, "MAX_ROWS"), (4, 3, "MAX_CELLS")],
)
def test_caps_on_a_csv(tmp_path: Path, rows: int, columns: int, setting: str) -> None:
    path = tmp_path / "table.csv"
    header = ",".join(f"c{j}" for j in range(columns))
    body = "\n".join(",".join(str(i * j) for j in range(columns)) for i in range(rows))
    path.write_text(f"{header}\n{body}\n")
    with pytest.raises(FileTooLargeError, match=setting) as refused:
        read_table(path, ".csv", limits=SMALL)
    assert "ask your administrator" in refused.value.message
    assert read_table(path, ".csv").frame.shape == (rows, columns)  # the defaults


@pytest.mark.parametrize(
    "rows,columns,setting",
    [(3, 4, "MAX_COLUMNS"), (6, 2, "MAX_ROWS"), (4, 3, "MAX_CELLS")],
)
def test_caps_on_a_workbook_and_parquet(
    tmp_path: Path, rows: int, columns: int, setting: str
) -> None:
    frame = pl.DataFrame(
        {f"c{j}": [i * j for i in range(rows)] for j in range(columns)}
    )
    frame.write_excel(tmp_path / "table.xlsx")
    frame.write_parquet(tmp_path / "table.parquet")
    for suffix in (".xlsx", ".parquet"):
        with pytest.raises(FileTooLargeError, match=setting):
            read_table(tmp_path / f"table{suffix}", suffix, limits=SMALL)
        assert read_table(tmp_path / f"table{suffix}", suffix).frame.height == rows


def test_the_message_names_the_limit_and_its_setting() -> None:
    with pytest.raises(FileTooLargeError) as refused:
        check_table_size(7, 2, SMALL)
    assert refused.value.message.startswith(
        "The table has 7 rows; Forecast Studio reads at most 5 (the MAX_ROWS setting)."
    )
    check_table_size(5, 2, SMALL)  # at the limit is fine
