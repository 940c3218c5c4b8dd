"""Summaries of service results for the pages: datasets, jobs and forecasts."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import html

from components import ids
from components.levels import levels_table
from components.tables import columns_table, small_table
from services import calendars
from services.datasets import DatasetInfo
from services.forecasts import ForecastInfo
from services.jobs import JobInfo
from services.numbers import DEFAULT_STYLE, NumberStyle, format_number
from services.reports.narrative import COVERAGE_LOW, Narrative, number, percent
from services.reports.reasons import scored

STATUS_COLORS = {
    "queued": "secondary",
    "running": "primary",
    "succeeded": "success",
    "failed": "danger",
    "cancelled": "warning",
    "interrupted": "warning",
}


def _fact(label: str, value: str) -> dbc.Col:
    return dbc.Col(
        html.Div(
            [
                html.Div(label, className="fact-label"),
                html.Div(value, className="fact-value"),
            ],
            className="fact",
        ),
        xs=6,
        md=3,
    )


# A wide table names this many numbers to forecast and counts the rest.
SHOWN_TARGETS = 12
ISSUE_ICONS = {
    "error": "bi-x-octagon text-danger",
    "warning": "bi-exclamation-triangle text-warning",
    "info": "bi-info-circle text-primary",
}


def no_dataset_alert() -> dbc.Alert:
    """The hint shown on a step that needs a dataset when none is chosen."""
    return dbc.Alert(
        [
            "No dataset chosen yet. ",
            html.A("Upload one or load a sample", href="/upload"),
            ".",
        ],
        color="info",
        className="mb-0",
    )


def frequency_words(info: DatasetInfo) -> str:
    """The frequency in plain words: "monthly, at month end", "irregular"."""
    f = info.profile.frequency
    if f is None:
        return "irregular" if info.profile.time_column else "—"
    return calendars.describe(f)


def dataset_summary(info: DatasetInfo, style: NumberStyle = DEFAULT_STYLE) -> html.Div:
    """What the app recognised: facts, findings and the columns."""
    p = info.profile
    facts = dbc.Row(
        [
            _fact("Rows", format_number(p.rows, style)),
            _fact("Time column", p.time_column or "none found"),
            _fact("Frequency", frequency_words(info)),
            _fact("From – to", f"{p.start} – {p.end}" if p.start else "—"),
        ],
        className="g-3 mb-3",
    )
    findings = [
        html.Li([html.I(className=f"bi {ISSUE_ICONS[i.severity]} me-2"), i.message])
        for i in p.issues
    ]
    if p.time_explanation:
        findings.insert(
            0,
            html.Li(
                [
                    html.I(className=f"bi {ISSUE_ICONS['error']} me-2"),
                    p.time_explanation,
                ]
            ),
        )
    named = p.target_candidates[:SHOWN_TARGETS]
    more = len(p.target_candidates) - len(named)
    targets = (
        ", ".join(named)
        + (f" and {format_number(more, style)} more" if more > 0 else "")
        or "none"
    )
    series = (
        f" · {p.series_count} series, one per {' / '.join(p.series_id_columns)}"
        if p.series_id_columns
        else ""
    )
    return html.Div(
        [
            # (what to do with it follows the summary: "Forecast this", or a look first)
            html.H2(info.name, className="h4 mb-3"),
            facts,
            html.P(
                [html.Strong("Numbers you can forecast: "), targets, series],
                className="mb-3",
            ),
            dbc.Card(
                [
                    dbc.CardHeader("What the app noticed"),
                    dbc.CardBody(html.Ul(findings, className="list-unstyled mb-0")),
                ],
                className="mb-3 shadow-sm",
            )
            if findings
            else None,
            dbc.Card(
                [dbc.CardHeader("Columns"), columns_table(p, style)],
                className="shadow-sm",
            ),
        ]
    )


def status_badge(job: JobInfo) -> dbc.Badge:
    """A job's status as a coloured word."""
    return dbc.Badge(job.status, color=STATUS_COLORS.get(job.status, "secondary"))


def runs_table(runs: list[JobInfo], names: dict[str, str]) -> html.P | dbc.Table:
    """The user's recent forecast runs, each one a click away."""
    if not runs:
        return html.P(
            "No runs yet. Your forecasts will be listed here.",
            className="text-secondary",
        )
    rows = [
        html.Tr(
            [
                html.Td(job.created_at.strftime("%Y-%m-%d %H:%M")),
                html.Td(names.get(job.params.get("dataset_id", ""), "—")),
                html.Td(job.params.get("target", "—")),
                html.Td(str(job.params.get("horizon", "—"))),
                html.Td(status_badge(job)),
                html.Td(
                    dbc.Button(
                        "Open",
                        id={"type": ids.MODELS_RUN_OPEN, "job": job.id},
                        size="sm",
                        color="link",
                        className="p-0",
                    )
                ),
            ]
        )
        for job in runs
    ]
    head = html.Thead(
        html.Tr(
            [
                html.Th(h) if h else html.Td()  # an empty header names nothing
                for h in ("Started", "Dataset", "Target", "Horizon", "Status", "")
            ]
        )
    )
    return small_table([head, html.Tbody(rows)], class_name=None)


def _seconds(value: float | None, style: NumberStyle = DEFAULT_STYLE) -> str:
    return "—" if value is None else f"{format_number(value, style, digits=1)} s"


def dataset_line(
    info: DatasetInfo,
    *below: Any,
    version: bool = False,
    change: bool = False,
    style: NumberStyle = DEFAULT_STYLE,
) -> html.Div:
    """The page's dataset: its name, (version,) rows, and any notes below it."""
    counts = f" · {format_number(info.profile.rows, style)} rows"
    if version:
        counts = f" · version {info.version_number}" + counts
    return html.Div(
        [
            html.I(className="bi bi-table me-2"),
            html.Strong(info.name),
            html.Span(counts, className="text-secondary"),
            html.A("change", href="/upload", className="ms-2 small")
            if change
            else None,
            *below,
        ]
    )


def _narrow_range(
    board: list[dict[str, Any]], model: str, style: NumberStyle = DEFAULT_STYLE
) -> Any:
    """A warning when the chosen model's 80% range missed far too often."""
    chosen = scored(next((row for row in board if row["model"] == model), {}))
    hit = chosen.get("coverage")
    if hit is None or hit >= COVERAGE_LOW:  # the report's words use the same line
        return None
    return dbc.Alert(
        "In the backtests the chosen model's own 80% range caught only "
        f"{percent(100 * hit, style=style)} of the actual values, so the ranges "
        "shown are widened to what the backtests showed. Still, expect more "
        "surprises than usual from this series.",
        color="warning",
        className="small py-2",
        id=ids.MODELS_NARROW_RANGE,
    )


def forecast_summary(summary: Narrative) -> html.Div:
    """The report's headline and, when the forecast shows no change while the history
    has a strong trend, the sentence that says so and why (the same words as the
    Export page, the workbook and the PDF)."""
    return html.Div(
        [
            html.H2(
                summary.headline, className="h5 mb-1", id="models-summary-headline"
            ),
            html.P(summary.trend_note, className="small mb-0", id="models-trend-note")
            if summary.trend_note
            else None,
        ],
        className="mt-3",
        id="models-summary",
    )


def _scope(series: str | None, boards: dict[str, Any]) -> str:
    """Whose scores the leaderboard shows: " of North", or the mean over the series."""
    if series in boards:
        return f" of {series}"
    return f" (mean over the {len(boards)} series)" if len(boards) > 1 else ""


def scores_table(
    info: ForecastInfo,
    series: str | None = None,
    summary: Narrative | None = None,
    style: NumberStyle = DEFAULT_STYLE,
    notes: list[str] | None = None,
) -> html.Div:
    """The leaderboard of the backtests (over all series, or for one), the chosen
    model marked, each row usable; a failed model shows "—" and its reason.

    ``summary`` (the report's :class:`Narrative` of this forecast) puts its headline
    above the table. ``notes`` are the forecast's notes as they stand now
    (``override_totals.forecast_notes``; by default those it was made with)."""
    boards = info.metrics.get("series_leaderboards") or {}
    overall = info.metrics.get("leaderboard", [])
    board = boards.get(series) or overall
    # Fit times are kept for the whole comparison (a global model fits all at once).
    seconds = {row["model"]: row.get("fit_seconds") for row in overall}
    shown = [scored(row) for row in board]
    rows = []
    for row in shown:
        chosen = row["model"] == info.model
        use = (
            dbc.Badge("chosen", color="success")
            if chosen
            else dbc.Button(
                "Use",
                id={"type": ids.MODELS_USE, "model": row["model"]},
                size="sm",
                color="link",
                className="p-0",
            )
            if not row["error"] and row["model"] != "combination"
            else None
        )
        coverage = row["coverage"]
        rows.append(
            html.Tr(
                [
                    html.Td(row["name"]),
                    html.Td(number(row["mase"], style)),
                    html.Td(percent(row["smape"], style=style)),
                    html.Td(
                        percent(
                            None if coverage is None else 100 * coverage, style=style
                        )
                    ),
                    html.Td(number(row["msis"], style)),
                    html.Td(_seconds(seconds.get(row["model"]), style)),
                    html.Td(row["reason"] or "", className="small text-danger"),
                    html.Td(use),
                ],
                className="table-success" if chosen else None,
            )
        )
    head = html.Thead(
        html.Tr(
            [
                html.Th(h) if h else html.Td()  # an empty header names nothing
                for h in (
                    "Model",
                    "MASE",
                    "sMAPE",
                    "80% range hit rate",
                    "MSIS",
                    "Fit time" + (" (all series)" if series in boards else ""),
                    "Why it failed" if any(r["reason"] for r in shown) else "",
                    "",
                )
            ]
        )
    )
    notes_now = info.metrics.get("notes", []) if notes is None else notes
    items = [html.Li(n) for n in notes_now]
    return html.Div(
        [
            forecast_summary(summary) if summary else None,
            html.H2(
                "How the models did on backtests"
                + _scope(series, boards)
                + ": each model forecast stretches of the history it had not seen",
                className="h6 mt-3",
            ),
            small_table(
                [head, html.Tbody(rows)],
                id_="models-leaderboard-table",
                class_name=None,
            ),
            html.P(
                "Lower MASE and sMAPE are better. MASE measures the error against a "
                "simple yardstick (repeating the last season), so compare the rows: "
                "a model worth using scores well below Seasonal naive. The 80% range "
                "should hit about 80% of the actual values; MSIS scores the ranges "
                "(narrow ranges that still catch the actual values score lower, "
                "which is better).",
                className="small text-secondary",
            ),
            _narrow_range(board, info.model, style),
            levels_table(info.metrics.get("levels"), style),
            html.Ul(items, className="small text-secondary") if items else None,
        ]
    )
