"""Cleaning page callbacks: the outlier preview warns when it would treat too much."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.conftest import SAMPLES, make_dataset


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
