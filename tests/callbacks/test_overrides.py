"""Models page, Overrides card: the table, saving with reasons, the percentage."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.overrides_data import stored_forecast


def _trace(figure: Any, name: str) -> Any:
    return next((t for t in figure.data if t.name == name), None)


def test_the_table_saves_a_value_with_its_reason_and_the_chart_marks_it(
    logged_in: Any, make_account: Any, tmp_path: Path
) -> None:
    from callbacks import overrides

    account = make_account()
    ref = {"forecast_id": stored_forecast(account.id, tmp_path)}
    with logged_in(account):
        rows, first, _last = overrides.fill_table(None, ref, 0)
        assert [r["when"] for r in rows] == ["1960-10-01", "1960-11-01", "1960-12-01"]
        assert [o["value"] for o in first] == [r["step"] for r in rows]
        rows[1] = {**rows[1], "value": 430, "reason": ""}
        alert, saved, chart = overrides.save_table(1, rows, None, ref, 0)
        assert "reason" in str(alert) and saved is overrides.no_update
        rows[1]["reason"] = "New supply contract"
        alert, saved, chart = overrides.save_table(2, rows, None, ref, 0)
        assert "Saved 1 change" in str(alert) and saved == 1
        marked = _trace(chart, "Changed by hand")
        assert list(marked.y) == [430.0]
        assert marked.customdata[0][0] == "New supply contract"
        assert "Changed by hand" in marked.hovertemplate
        again, *_ = overrides.fill_table(None, ref, 1)
        assert again[1]["value"] == 430.0 and again[1]["overridden"] == 1
        assert again[1]["statistical"] == 400.0


def test_a_percentage_moves_a_range_of_steps_from_their_statistical_values(
    logged_in: Any, make_account: Any, tmp_path: Path
) -> None:
    from callbacks import overrides
    from services import forecasts

    account = make_account()
    ref = {"forecast_id": stored_forecast(account.id, tmp_path)}
    with logged_in(account):
        rows, *_ = overrides.fill_table(None, ref, 0)
        steps = [r["step"] for r in rows]
        alert, *_ = overrides.apply_percent(
            1, rows, steps[2], steps[1], 10, None, None, ref, 0
        )
        assert "reason" in str(alert)
        alert, saved, _chart = overrides.apply_percent(
            2, rows, steps[1], steps[2], 10, "Promotion", None, ref, 0
        )
        assert "Saved 2 changes" in str(alert)
        points = forecasts.forecast_points(account.id, ref["forecast_id"])
        assert points["forecast"].to_list() == pytest.approx([450.0, 440.0, 462.0])
        # A cleared value goes back to the statistical forecast.
        rows, *_ = overrides.fill_table(None, ref, saved)
        rows[1]["value"] = None
        overrides.save_table(1, rows, None, ref, saved)
        points = forecasts.forecast_points(account.id, ref["forecast_id"])
        assert points["forecast"].to_list() == pytest.approx([450.0, 400.0, 462.0])
        text = overrides.show_value_added(ref, 3)
        assert "1 overridden step" in str(text) and "worse" in str(text)
