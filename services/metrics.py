"""Forecast accuracy: Darts' point metrics, plus interval coverage and MSIS.

Darts has no mean scaled interval score (MSIS, the M4 competition's interval metric),
so it is computed here from its definition: the Winkler score of the 95% interval,
scaled like MASE by the in-sample error of the seasonal naive forecast.
"""

from __future__ import annotations

import numpy as np

ALPHA = 0.05  # MSIS scores the 95% interval


def seasonal_scale(history: np.ndarray, season: int) -> float:
    """Mean absolute error of the in-sample seasonal naive forecast (MASE's scale)."""
    m = season if len(history) > season else 1
    diffs = np.abs(history[m:] - history[:-m])
    scale = float(np.mean(diffs)) if len(diffs) else 0.0
    return scale if scale > 0 else float("nan")


def point_metrics(
    actual: np.ndarray, forecast: np.ndarray, history: np.ndarray, season: int
) -> dict[str, float]:
    """MAE, RMSE, sMAPE (0–200), MAPE (NaN when an actual is zero) and MASE.

    Examples
    --------
    >>> m = point_metrics(np.array([10.0, 20]), np.array([12.0, 18]),
    ...                   np.array([8.0, 9, 10, 11]), 1)
    >>> m["mae"], m["mase"]
    (2.0, 2.0)

    """
    error = actual - forecast
    mae = float(np.mean(np.abs(error)))
    denominator = np.abs(actual) + np.abs(forecast)
    smape = float(
        np.mean(
            np.where(
                denominator > 0,
                200 * np.abs(error) / np.where(denominator > 0, denominator, 1),
                0.0,
            )
        )
    )
    mape = (
        float(np.mean(100 * np.abs(error / actual)))
        if np.all(actual != 0)
        else float("nan")
    )
    return {
        "mae": mae,
        "rmse": float(np.sqrt(np.mean(error**2))),
        "smape": smape,
        "mape": mape,
        "mase": mae / seasonal_scale(history, season),
    }


def interval_metrics(
    actual: np.ndarray,
    lower_80: np.ndarray,
    upper_80: np.ndarray,
    lower_95: np.ndarray,
    upper_95: np.ndarray,
    history: np.ndarray,
    season: int,
) -> dict[str, float]:
    """Coverage of the 80% interval and the MSIS of the 95% interval.

    Examples
    --------
    >>> r = interval_metrics(np.array([5.0, 9]), np.array([4.0, 4]), np.array([6.0, 6]),
    ...                      np.array([3.0, 3]), np.array([7.0, 7]),
    ...                      np.array([1.0, 2, 3, 4]), 1)
    >>> r["coverage"], r["msis"]
    (0.5, 44.0)

    """
    inside = (actual >= lower_80) & (actual <= upper_80)
    width = upper_95 - lower_95
    below = np.clip(lower_95 - actual, 0, None)
    above = np.clip(actual - upper_95, 0, None)
    winkler = width + (2 / ALPHA) * (below + above)
    return {
        "coverage": float(np.mean(inside)),
        "msis": float(np.mean(winkler)) / seasonal_scale(history, season),
    }
