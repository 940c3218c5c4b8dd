"""Versions: recipes make new versions, parents stay byte for byte, lineage, restore."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services import datasets, storage, versions
from services.errors import InvalidInputError, NotFoundError
from tests.conftest import SAMPLES, TEST_DATA, make_dataset

STEPS = [
    {"op": "regularize", "fill": "linear"},
    {"op": "outliers", "column": "sales", "method": "iqr", "action": "clip"},
]


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_recipe_makes_a_current_version_and_restoring_works(
    make_account: Any, tmp_path: Path
) -> None:
    owner = make_account().id
    info = make_dataset(owner, TEST_DATA / "messy" / "gaps.csv", tmp_path)
    parent_file = storage.version_path(owner, info.id, info.version_id)
    before = _sha(parent_file)
    made = versions.create_version(owner, info.id, None, STEPS)
    assert made.parent == info.version_id and made.is_current
    assert made.changes[0]["rows_added"] > 0 and made.rows > info.profile.rows
    assert _sha(parent_file) == before  # the parent is untouched, byte for byte
    lineage = versions.list_versions(owner, info.id)
    assert [v.id for v in lineage] == [info.version_id, made.id]
    compared = versions.compare(owner, info.id, info.version_id, made.id, "sales")
    assert compared.counts["filled"] == made.changes[0]["rows_added"]
    restored = versions.make_current(owner, info.id, info.version_id)
    assert restored.version_id == info.version_id
    assert datasets.get_dataset(owner, info.id).profile.rows == info.profile.rows


@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    st.sampled_from(["linear", "seasonal", "mean"]),
    st.sampled_from(["iqr", "hampel", "stl"]),
    st.sampled_from(["clip", "flag"]),
)
def test_replaying_a_recipe_gives_the_same_content(
    make_account: Any, tmp_path: Path, fill: str, method: str, action: str
) -> None:
    owner = make_account().id
    steps = [
        {"op": "regularize", "fill": fill},
        {"op": "outliers", "column": "sales", "method": method, "action": action},
    ]
    first = make_dataset(owner, TEST_DATA / "messy" / "gaps.csv", tmp_path)
    second = make_dataset(owner, TEST_DATA / "messy" / "gaps.csv", tmp_path)
    a = versions.create_version(owner, first.id, None, steps)
    b = versions.create_version(owner, second.id, None, steps)
    assert a.hash == b.hash


def test_outliers_are_found_without_changing_anything(
    make_account: Any, tmp_path: Path
) -> None:
    owner = make_account().id
    info = make_dataset(owner, SAMPLES / "victoria_electricity_daily.csv", tmp_path)
    found = versions.find_outliers(owner, info.id, "demand_gwh", "hampel")
    assert 0 < found.height < 60
    assert versions.list_versions(owner, info.id)[-1].id == info.version_id


def test_bad_recipes_and_strangers(make_account: Any, tmp_path: Path) -> None:
    owner, stranger = make_account().id, make_account().id
    info = make_dataset(owner, SAMPLES / "air_passengers.csv", tmp_path)
    with pytest.raises(InvalidInputError, match="Step 1"):
        versions.create_version(
            owner, info.id, None, [{"op": "impute", "column": "nope"}]
        )
    with pytest.raises(InvalidInputError):
        versions.create_version(owner, info.id, None, [])
    with pytest.raises(NotFoundError):
        versions.create_version(stranger, info.id, None, STEPS)
    with pytest.raises(NotFoundError):
        versions.make_current(owner, info.id, "0" * 32)


def test_deleting_a_dataset_removes_its_files(
    make_account: Any, tmp_path: Path
) -> None:
    owner = make_account().id
    info = make_dataset(owner, SAMPLES / "air_passengers.csv", tmp_path)
    folder = storage.dataset_dir(owner, info.id)
    versions.delete_dataset(owner, info.id)
    assert not any(folder.iterdir()) if folder.exists() else True
    with pytest.raises(NotFoundError):
        datasets.get_dataset(owner, info.id)


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    st.sampled_from(["ffill", "linear", "mean", "seasonal", "rolling_median"]),
    st.sampled_from(["iqr", "zscore", "hampel"]),
    st.sampled_from(["flag", "clip", "interpolate"]),
)
def test_a_recipe_never_changes_its_parent(
    make_account: Any, tmp_path: Path, fill: str, method: str, action: str
) -> None:
    owner = make_account().id
    info = make_dataset(owner, TEST_DATA / "messy" / "gaps.csv", tmp_path)
    parent_file = storage.version_path(owner, info.id, info.version_id)
    before = _sha(parent_file)
    versions.create_version(
        owner,
        info.id,
        None,
        [
            {"op": "regularize", "fill": fill},
            {"op": "outliers", "column": "sales", "method": method, "action": action},
        ],
    )
    assert _sha(parent_file) == before


def test_an_earlier_recipe_can_be_replayed_on_a_new_upload(
    make_account: Any, tmp_path: Path
) -> None:
    owner = make_account().id
    january = make_dataset(owner, TEST_DATA / "messy" / "gaps.csv", tmp_path)
    versions.create_version(owner, january.id, None, STEPS)
    label, steps = versions.earlier_recipes(owner)[0]
    assert "gaps.csv" in label and [s["op"] for s in steps] == [
        "regularize",
        "outliers",
    ]
    february = make_dataset(owner, TEST_DATA / "messy" / "gaps.csv", tmp_path)
    replayed = versions.create_version(owner, february.id, None, steps)
    assert replayed.changes[0]["rows_added"] > 0


def test_choices_that_a_recipe_renames_away_fall_back_to_what_is_recognised(
    make_account: Any, tmp_path: Path
) -> None:
    owner = make_account().id
    info = make_dataset(owner, TEST_DATA / "messy" / "gaps.csv", tmp_path)
    datasets.update_columns(owner, info.id, {"time_column": "date", "target": "sales"})
    made = versions.create_version(
        owner,
        info.id,
        None,
        [
            {"op": "rename", "column": "date", "to": "day"},
            {"op": "rename", "column": "sales", "to": "revenue"},
        ],
    )
    current = datasets.get_dataset(owner, info.id).profile
    assert made.is_current and current.time_column == "day"
    assert current.target == "revenue"
