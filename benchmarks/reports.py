"""Reports of a 30-step forecast: 100 daily series × 2 years, and a single series.

Run with ``make bench`` (or ``PYTHONPATH=. .venv/bin/python benchmarks/reports.py``).
The forecast is real (seasonal naive and naive, compared on backtests) and is made
once, untimed; the timings cover what an export request does: gather the report
(totals, per-series summary, fold errors, the decomposition), then write the workbook,
or build the figures, draw them as SVG with Kaleido and lay out the PDF.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable

import numpy as np
import polars as pl

from services.forecasting import forecast
from services.profiling import Frequency
from services.reports.charts import to_svg
from services.reports.content import ReportData, assemble
from services.reports.excel import workbook
from services.reports.figures import report_figures
from services.reports.pdf import render_pdf

DAILY = Frequency(unit="day", step=1)
DAYS = 730
HORIZON = 30
MODELS = [{"key": "seasonal_naive"}, {"key": "naive"}]


def generate(series: int) -> pl.DataFrame:
    """Daily sales per store: level, weekly pattern, yearly wave, noise (seeded)."""
    rng = np.random.default_rng(7)
    days = np.arange(DAYS)
    start = dt.date(2023, 1, 1)
    times = [start + dt.timedelta(days=int(d)) for d in days]
    frames = []
    for store in range(series):
        level = rng.uniform(50, 5000)
        values = level * (
            1
            + 0.2 * np.sin(2 * np.pi * days / 7)
            + 0.1 * np.sin(2 * np.pi * days / 365)
            + rng.normal(0, 0.05, DAYS)
        )
        frames.append(
            pl.DataFrame(
                {"date": times, "store": f"store {store:03d}", "sales": values}
            )
        )
    return pl.concat(frames)


def report_data(frame: pl.DataFrame, series: int) -> ReportData:
    """Forecast the table (untimed) and describe the result for a report."""
    columns = ["store"] if series > 1 else []
    result = forecast(
        frame, "date", "sales", HORIZON, DAILY, columns, models=MODELS, folds=3
    )
    history = frame.select(
        pl.col("store").alias("series") if series > 1 else pl.lit(None, pl.String),
        pl.col("date").alias("time"),
        pl.col("sales").alias("value"),
    ).rename({"literal": "series"}, strict=False)
    return ReportData(
        dataset_name=f"stores_{series}.csv",
        target="sales",
        model_name=result.model_name,
        model=result.model,
        horizon=HORIZON,
        frequency=DAILY,
        made_at=dt.datetime.now(dt.UTC),
        points=result.points,
        history=history,
        backtests=result.backtests,
        leaderboard=result.leaderboard,
        notes=result.notes,
        issues=[],
        cleaning=[],
        rows=frame.height,
    )


def timed(work: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    out = work()
    return time.perf_counter() - start, out


def main() -> None:
    """Time the workbook and the PDF (median of 3) for 100 series and for one.

    Then, once each, 1,000 series: past the size reports are made within a request,
    so the app makes them as a job (the same work, plus the job's bookkeeping).
    """
    warm = report_data(generate(1), 1)
    to_svg(report_figures(assemble(warm)))  # the browser starts once per process
    print(f"{HORIZON}-step forecast of daily series with {DAYS} days of history\n")
    print("| report | series | median seconds (of 3) | size | target |")
    print("|---|---|---|---|---|")
    for series, targets, repeats in (
        (100, (10, 15), 3),
        (1, (3, 3), 3),
        (1000, (None, None), 1),
    ):
        base = report_data(generate(series), series)

        def excel(base: ReportData = base) -> bytes:
            return workbook(assemble(ReportData(**_fields(base)), decompose=False))

        def pdf(base: ReportData = base) -> bytes:
            data = assemble(ReportData(**_fields(base)))
            return render_pdf(data, report_figures(data)).pdf

        for name, work, target in (
            ("Excel", excel, targets[0]),
            ("PDF", pdf, targets[1]),
        ):
            runs = [timed(work) for _ in range(repeats)]
            seconds = sorted(r[0] for r in runs)[repeats // 2]
            size = len(runs[0][1])  # type: ignore[arg-type]
            if target is None:
                verdict = "none: made by a job"
            else:
                verdict = f"< {target} s: {'met' if seconds < target else 'NOT met'}"
            print(
                f"| {name} | {series} | {seconds:.2f} | {size / 1e6:.2f} MB "
                f"| {verdict} |"
            )


def _fields(data: ReportData) -> dict[str, object]:
    """The gathered inputs only (what a request reads), not what assemble adds."""
    names = (
        "dataset_name target model_name horizon frequency made_at points history "
        "backtests leaderboard notes issues cleaning rows model"
    ).split()
    return {name: getattr(data, name) for name in names}


if __name__ == "__main__":
    main()
