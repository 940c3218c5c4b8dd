"""The four stationarity tests read together."""

from __future__ import annotations

from services.stationarity import read_jointly


def test_joint_reading_of_the_two_tests() -> None:
    assert read_jointly(0.5, 0.5, 0.5, 0.5) == "inconclusive"
    assert read_jointly(0.5, 0.01, 0.01, 0.2) == "trend-stationary"
