"""The workbook's native Excel chart: history, forecast and its 80% and 95% ranges.

Excel draws a range as a band with a stacked area chart: an invisible base at the
95% low, then the 95%-below-80% band, the 80% band and the 95%-above-80% band on top
of it. The history and forecast lines are a line chart drawn over the bands. The
forecast and its bands start at the last actual value, so no gap opens between the
history and the forecast.
"""

from __future__ import annotations

from typing import Any

import polars as pl
from xlsxwriter import Workbook

from services.reports.content import ReportData

CHART_POINTS = 400  # history points the chart shows before the forecast
SHEET = "Chart data"
RANGES = ("lower_80", "upper_80", "lower_95", "upper_95")
# The stacked bands, bottom to top, each a column of the Chart data sheet.
BANDS = {
    "chart base (95% low)": pl.col("lower_95"),
    "95% band below 80%": pl.col("lower_80") - pl.col("lower_95"),
    "80% band": pl.col("upper_80") - pl.col("lower_80"),
    "95% band above 80%": pl.col("upper_95") - pl.col("upper_80"),
}
BAND_COLOURS = {"95%": "#c9d4fa", "80%": "#8ea4f2"}
HISTORY_COLOUR = "#1d2433"
FORECAST_COLOUR = "#2f5bea"
WIDTH, HEIGHT = 720, 380  # pixels: about 10 columns by 19 rows of a sheet at 100%


def chart_frame(data: ReportData) -> pl.DataFrame:
    """The charted series (the total with several): recent history, then forecast.

    Columns: time, history, forecast, the four bounds and the :data:`BANDS`. The
    last history row also holds the forecast and its bounds, equal to the actual
    value, so the forecast line and its ranges start from it.
    """
    main = None if data.multi else data.featured[0]
    recent = (
        data.series_history(main)
        .tail(CHART_POINTS)
        .select("time", pl.col("value").alias("history"))
    )
    last_row = pl.int_range(pl.len()) == pl.len() - 1
    joined = recent.with_columns(
        pl.when(last_row).then(pl.col("history")).alias(c)
        for c in ("forecast", *RANGES)
    )
    points = data.series_points(main).select("time", "forecast", *RANGES)
    frame = pl.concat([joined, points], how="diagonal_relaxed")
    frame = frame.with_columns(pl.col(pl.Float64).fill_nan(None))
    base, *heights = BANDS
    return frame.with_columns(
        # Where there is no range yet, the invisible base follows the history, so the
        # value axis is scaled to the data, not stretched down to zero.
        pl.coalesce(BANDS[base], pl.col("history")).alias(base),
        *(BANDS[name].clip(lower_bound=0).alias(name) for name in heights),
    )


def native_chart(
    book: Workbook,
    frame: pl.DataFrame,
    subject: str,
    time_format: str,
    value_format: str,
) -> Any:
    """An area chart of the bands with the history and forecast lines over it.

    ``frame`` is :func:`chart_frame`'s, written with its header at A1 of the
    :data:`SHEET` sheet.
    """
    last = frame.height  # the header is row 0
    column = {name: index for index, name in enumerate(frame.columns)}

    def series(name: str, shown: str, style: dict[str, Any]) -> dict[str, Any]:
        col = column[name]
        return {
            "name": shown,
            "categories": [SHEET, 1, 0, last, 0],
            "values": [SHEET, 1, col, last, col],
            **style,
        }

    bands = book.add_chart({"type": "area", "subtype": "stacked"})
    hidden = {"fill": {"none": True}, "border": {"none": True}}
    for name, shown, style in (
        ("chart base (95% low)", "base", hidden),
        ("95% band below 80%", "95% range", _band("95%")),
        ("80% band", "80% range", _band("80%")),
        ("95% band above 80%", "95% range (high)", _band("95%")),
    ):
        bands.add_series(series(name, shown, style))
    lines = book.add_chart({"type": "line"})
    for name, shown, colour, width in (
        ("history", "History", HISTORY_COLOUR, 1.5),
        ("forecast", "Forecast", FORECAST_COLOUR, 2.25),
    ):
        style = {"line": {"color": colour, "width": width}, "marker": {"type": "none"}}
        lines.add_series(series(name, shown, style))
    bands.combine(lines)
    bands.set_title(
        {
            "name": f"{subject}: history and forecast",
            "overlay": False,
            "name_font": {"size": 12, "bold": True},
        }
    )
    bands.set_x_axis(
        {
            "date_axis": True,
            "num_format": time_format,
            "num_font": {"rotation": -45},
            "position_axis": "on_tick",
            "label_position": "low",  # under the plot, also when values go below 0
        }
    )
    bands.set_y_axis({"num_format": value_format, "major_gridlines": {"visible": True}})
    # Beside the plot, not over it; the base and the upper 95% band need no entry.
    bands.set_legend({"position": "right", "delete_series": [0, 3]})
    bands.show_blanks_as("gap")
    bands.set_size({"width": WIDTH, "height": HEIGHT})
    return bands


def _band(level: str) -> dict[str, Any]:
    return {"fill": {"color": BAND_COLOURS[level]}, "border": {"none": True}}
