"""Overrides: reasons required, ranges that move, the audit trail, and value added."""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from services import forecasts, overrides
from services.accuracy import accuracy
from services.errors import InvalidInputError, NotFoundError
from services.overrides import OverrideChange, set_overrides
from services.reports import exports
from tests.overrides_data import STATISTICAL, stored_forecast


@pytest.fixture
def owner(make_account: Callable[..., Any]) -> Any:
    return make_account()


@pytest.fixture
def forecast_id(owner: Any, tmp_path: Path) -> str:
    return stored_forecast(owner.id, tmp_path)


def _change(time: str, value: float | None, reason: str | None = "contract") -> Any:
    return OverrideChange(None, time, value, reason)


def test_a_value_with_a_reason_keeps_the_statistical_value_and_moves_the_ranges(
    owner: Any, forecast_id: str
) -> None:
    set_overrides(owner.id, forecast_id, [_change("1960-11-01", 430.0, " contract ")])
    points = forecasts.forecast_points(owner.id, forecast_id)
    row = points.row(1, named=True)
    assert row["forecast"] == 430.0 and row["statistical_forecast"] == 400.0
    assert row["override_reason"] == "contract"  # stripped
    assert (row["lower_80"], row["upper_80"]) == (420.0, 440.0)
    assert (row["lower_95"], row["upper_95"]) == (410.0, 450.0)
    untouched = points.row(0, named=True)
    assert untouched["forecast"] == untouched["statistical_forecast"] == 450.0
    assert untouched["override_reason"] is None
    # The stored statistical forecast is never edited.
    from services import storage

    stored = pl.read_parquet(storage.forecast_path(owner.id, forecast_id))
    assert stored["forecast"].to_list() == STATISTICAL


@pytest.mark.parametrize("reason", [None, "", "   "])
def test_a_value_without_a_reason_is_refused(
    owner: Any, forecast_id: str, reason: str | None
) -> None:
    with pytest.raises(InvalidInputError) as raised:
        set_overrides(owner.id, forecast_id, [_change("1960-11-01", 430.0, reason)])
    assert raised.value.code == "reason_required"
    assert overrides.audit_trail(owner.id, forecast_id) == []


@pytest.mark.parametrize(
    ("change", "code"),
    [
        (OverrideChange(None, "1961-01-01", 1.0, "x"), "unknown_step"),
        (OverrideChange(None, "1960-11-01T12:00:00", 1.0, "x"), "unknown_step"),
        (OverrideChange(None, "November", 1.0, "x"), "unknown_step"),
        (OverrideChange("North", "1960-11-01", 1.0, "x"), "unknown_series"),
        (OverrideChange(None, "1960-11-01", math.inf, "x"), "invalid_request"),
        (OverrideChange(None, "1960-11-01", 1.0, "x" * 501), "reason_too_long"),
        (OverrideChange(None, "1960-11-01", None), "no_override"),
    ],
)
def test_changes_that_do_not_fit_the_forecast_are_refused(
    owner: Any, forecast_id: str, change: OverrideChange, code: str
) -> None:
    with pytest.raises(InvalidInputError) as raised:
        set_overrides(owner.id, forecast_id, [change])
    assert raised.value.code == code


def test_a_request_applies_all_of_its_changes_or_none(
    owner: Any, forecast_id: str
) -> None:
    with pytest.raises(InvalidInputError):
        set_overrides(
            owner.id,
            forecast_id,
            [_change("1960-10-01", 1.0), _change("1960-11-01", 2.0, None)],
        )
    assert overrides.audit_trail(owner.id, forecast_id) == []


def test_a_datetime_at_midnight_names_the_same_step_as_its_date(
    owner: Any, forecast_id: str
) -> None:
    set_overrides(owner.id, forecast_id, [_change("1960-12-01T00:00:00", 500.0)])
    assert forecasts.forecast_points(owner.id, forecast_id)["forecast"][2] == 500.0


def test_the_audit_trail_keeps_every_change_and_removal(
    owner: Any, forecast_id: str
) -> None:
    set_overrides(owner.id, forecast_id, [_change("1960-10-01", 470.0, "event")])
    set_overrides(owner.id, forecast_id, [_change("1960-10-01", 480.0, "bigger")])
    set_overrides(owner.id, forecast_id, [_change("1960-10-01", None, None)])
    trail = overrides.audit_trail(owner.id, forecast_id)
    assert [(e.action, e.before, e.after, e.reason) for e in trail] == [
        ("set", 450.0, 470.0, "event"),
        ("set", 470.0, 480.0, "bigger"),
        ("removed", 480.0, 450.0, None),
    ]
    assert {e.user for e in trail} == {owner.username}
    assert all(
        e.time == "1960-10-01T00:00:00" and e.statistical == 450.0 for e in trail
    )
    points = forecasts.forecast_points(owner.id, forecast_id)
    assert points["forecast"][0] == 450.0 and points["override_reason"][0] is None


def test_another_users_forecast_is_not_found(
    forecast_id: str, make_account: Callable[..., Any]
) -> None:
    stranger = make_account()
    with pytest.raises(NotFoundError):
        set_overrides(stranger.id, forecast_id, [_change("1960-10-01", 1.0)])
    with pytest.raises(NotFoundError):
        overrides.audit_trail(stranger.id, forecast_id)


def test_several_series_need_their_series(owner: Any, tmp_path: Path) -> None:
    forecast_id = stored_forecast(owner.id, tmp_path, ["North", "South"])
    with pytest.raises(InvalidInputError) as raised:
        set_overrides(owner.id, forecast_id, [_change("1960-10-01", 1.0)])
    assert raised.value.code == "unknown_series"
    set_overrides(
        owner.id, forecast_id, [OverrideChange("South", "1960-10-01", 600.0, "shop")]
    )
    points = forecasts.forecast_points(owner.id, forecast_id)
    south = points.filter(pl.col("override_reason").is_not_null()).row(0, named=True)
    assert (south["series"], south["forecast"], south["statistical_forecast"]) == (
        "South",
        600.0,
        550.0,
    )


def test_the_csv_carries_the_statistical_value_and_the_reason(
    owner: Any, forecast_id: str
) -> None:
    set_overrides(owner.id, forecast_id, [_change("1960-11-01", 430.0, "=promo")])
    text = exports.render(owner.id, forecast_id, "csv").decode()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows[1]["forecast"].startswith("430") and rows[1][
        "statistical_forecast"
    ].startswith("400")
    assert rows[1]["override_reason"] == "'=promo"  # a formula stays text
    assert rows[0]["override_reason"] == ""


def test_the_workbook_lists_the_overrides_with_reasons(
    owner: Any, forecast_id: str
) -> None:
    from openpyxl import load_workbook

    set_overrides(owner.id, forecast_id, [_change("1960-11-01", 430.0, "new contract")])
    book = load_workbook(io.BytesIO(exports.render(owner.id, forecast_id, "xlsx")))
    sheet = book["Overrides"]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0] == [
        "time",
        "series",
        "statistical forecast",
        "final forecast",
        "reason",
    ]
    assert rows[1][2:] == [400.0, 430.0, "new contract"]


def test_the_pdf_report_lists_the_overrides_with_reasons(
    owner: Any, forecast_id: str
) -> None:
    from services.reports import content, narrative, pdf
    from services.reports.branding import get_branding

    set_overrides(owner.id, forecast_id, [_change("1960-11-01", 430.0, "new contract")])
    data = content.collect(owner.id, forecast_id, False)
    html = pdf.render_html(data, narrative.summarise(data), {}, get_branding(owner.id))
    assert "Values changed by hand" in html and "new contract" in html


def test_value_added_compares_final_and_statistical_errors(
    owner: Any, forecast_id: str
) -> None:
    # Actuals 461, 390, 432; statistical 450, 400, 420.
    set_overrides(
        owner.id,
        forecast_id,
        [_change("1960-10-01", 460.0, "event"), _change("1960-11-01", 420.0, "promo")],
    )
    added = accuracy(owner.id, forecast_id).overrides
    assert added is not None and added.n == 2
    # final errors |460-461| = 1, |420-390| = 30; statistical |450-461| = 11, 10
    assert added.mae_final == pytest.approx(15.5)
    assert added.mae_statistical == pytest.approx(10.5)
    assert added.value_added == pytest.approx(-5.0)
    assert "worse" in added.message
    assert added.mase_final is not None and added.mase_statistical is not None
    assert added.mase_final / added.mase_statistical == pytest.approx(15.5 / 10.5)


def test_no_overrides_no_value_added(owner: Any, forecast_id: str) -> None:
    assert accuracy(owner.id, forecast_id).overrides is None
