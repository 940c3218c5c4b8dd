"""One series out of a table, on its calendar."""

from __future__ import annotations

import pandas as pd
import polars as pl

from services.profiling import Frequency
from services.series_input import series_values


def _local_hours(start: str, end: str) -> list[object]:
    """Wall-clock hours in Berlin, as a meter without time zones writes them."""
    hours = pd.date_range(start, end, freq="h", tz="Europe/Berlin").tz_localize(None)
    return list(hours.to_pydatetime())


def test_the_repeated_hour_of_a_clock_change_is_averaged() -> None:
    times = _local_hours("2024-10-27", "2024-10-27 05:00")  # 02:00 twice
    frame = pl.DataFrame({"date": times, "sales": [float(i) for i in range(7)]})
    data = series_values(
        frame, "date", "sales", [], None, Frequency(unit="hour", step=1)
    )
    assert data.height == 6 and data["value"].to_list()[2] == 2.5
