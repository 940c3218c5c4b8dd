"""Finding unusual values: IQR, z-score, Hampel (rolling median/MAD) and STL residuals.

Detection changes nothing; it returns, per row, whether the value is unusual and the
band it should lie in, so a cleaning step can flag, clip or replace.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import polars as pl
from statsmodels.tsa.seasonal import STL

OutlierMethod = Literal["iqr", "zscore", "hampel", "stl"]
# Each method's threshold in its own units: IQR multiplier, z, MADs, robust z.
DEFAULT_SENSITIVITY: dict[str, float] = {
    "iqr": 1.5,
    "zscore": 3.0,
    "hampel": 3.0,
    "stl": 3.0,
}
HAMPEL_WINDOW = 7
MAD_SCALE = 1.4826  # makes the MAD estimate the standard deviation for normal data


def detect(
    frame: pl.DataFrame,
    column: str,
    series: list[str],
    method: OutlierMethod,
    sensitivity: float,
    season: int | None = None,
) -> pl.DataFrame:
    """Per row: ``outlier`` (bool), ``lower`` and ``upper`` (the usual band).

    Rows must be in time order within each series. Missing values are never outliers.

    Examples
    --------
    >>> frame = pl.DataFrame({"y": [10.0, 11, 9, 10, 95, 10, 11, 9]})
    >>> detect(frame, "y", [], "iqr", 1.5)["outlier"].to_list()
    [False, False, False, False, True, False, False, False]

    """
    y = pl.col(column).cast(pl.Float64)

    def per(expr: pl.Expr) -> pl.Expr:
        return expr.over(series) if series else expr

    if method == "iqr":
        q1, q3 = per(y.quantile(0.25)), per(y.quantile(0.75))
        spread = (q3 - q1) * sensitivity
        lower, upper = q1 - spread, q3 + spread
    elif method == "zscore":
        mean, std = per(y.mean()), per(y.std())
        lower, upper = mean - sensitivity * std, mean + sensitivity * std
    elif method == "hampel":
        median = per(y.rolling_median(HAMPEL_WINDOW, min_samples=1, center=True))
        mad = per(
            (y - median).abs().rolling_median(HAMPEL_WINDOW, min_samples=1, center=True)
        )
        scale = sensitivity * MAD_SCALE * mad
        lower, upper = median - scale, median + scale
    else:
        return _stl(frame, column, series, sensitivity, season)
    bands = frame.select(lower.alias("lower"), upper.alias("upper"), y.alias("value"))
    return bands.select(
        ((pl.col("value") < pl.col("lower")) | (pl.col("value") > pl.col("upper")))
        .fill_null(False)
        .alias("outlier"),
        "lower",
        "upper",
    )


def _stl(
    frame: pl.DataFrame,
    column: str,
    series: list[str],
    sensitivity: float,
    season: int | None,
) -> pl.DataFrame:
    """Robust STL per series: a value is unusual when its remainder is far out."""
    parts = []
    indexed = frame.with_row_index("_row")
    groups = indexed.partition_by(series, maintain_order=True) if series else [indexed]
    for part in groups:
        values = part[column].cast(pl.Float64)
        filled = (
            values.interpolate()
            .fill_null(strategy="forward")
            .fill_null(strategy="backward")
            .to_numpy()
        )
        period = season if season and len(filled) >= 2 * season + 1 else None
        if period is None or np.isnan(filled).all():
            fitted = np.full(len(filled), np.nanmedian(filled))
        else:
            result = STL(filled, period=period, robust=True).fit()
            fitted = result.trend + result.seasonal
        remainder = filled - fitted
        centre = np.nanmedian(remainder)
        # A floor keeps rounding noise in a near-perfect fit from counting as unusual.
        floor = 0.01 * float(np.nanstd(filled)) or 1e-9
        scale = max(MAD_SCALE * float(np.nanmedian(np.abs(remainder - centre))), floor)
        band = sensitivity * scale
        parts.append(
            pl.DataFrame(
                {
                    "_row": part["_row"],
                    "outlier": (np.abs(remainder - centre) > band)
                    & values.is_not_null().to_numpy(),
                    "lower": fitted + centre - band,
                    "upper": fitted + centre + band,
                }
            )
        )
    return pl.concat(parts).sort("_row").drop("_row")
