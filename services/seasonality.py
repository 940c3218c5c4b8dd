"""Repeating patterns: season lengths, autocorrelation and whether swings grow.

Season lengths come from the calendar (7 for daily data, 24 and 168 for hourly…) and
are kept when statsmodels' autocorrelation function peaks at them.
"""

from __future__ import annotations

import warnings

import numpy as np

# Imported here, once, not inside functions: threads of the web server importing the
# same large module at the same moment can see it half-initialised.
from statsmodels.tsa.stattools import acf, pacf

from services import calendars
from services.calendars import Frequency

# Calendar seasons worth checking for each frequency, most natural first.
CALENDAR_SEASONS = {
    "second": [60],
    "minute": [60, 1440],
    "hour": [24, 168],
    "day": [7, 365],
    "business_day": [5],
    "week": [52],
    "month": [12],
    "quarter": [4],
    "year": [],
}
# Natural cycles, in seconds, for data every few minutes or hours (15-minute data has
# a daily season of 96 steps and a weekly one of 672).
CYCLES = {"hourly": 3600, "daily": 86400, "weekly": 604800}


def season_lengths(values: np.ndarray, frequency: Frequency | None) -> list[int]:
    """Season lengths with a clear autocorrelation peak, strongest first.

    Candidates come from the calendar (7 for daily data, 24 and 168 for hourly…) and
    from the peaks of the autocorrelation function; a candidate counts when the ACF at
    its lag is a local peak above the 95% band.
    """
    n = len(values)
    calendar = calendar_seasons(frequency)
    max_lag = min(n // 2, max([*calendar, 60]) + 2)
    if max_lag < 4:
        return []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        correlation = acf(values, nlags=max_lag, fft=True)
    band = 1.96 / np.sqrt(n)
    peaks = [
        lag
        for lag in range(2, max_lag)
        if correlation[lag] > band
        and correlation[lag] >= correlation[lag - 1]
        and correlation[lag] >= correlation[lag + 1]
    ]
    found = {
        lag: correlation[lag]
        for lag in calendar
        if lag < max_lag and any(abs(lag - p) <= max(1, lag // 20) for p in peaks)
    }
    if not found and peaks:
        best = max(peaks, key=lambda lag: correlation[lag])
        if correlation[best] > 0.3:
            found[best] = correlation[best]
    return [lag for lag, _ in sorted(found.items(), key=lambda kv: -kv[1])]


def calendar_seasons(frequency: Frequency | None) -> list[int]:
    """The calendar's seasons worth checking, in steps, most natural first.

    24 and 168 for hourly data, 96 and 672 for data every 15 minutes, 12 for monthly
    data; none for every other month or week.
    """
    if frequency is None:
        return []
    if frequency.step == 1:
        return CALENDAR_SEASONS.get(frequency.unit, [])
    size = calendars.SECONDS.get(frequency.unit, 0) * frequency.step
    if not size or frequency.unit in ("day", "week"):
        return []
    # A cycle of a handful of steps (an hour of 15-minute steps) is noise, not a season.
    return [c // size for c in CYCLES.values() if c % size == 0 and c // size >= 6]


def autocorrelations(
    values: np.ndarray, period: int | None
) -> tuple[list[float], list[float], float | None]:
    """ACF and PACF up to a few seasons (or 24 lags), and their 95% band.

    Empty lists and no band for a constant or a series too short for two lags.
    """
    lags = min(len(values) // 2 - 1, max(24, 2 * (period or 0) + 2), 200)
    if lags < 2 or np.ptp(values) == 0:  # a constant has no correlations
        return [], [], None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        correlation = acf(values, nlags=lags, fft=True).tolist()
        # Levinson-Durbin on the biased autocovariances: the same values as Yule-Walker
        # ("ywm"), 100 times faster for 200 lags.
        partial = pacf(values, nlags=lags, method="ldb").tolist()
    return correlation, partial, float(1.96 / np.sqrt(len(values)))


def is_multiplicative(
    values: np.ndarray, trend: np.ndarray, period: int | None
) -> bool:
    """Whether the seasonal swings grow with the level (all values positive).

    Per full season: the level is the mean of the trend, the swing the spread of the
    values around the trend; a strong positive correlation means multiplicative.
    """
    if period is None or (values <= 0).any() or len(values) < 3 * period:
        return False
    seasons = len(values) // period
    tail = slice(len(values) - seasons * period, None)
    level = trend[tail].reshape(seasons, period).mean(axis=1)
    swing = (values[tail] - trend[tail]).reshape(seasons, period).std(axis=1)
    if np.std(level) == 0 or np.std(swing) == 0:
        return False
    return bool(np.corrcoef(level, swing)[0, 1] > 0.7)
