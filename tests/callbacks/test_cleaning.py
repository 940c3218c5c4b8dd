"""Cleaning page callbacks: the outlier preview warns when it would treat too much;
the applied recipe stays shown, and a change to it remakes the version."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from dash import no_update

from tests.conftest import SAMPLES, TEST_DATA, make_dataset


def test_flagging_a_large_share_says_it_is_likely_a_pattern(
    make_account: Any, dash_app: Any, tmp_path: Path
) -> None:
    from callbacks import cleaning as page
    from services import versions

    account = make_account()
    source = SAMPLES / "victoria_electricity_daily.csv"
    info = make_dataset(account.id, source, tmp_path)
    rows = info.profile.rows
    eager, calm = (
        str(page.outliers_alert(versions.find_outliers(*where, "iqr", s), rows))
        for s in (0.5, 3.0)
        for where in [(account.id, info.id, "demand_gwh")]
    )
    assert "would be treated" in eager and "more likely a real pattern" in eager
    assert "more likely a real pattern" not in calm


def test_the_before_and_after_view_starts_on_a_series_the_change_touched(
    logged_in: Any, make_account: Any, dash_app: Any, tmp_path: Path
) -> None:
    from callbacks import versions as page
    from services import versions

    account = make_account()
    info = make_dataset(account.id, SAMPLES / "australian_accommodation.csv", tmp_path)
    step = {"op": "outliers", "column": "takings_m_aud", "action": "clip"}
    made = versions.create_version(account.id, info.id, None, [step])
    ref = {"dataset_id": info.id, "version_id": made.id}
    with logged_in(account):
        *_shown, names, series = page.compare(
            info.version_id, made.id, "takings_m_aud", None, ref
        )
    assert len(names) == 8 and series in names
    compared = versions.compare(
        account.id, info.id, info.version_id, made.id, "takings_m_aud"
    ).points
    touched = compared.filter(compared["change"].is_not_null())["series"].unique()
    assert 0 < touched.len() < 8 and series in touched.to_list()


def test_after_apply_the_recipe_stays_shown_and_a_change_remakes_the_version(
    logged_in: Any, make_account: Any, dash_app: Any, tmp_path: Path
) -> None:
    from callbacks import cleaning as page
    from callbacks import cleaning_applied as applied_page
    from services import versions

    account = make_account()
    info = make_dataset(account.id, TEST_DATA / "gaps_and_spike.csv", tmp_path)
    ref = {"dataset_id": info.id, "version_id": info.version_id}
    fill = {"op": "regularize", "fill": "linear"}
    with logged_in(account):
        # A version read from a file leaves the steps being prepared alone.
        assert applied_page.show_applied_recipe(ref) == (no_update, None)
        made_ref, alert = page.apply(1, [fill], ref, None)
        assert "Version 2 made" in str(alert)
        steps, applied = applied_page.show_applied_recipe(made_ref)
        assert [s["op"] for s in steps] == ["regularize"]
        assert applied["number"] == 2 and applied["parent_id"] == info.version_id
        shown, unchanged = applied_page.show_recipe(steps, applied)
        assert unchanged  # applying the same steps again is not offered
        assert "Insert missing dates" in str(shown)
        assert "made version 2, the current version" in str(shown)

        # Changed, they remake version 2 from version 1, not clean it twice.
        clip = {"op": "outliers", "column": "sales", "action": "clip"}
        shown, unchanged = applied_page.show_recipe([*steps, clip], applied)
        assert not unchanged and "from version 1" in str(shown)
        third_ref, alert = page.apply(1, [*steps, clip], made_ref, applied)
        assert "Version 3 made" in str(alert)
    third = versions.get_version(account.id, info.id, third_ref["version_id"])
    assert third.parent == info.version_id
    assert [s["op"] for s in third.recipe] == ["regularize", "outliers"]
