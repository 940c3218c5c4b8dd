"""statsforecast called directly on N series (default 100), next to the app's comparison
in benchmarks/models.py: the same six models, 3 folds and the final fit.

Run with ``PYTHONPATH=. .venv/bin/python benchmarks/statsforecast_direct.py [N]``.
"""

from __future__ import annotations

import logging
import sys
import time
import warnings


def main() -> None:
    """Time statsforecast's own cross-validation and forecast on N series."""
    import polars as pl
    from statsforecast import StatsForecast
    from statsforecast.models import (
        AutoARIMA,
        AutoCES,
        AutoETS,
        AutoTheta,
        RandomWalkWithDrift,
        SeasonalNaive,
    )

    from benchmarks.models import series_table

    warnings.simplefilter("ignore")
    logging.disable(logging.WARNING)
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    names = {"item": "unique_id", "month": "ds", "sales": "y"}
    table = series_table(count).rename(names)
    frame = table.with_columns(pl.col("ds").cast(pl.Datetime)).to_pandas()
    models = [
        SeasonalNaive(12),
        RandomWalkWithDrift(),
        AutoETS(season_length=12),
        AutoTheta(season_length=12),
        AutoCES(season_length=12),
        AutoARIMA(season_length=12, approximation=True),
    ]
    engine = StatsForecast(models=models, freq="MS", n_jobs=2)
    started = time.perf_counter()
    engine.cross_validation(df=frame, h=12, n_windows=3, step_size=12, level=[80, 95])
    engine.forecast(df=frame, h=12, level=[80, 95])
    seconds = time.perf_counter() - started
    print(f"statsforecast direct, {count} series, 3 folds + final: {seconds:.1f} s")


if __name__ == "__main__":
    main()
