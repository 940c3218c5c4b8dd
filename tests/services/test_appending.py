"""New data for a dataset: append with revisions, replace, the recipe replayed."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from services import datasets, db, storage, versions
from services.appending import add_data
from services.cleaning import apply_recipe, parse_recipe
from services.errors import InvalidInputError, NotFoundError
from tests.conftest import TEST_DATA

GAPS = (TEST_DATA / "messy" / "gaps.csv").read_text().splitlines()
STORES = (TEST_DATA / "month_end_stores.csv").read_text().splitlines()
STEPS = [
    {"op": "regularize", "fill": "linear"},
    {"op": "outliers", "column": "sales", "method": "iqr", "action": "clip"},
]


def _file(folder: Path, name: str, lines: list[str]) -> Path:
    path = folder / name
    path.write_text("\n".join(lines) + "\n")
    return path


def _dataset(owner: int, folder: Path, lines: list[str]) -> datasets.DatasetInfo:
    source = _file(folder, "history.csv", lines)
    return datasets.create_dataset(owner, source.name, source)


def _files(owner: int, dataset_id: str) -> set[str]:
    return {p.name for p in storage.dataset_dir(owner, dataset_id).iterdir()}


def test_append_adds_revises_and_replays_the_recipe(
    make_account: Any, tmp_path: Path
) -> None:
    owner = make_account().id
    info = _dataset(owner, tmp_path, GAPS[:61])  # header + 60 rows, to 2024-03-03
    cleaned = versions.create_version(owner, info.id, None, STEPS)
    # The next export repeats the last ten days, two of them revised, one unchanged
    # value written differently, and brings the rest of March.
    newer = GAPS[51:]
    newer[1] = "2024-02-24,150"  # was 122
    newer[3] = "2024-02-26,10"  # was 84
    newer[4] += ".0"  # 2024-02-27: 76.0 is still 76
    source = _file(tmp_path, "march.csv", [GAPS[0], *newer])
    sent = source.read_bytes()

    added = add_data(owner, info.id, "march.csv", source)

    assert (added.rows_added, added.values_revised) == (85 - 60, 2)
    assert added.rows_removed is None and added.recipe_replayed
    raw = datasets.open_version(owner, info.id, added.raw_version_id)
    expected = pl.read_csv(_file(tmp_path, "all.csv", [GAPS[0], *GAPS[1:51], *newer]))
    assert raw["date"].cast(pl.String).to_list() == expected["date"].to_list()
    assert raw["sales"].to_list() == expected["sales"].to_list()
    # The replayed version is the recipe applied to the grown raw data by hand.
    current = datasets.open_version(owner, info.id)
    dataset = datasets.get_dataset(owner, info.id)
    assert dataset.version_id == added.version_id != added.raw_version_id
    layout = versions.layout_of(_row(owner, info.id), raw)
    by_hand, changes = apply_recipe(raw, parse_recipe(STEPS), layout)
    assert_frame_equal(current, by_hand)
    assert added.changes == [dataclasses.asdict(c) for c in changes]
    assert added.profile.end == current["date"].max().isoformat()  # type: ignore[union-attr]
    # Every earlier version stays; the new ones hang off the raw version.
    lineage = {v.id: v for v in versions.list_versions(owner, info.id)}
    assert set(lineage) == {
        info.version_id,
        cleaned.id,
        added.raw_version_id,
        added.version_id,
    }
    assert lineage[added.raw_version_id].parent == info.version_id
    assert lineage[added.version_id].parent == added.raw_version_id
    assert lineage[added.raw_version_id].recipe[0]["op"] == "append"
    assert (
        "25 new rows, 2 revised"
        in lineage[added.raw_version_id].changes[0]["description"]
    )
    # The file is kept as it was sent, next to the first upload.
    kept = storage.added_raw_path(owner, info.id, added.raw_version_id, ".csv")
    assert kept.read_bytes() == sent and not source.exists()
    # Adding is no cleaning recipe to offer for other uploads.
    offered = [recipe for _label, recipe in versions.earlier_recipes(owner)]
    assert all(recipe[0]["op"] in {"regularize", "outliers"} for recipe in offered)


def _row(owner: int, dataset_id: str) -> Any:
    with db.session() as s:
        return datasets.owned_dataset(s, owner, dataset_id)


def test_a_second_append_grows_the_grown_data_and_replays_again(
    make_account: Any, tmp_path: Path
) -> None:
    owner = make_account().id
    info = _dataset(owner, tmp_path, GAPS[:41])
    versions.create_version(owner, info.id, None, STEPS)
    first = add_data(
        owner, info.id, "a.csv", _file(tmp_path, "a.csv", GAPS[:1] + GAPS[41:61])
    )
    second = add_data(
        owner, info.id, "b.csv", _file(tmp_path, "b.csv", GAPS[:1] + GAPS[61:])
    )
    assert first.rows_added == 20 and second.rows_added == 85 - 60
    assert second.recipe_replayed and second.values_revised == 0
    raw = datasets.open_version(owner, info.id, second.raw_version_id)
    assert raw.height == 85
    lineage = {v.id: v for v in versions.list_versions(owner, info.id)}
    assert lineage[second.raw_version_id].parent == first.raw_version_id


def test_replace_makes_the_file_the_whole_history(
    make_account: Any, tmp_path: Path
) -> None:
    owner = make_account().id
    info = _dataset(owner, tmp_path, GAPS[:61])
    newer = [GAPS[0], *GAPS[31:]]
    newer[-1] = newer[-1].split(",")[0] + ","  # the last day's value went missing
    added = add_data(
        owner, info.id, "all.csv", _file(tmp_path, "all.csv", newer), mode="replace"
    )
    assert added.rows_removed == 30 and added.rows_added == 25
    assert added.values_revised == 0  # the last day was not in the dataset before
    assert not added.recipe_replayed and added.version_id == added.raw_version_id
    current = datasets.open_version(owner, info.id)
    assert current.height == 85 - 30
    assert current["sales"][-1] is None
    assert datasets.open_version(owner, info.id, info.version_id).height == 60


def test_a_dataset_without_a_recipe_gets_the_grown_data_as_current(
    make_account: Any, tmp_path: Path
) -> None:
    owner = make_account().id
    info = _dataset(owner, tmp_path, GAPS[:61])
    added = add_data(
        owner, info.id, "b.csv", _file(tmp_path, "b.csv", GAPS[:1] + GAPS[61:])
    )
    assert not added.recipe_replayed and added.changes == []
    assert datasets.get_dataset(owner, info.id).version_id == added.raw_version_id
    assert added.profile.rows == 85 and added.profile.time_column == "date"


def test_other_columns_are_refused_and_nothing_is_stored(
    make_account: Any, tmp_path: Path
) -> None:
    owner = make_account().id
    info = _dataset(owner, tmp_path, GAPS[:61])
    versions.create_version(owner, info.id, None, STEPS)
    before = (_files(owner, info.id), len(versions.list_versions(owner, info.id)))
    scratch = set(storage.uploads_tmp_dir().iterdir())
    renamed = ["day,sales,store", *[line + ",1" for line in GAPS[61:]]]
    with pytest.raises(InvalidInputError) as refused:
        add_data(owner, info.id, "b.csv", _file(tmp_path, "b.csv", renamed))
    assert refused.value.code == "columns_mismatch"
    assert "“date”" in refused.value.message and "“day” and “store”" in (
        refused.value.message
    )
    text = [GAPS[0], "2024-03-30,high", "2024-03-31,low"]
    with pytest.raises(InvalidInputError) as typed:
        add_data(owner, info.id, "c.csv", _file(tmp_path, "c.csv", text))
    assert typed.value.code == "column_types_mismatch"
    assert "“sales” holds text" in typed.value.message
    after = (_files(owner, info.id), len(versions.list_versions(owner, info.id)))
    assert after == before
    assert set(storage.uploads_tmp_dir().iterdir()) == scratch


def test_a_stranger_an_unknown_mode_and_a_broken_recipe(
    make_account: Any, tmp_path: Path
) -> None:
    owner, stranger = make_account().id, make_account().id
    info = _dataset(owner, tmp_path, GAPS[:61])
    source = _file(tmp_path, "b.csv", GAPS[:1] + GAPS[61:])
    with pytest.raises(NotFoundError):
        add_data(stranger, info.id, "b.csv", source)
    with pytest.raises(InvalidInputError) as mode:
        add_data(owner, info.id, "b.csv", source, mode="merge")
    assert mode.value.code == "invalid_mode" and "“replace”" in mode.value.message
    # A recipe that fits the old rows but not the new ones: nothing is added.
    versions.create_version(
        owner, info.id, None, [{"op": "impute", "column": "sales", "method": "drop"}]
    )
    count = len(versions.list_versions(owner, info.id))
    empty = [GAPS[0], *[line.split(",")[0] + "," for line in GAPS[1:]]]
    with pytest.raises(InvalidInputError) as failed:
        add_data(owner, info.id, "c.csv", _file(tmp_path, "c.csv", empty))
    assert failed.value.code == "recipe_failed" and "Step 1" in failed.value.message
    assert len(versions.list_versions(owner, info.id)) == count


def test_month_end_sales_of_several_stores(make_account: Any, tmp_path: Path) -> None:
    owner = make_account().id
    header, rows = STORES[0], STORES[1:]
    old = [
        line
        for line in rows
        if not line.startswith(
            (
                "31.07.2023",
                "31.08.2023",
                "30.09.2023",
                "31.10.2023",
                "30.11.2023",
                "31.12.2023",
            )
        )
    ]
    source = _file(tmp_path, "stores.csv", [header, *old])
    info = datasets.create_dataset(owner, "stores.csv", source)
    assert info.profile.series_id_columns == ["Filiale"]
    # The new export: the second half of 2023 of every store, and June of store 2
    # revised (its thousands separator and decimal comma as the first file's).
    june = next(line for line in rows if line.startswith("30.06.2023;2;"))
    newer = [line for line in rows if line not in old]
    source = _file(tmp_path, "h2.csv", [header, "30.06.2023;2;1.000,50", *newer])
    added = add_data(owner, info.id, "h2.csv", source)
    assert (added.rows_added, added.values_revised) == (3 * 6, 1)
    assert added.profile.frequency is not None
    assert added.profile.frequency.anchor is not None
    assert added.profile.frequency.anchor.code == "month_end"
    assert added.profile.series_count == 3
    grown = datasets.open_version(owner, info.id)
    assert grown.height == 3 * 36
    assert grown.filter(
        pl.col("Datum") == pl.date(2023, 6, 30), pl.col("Filiale") == 2
    )["Umsatz"].to_list() == [1000.5]
    assert june != "30.06.2023;2;1.000,50"
    # The first file's order (store by store, then by month) is kept.
    assert grown["Filiale"].is_sorted() and grown.equals(
        grown.sort("Filiale", "Datum", maintain_order=True)
    )


def test_a_failure_while_storing_leaves_nothing_behind(
    make_account: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    owner = make_account().id
    info = _dataset(owner, tmp_path, GAPS[:61])
    cleaned = versions.create_version(owner, info.id, None, STEPS)
    before = (_files(owner, info.id), len(versions.list_versions(owner, info.id)))
    source = _file(tmp_path, "b.csv", GAPS[:1] + GAPS[61:])

    def full_disk(*_args: Any) -> None:
        raise OSError(28, "No space left on device")

    # The file is kept last, after both versions were written: they go again.
    monkeypatch.setattr("services.appending.shutil.move", full_disk)
    with pytest.raises(OSError):
        add_data(owner, info.id, "b.csv", source)
    after = (_files(owner, info.id), len(versions.list_versions(owner, info.id)))
    assert after == before and source.exists()
    assert datasets.get_dataset(owner, info.id).version_id == cleaned.id


def test_progress_is_told_in_order_up_to_done(
    make_account: Any, tmp_path: Path
) -> None:
    owner = make_account().id
    info = _dataset(owner, tmp_path, GAPS[:61])
    versions.create_version(owner, info.id, None, STEPS)
    told: list[tuple[float, str]] = []
    source = _file(tmp_path, "b.csv", GAPS[:1] + GAPS[61:])
    add_data(owner, info.id, "b.csv", source, on_progress=lambda *p: told.append(p))
    shares = [share for share, _step in told]
    assert shares == sorted(shares) and told[-1] == (1.0, "Done")
    assert "Replaying the cleaning recipe" in [step for _share, step in told]
    assert any(step == "Reading the file" for _share, step in told)


def test_a_table_without_dates_cannot_be_matched(
    make_account: Any, tmp_path: Path
) -> None:
    owner = make_account().id
    lines = ["product,amount", *[f"p{i},{i * 3}" for i in range(20)]]
    info = _dataset(owner, tmp_path, lines)
    source = _file(tmp_path, "more.csv", ["product,amount", "p20,60"])
    with pytest.raises(InvalidInputError) as refused:
        add_data(owner, info.id, "more.csv", source)
    assert refused.value.code == "no_time_column"
    assert len(versions.list_versions(owner, info.id)) == 1
