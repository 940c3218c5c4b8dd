"""Reading uploads in a child process: the same table, and no way to take us down."""

from __future__ import annotations

import dataclasses
import multiprocessing
from pathlib import Path

import polars as pl
import pytest

from services.errors import FileTooLargeError, InvalidInputError
from services.ingest import read_table
from services.parse_process import parse_upload
from services.profiling import profile_table
from services.upload_limits import UploadLimits
from tests.conftest import SAMPLES, TEST_DATA
from tests.services.hostile_workbooks import whole_sheet_workbook


def test_the_child_writes_the_table_and_returns_its_profile(tmp_path: Path) -> None:
    out = tmp_path / "table.parquet"
    parsed = parse_upload(SAMPLES / "air_passengers.csv", ".csv", None, out)
    read = read_table(SAMPLES / "air_passengers.csv", ".csv")
    assert pl.read_parquet(out).equals(read.frame)
    assert parsed.profile == profile_table(read.frame, read.notes)
    assert (parsed.rows, parsed.missing) == (144, 0)
    assert parsed.peak_mb > 0 and parsed.cpu_seconds > 0  # what the child used


def test_a_refusal_keeps_its_kind_and_code(tmp_path: Path) -> None:
    out = tmp_path / "table.parquet"
    with pytest.raises(InvalidInputError) as refused:
        parse_upload(TEST_DATA / "store_units.xlsx", ".xlsx", "Nope", out)
    assert refused.value.code == "invalid_sheet" and "Nope" in refused.value.message
    assert not out.exists()


def test_a_reader_that_crashes_takes_only_its_child_down(tmp_path: Path) -> None:
    # With the cell limit lifted, the Excel reader asks for 512 GB and aborts.
    unlimited = dataclasses.replace(UploadLimits.from_settings(), max_cells=10**12)
    path = whole_sheet_workbook(tmp_path / "two_cells.xlsx")
    with pytest.raises(FileTooLargeError, match="PARSE_MEMORY_LIMIT_MB"):
        parse_upload(path, ".xlsx", None, tmp_path / "out.parquet", unlimited)
    assert not (tmp_path / "out.parquet").exists()
    parsed = parse_upload(
        SAMPLES / "air_passengers.csv", ".csv", None, tmp_path / "next.parquet"
    )
    assert parsed.rows == 144  # and we are still here to read the next one


def test_a_parse_over_its_memory_limit_is_stopped(tmp_path: Path) -> None:
    path = tmp_path / "days.csv"
    days = pl.date_range(pl.date(2000, 1, 1), pl.date(2099, 12, 31), eager=True)
    pl.DataFrame({"day": days, "value": range(days.len())}).write_csv(path)
    tight = dataclasses.replace(UploadLimits.from_settings(), parse_memory_limit_mb=1)
    with pytest.raises(FileTooLargeError, match="PARSE_MEMORY_LIMIT_MB") as refused:
        parse_upload(path, ".csv", None, tmp_path / "days.parquet", tight)
    assert "1 MB" in refused.value.message
    parsed = parse_upload(path, ".csv", None, tmp_path / "days.parquet")
    assert parsed.rows == days.len()  # within the default limit


def test_a_parse_over_its_time_budget_is_stopped(tmp_path: Path) -> None:
    hasty = dataclasses.replace(UploadLimits.from_settings(), parse_time_limit_s=0.001)
    out = tmp_path / "table.parquet"
    with pytest.raises(FileTooLargeError, match="PARSE_TIME_LIMIT_S") as refused:
        parse_upload(SAMPLES / "air_passengers.csv", ".csv", None, out, hasty)
    assert "0.001 seconds" in refused.value.message
    assert not out.exists()
    # stopped and reaped (the job runner's workers, started by earlier requests in
    # this test session, are not readers)
    children = multiprocessing.active_children()
    readers = [p for p in children if p.name == "upload-reader"]
    assert readers == []


def test_the_child_names_its_steps_as_it_gets_there(tmp_path: Path) -> None:
    steps: list[tuple[float, str]] = []
    out = tmp_path / "table.parquet"
    parse_upload(
        SAMPLES / "air_passengers.csv",
        ".csv",
        None,
        out,
        on_progress=lambda fraction, step: steps.append((fraction, step)),
    )
    words = [step.split()[0] for _, step in steps]
    assert words == ["Reading", "Recognising", "Saving"]
    assert [fraction for fraction, _ in steps] == sorted(f for f, _ in steps)
