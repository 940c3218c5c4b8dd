"""Datasets: stored once, column choices saved and applied, sheets, previews, charts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from services import datasets, preview, storage
from services.errors import FileTooLargeError, InvalidInputError, NotFoundError
from tests.conftest import SAMPLES, TEST_DATA, make_dataset
from tests.services.hostile_workbooks import whole_sheet_workbook

MESSY = TEST_DATA / "messy"


def test_the_raw_upload_is_kept_unchanged(make_account: Any, tmp_path: Path) -> None:
    owner = make_account().id
    info = make_dataset(owner, MESSY / "european_latin1_report.csv", tmp_path)
    raw = storage.raw_path(owner, info.id, ".csv")
    assert raw.read_bytes() == (MESSY / "european_latin1_report.csv").read_bytes()
    assert info.version_number == 1 and info.profile.rows == 60


def test_a_refused_upload_leaves_nothing_behind(
    make_account: Any, tmp_path: Path
) -> None:
    owner = make_account().id
    staged_before = set(storage.uploads_tmp_dir().iterdir())
    path = whole_sheet_workbook(tmp_path / "two_cells.xlsx")
    with pytest.raises(FileTooLargeError, match="MAX_CELLS"):
        datasets.create_dataset(owner, "two_cells.xlsx", path)
    assert datasets.list_datasets(owner) == []
    assert not (storage.user_dir(owner) / "datasets").exists()
    assert set(storage.uploads_tmp_dir().iterdir()) == staged_before
    assert path.exists()  # the upload's own file is its receiver's to remove


def test_column_choices_are_saved_and_used(make_account: Any, tmp_path: Path) -> None:
    owner = make_account().id
    info = make_dataset(owner, SAMPLES / "australian_accommodation.csv", tmp_path)
    assert info.profile.target == "takings_m_aud"
    saved = datasets.update_columns(
        owner, info.id, {"target": "occupancy_pct", "roles": {"cpi": "text"}}
    )
    assert saved.profile.target == "occupancy_pct"
    assert "cpi" not in saved.profile.target_candidates
    again = datasets.get_dataset(owner, info.id)
    assert again.columns_config.roles == {"cpi": "text"}
    assert again.profile.target == "occupancy_pct"
    single = datasets.update_columns(
        owner, info.id, {"series_id_columns": [], "roles": {"cpi": "numeric"}}
    )
    assert single.columns_config.roles == {}  # back to what was recognised
    assert any("duplicate" in i.message for i in single.profile.issues)


@pytest.mark.parametrize(
    "changes,message",
    [
        ({"time_column": "state"}, "dates"),
        ({"roles": {"state": "numeric"}}, "numbers"),
        ({"target": "nowhere"}, "no column"),
        ({"roles": {"quarter": "sparkly"}}, "role"),
    ],
)
def test_impossible_choices_are_refused(
    make_account: Any, tmp_path: Path, changes: dict[str, Any], message: str
) -> None:
    owner = make_account().id
    info = make_dataset(owner, SAMPLES / "australian_accommodation.csv", tmp_path)
    with pytest.raises((InvalidInputError, ValueError), match=message):
        datasets.update_columns(owner, info.id, changes)


def test_another_sheet_becomes_a_new_version(make_account: Any, tmp_path: Path) -> None:
    owner = make_account().id
    info = make_dataset(owner, MESSY / "xlsx_sheet_choice.xlsx", tmp_path)
    assert len(info.profile.sheets) >= 2
    other = next(s for s in info.profile.sheets if s != info.profile.sheet)
    moved = datasets.read_sheet(owner, info.id, other)
    assert moved.version_number == 2 and moved.profile.sheet == other
    assert (
        datasets.open_version(owner, info.id, info.version_id).height
        == info.profile.rows
    )  # the first version is untouched


def test_pages_of_rows_head_tail_sample_and_filters(
    make_account: Any, tmp_path: Path
) -> None:
    owner = make_account().id
    info = make_dataset(owner, SAMPLES / "air_passengers.csv", tmp_path)
    head = preview.rows_page(owner, info.id, "head", 5, 10)
    assert head.total_rows == 144 and head.rows["month"][0] == dt.date(1949, 11, 1)
    tail = preview.rows_page(owner, info.id, "tail", 3)
    assert tail.rows["month"].to_list()[-1] == dt.date(1960, 12, 1)
    first = preview.rows_page(owner, info.id, "sample", 10).rows
    assert first.equals(preview.rows_page(owner, info.id, "sample", 10).rows)  # seeded
    filtered = preview.rows_page(owner, info.id, "head", 50, filters={"month": "1955-"})
    assert filtered.matched_rows == 12
    with pytest.raises(InvalidInputError):
        preview.rows_page(owner, info.id, "head", 5000)
    with pytest.raises(NotFoundError):
        preview.rows_page(make_account().id, info.id)


def test_a_page_shows_at_most_a_hundred_columns(
    make_account: Any, tmp_path: Path
) -> None:
    owner = make_account().id
    path = tmp_path / "wide.parquet"
    pl.DataFrame(
        {"day": [dt.date(2024, 1, d) for d in range(1, 4)]}
        | {f"c{i}": [i, i + 1, i + 2] for i in range(249)}
    ).write_parquet(path)
    info = datasets.create_dataset(owner, "wide.parquet", path)
    first = preview.rows_page(owner, info.id, "head", 2)
    assert first.total_columns == 250 and first.rows.columns[-1] == "c98"
    last = preview.rows_page(owner, info.id, "tail", 1, column_offset=200)
    assert last.rows.columns == [f"c{i}" for i in range(199, 249)]
    assert last.rows.row(0) == tuple(i + 2 for i in range(199, 249))
    past = preview.rows_page(owner, info.id, "sample", 1, column_offset=300)
    assert past.rows.width == 0 and past.total_columns == 250
    with pytest.raises(InvalidInputError, match="offset"):
        preview.rows_page(owner, info.id, "head", 1, offset=10**22)


def test_long_series_are_thinned_for_the_chart(
    make_account: Any, tmp_path: Path
) -> None:
    owner = make_account().id
    times = pl.datetime_range(
        dt.datetime(2024, 1, 1),
        dt.datetime(2024, 1, 1) + dt.timedelta(minutes=49_999),
        "1m",
        eager=True,
    )
    values = [float(i % 997) for i in range(50_000)]
    values[12_345] = 10_000.0  # a spike that must survive thinning
    path = tmp_path / "minutes.parquet"
    pl.DataFrame({"time": times, "load": values}).write_parquet(path)
    info = datasets.create_dataset(owner, "minutes.parquet", path)
    chart = preview.target_for_chart(owner, info.id, max_points=2000)
    assert chart is not None and chart.note and "thinned" in chart.note
    assert chart.points.height <= 2000
    assert chart.points["value"].max() == 10_000.0
