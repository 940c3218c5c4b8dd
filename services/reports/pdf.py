"""The PDF report a stakeholder reads in two minutes (WeasyPrint, Jinja2, Kaleido).

The HTML comes from autoescaped templates, so names and titles are text, never markup.
Charts are vector SVG from Kaleido, handed to WeasyPrint under ``report:`` URLs. The
URL fetcher serves those and the files of the templates folder, and refuses
everything else: nothing is fetched from the network or the rest of the filesystem.
"""

from __future__ import annotations

import logging
import mimetypes
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import polars as pl
from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context
from jinja2.runtime import Context
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from services.numbers import DEFAULT_STYLE, NumberStyle
from services.reports import narrative as words
from services.reports import overrides_section
from services.reports.branding import Branding
from services.reports.change import STRONG_TREND, stretches
from services.reports.charts import to_svg
from services.reports.content import ReportData
from services.reports.levels import level_rows
from services.reports.narrative import NO_ISSUES, Narrative, findings, summarise
from services.reports.reasons import score, scored

log = logging.getLogger(__name__)

TEMPLATES = (Path(__file__).parent / "templates").resolve()
TABLE_ROWS = 40  # longer forecast tables show their start and end
_environment = Environment(
    loader=FileSystemLoader(TEMPLATES), autoescape=True, undefined=StrictUndefined
)


@pass_context
def _number(context: Context, value: float | None) -> str:
    """The ``number`` filter, in the style the report is rendered with."""
    return words.number(value, context.get("style", DEFAULT_STYLE))


@pass_context
def _percent(context: Context, value: float | None, signed: bool = False) -> str:
    """The ``percent`` filter, in the style the report is rendered with."""
    return words.percent(value, signed, context.get("style", DEFAULT_STYLE))


_environment.filters.update(number=_number, percent=_percent)


class ReportFetcher(URLFetcher):  # type: ignore[misc]
    """Serves the report's own charts and template files; refuses everything else."""

    def __init__(self, resources: Mapping[str, tuple[bytes, str]]) -> None:
        super().__init__(timeout=1, allowed_protocols=("report", "file"))
        self.resources = dict(resources)
        self.refused: list[str] = []

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        """Answer ``report:<name>`` and template files; raise for any other URL."""
        parts = urlsplit(url)
        if parts.scheme == "report" and parts.path in self.resources:
            body, mime = self.resources[parts.path]
            return URLFetcherResponse(url, body, {"Content-Type": mime})
        if parts.scheme == "file" and not parts.netloc:
            path = Path(unquote(parts.path)).resolve()
            if path.is_relative_to(TEMPLATES) and path.is_file():
                mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                return URLFetcherResponse(
                    url, path.read_bytes(), {"Content-Type": mime}
                )
        self.refused.append(url)
        raise ValueError(f"A report embeds only its own assets, not {url!r}.")


@dataclass
class RenderedReport:
    """The PDF and what its fetcher refused (for tests and logs)."""

    pdf: bytes
    refused: list[str]
    chart_error: str | None = None


def _table_rows(points: pl.DataFrame) -> list[dict[str, Any]]:
    """The forecast table; a long one shows its first and last rows."""
    rows = points.to_dicts()
    if len(rows) <= TABLE_ROWS:
        return rows
    return [*rows[: TABLE_ROWS - 10], {"gap": len(rows) - TABLE_ROWS}, *rows[-10:]]


def render_html(
    data: ReportData,
    narrative: Narrative,
    charts: Mapping[str, str],
    branding: Branding,
    chart_error: str | None = None,
    style: NumberStyle = DEFAULT_STYLE,
) -> str:
    """The report's HTML (``charts`` maps figure names to their ``report:`` URLs).

    Its numbers are written in ``style``.
    """
    unit = data.frequency.unit if data.frequency else None
    main = None if data.multi else data.featured[0]
    featured = set(data.featured)
    rest = data.summary.filter(
        ~pl.col("series").is_in(list(featured), nulls_equal=True)
    )
    chosen = data.chosen_row()
    leaderboard = [scored(row) for row in data.leaderboard]
    return _environment.get_template("report.html").render(
        data=data,
        style=style,
        leaderboard=leaderboard,
        # The column "Why it failed" only when a model did.
        failed_any=any(row.get("reason") for row in leaderboard),
        levels=level_rows(data.levels, style),
        chosen_smape=score(chosen, "smape") if chosen else None,
        noticed=findings(data),
        no_issues=NO_ISSUES,
        compared=" vs ".join(stretches(data)),
        narrative=narrative,
        branding=branding,
        charts=charts,
        chart_error=chart_error,
        when=lambda value: words.when(value, unit),
        forecast_rows=_table_rows(data.series_points(main)),
        overrides=overrides_section.override_rows(data),
        featured=data.summary.filter(
            pl.col("series").is_in(list(featured), nulls_equal=True)
        ).to_dicts(),
        rest=rest.to_dicts() if data.multi else [],
        data_end=data.history["time"].max(),
        series_rows=TABLE_ROWS,
        thresholds={
            "level": words.LEVEL_BAND_PCT,
            "coverage_low": words.COVERAGE_LOW,
            "coverage_high": words.COVERAGE_HIGH,
            "shift": words.SHIFT_RATIO,
            "trend": STRONG_TREND,
        },
    )


def render_pdf(
    data: ReportData,
    figures: Mapping[str, Any],
    branding: Branding | None = None,
    narrative: Narrative | None = None,
    progress: Callable[[float, str], None] | None = None,
    style: NumberStyle = DEFAULT_STYLE,
) -> RenderedReport:
    """The PDF report of a forecast.

    Parameters
    ----------
    figures
        Plotly figures by name (``services.reports.figures``); they are drawn as
        vector SVG. If the chart browser cannot run, the report says so and goes on.
    progress
        Told each stage (a fraction of this function's work and a sentence).
    style
        How its numbers are written (the figures are drawn in it by
        :func:`~services.reports.figures.report_figures`).

    """
    branding = branding or Branding()
    narrative = narrative or summarise(data, style)
    say = progress or (lambda _fraction, _message: None)
    say(0.0, "Drawing the charts")
    chart_error = None
    try:
        svgs = to_svg(figures)
    except Exception:  # a report without charts beats no report (the log says why)
        log.exception("Could not draw the report's charts")
        svgs, chart_error = {}, "The charts could not be drawn on this server."
    resources = {f"chart-{name}": (svg, "image/svg+xml") for name, svg in svgs.items()}
    if branding.logo and branding.logo_type:
        resources["logo"] = (branding.logo, branding.logo_type)
    charts = {name: f"report:chart-{name}" for name in svgs}
    html = render_html(data, narrative, charts, branding, chart_error, style)
    say(0.4, "Laying out the pages")
    fetcher = ReportFetcher(resources)
    pdf = HTML(
        string=html, base_url=TEMPLATES.as_uri() + "/", url_fetcher=fetcher
    ).write_pdf()
    return RenderedReport(pdf or b"", fetcher.refused, chart_error)
