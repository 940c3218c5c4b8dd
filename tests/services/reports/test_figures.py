"""The report's figures: a failed model has no bar, only "—" and its reason."""

from __future__ import annotations

from services.reports.figures import model_comparison_chart
from services.reports.reasons import FALLBACK
from tests.services.reports.conftest import (
    FAILED_ROW,
    PLAIN_REASON,
    RAW_ERROR,
    seasonal_naive,
)


def test_a_failed_model_has_a_dash_and_its_reason_instead_of_a_bar() -> None:
    data = seasonal_naive()
    data.leaderboard = [
        *data.leaderboard,
        dict(FAILED_ROW, model="linear_regression", name="Linear", error=PLAIN_REASON),
    ]
    fig = model_comparison_chart(data)
    bars = fig.data[0]
    assert list(bars.y) == [
        "Seasonal naive",
        "AutoETS (exponential smoothing)",
        "LightGBM on lags",
        "Linear",
    ]
    assert list(bars.text) == ["0.95", "1.08", "", ""]  # no score, not even 0.00
    notes = {a.y: a.text for a in fig.layout.annotations}
    assert notes == {
        "LightGBM on lags": f"—  {FALLBACK}",
        "Linear": f"—  {PLAIN_REASON}",
    }
    assert RAW_ERROR not in fig.to_json()
