"""The Models page's Track card: how the shown forecast did, its refreshes, sharing."""

from __future__ import annotations

from datetime import datetime

import dash_bootstrap_components as dbc
from dash import dcc, html

from components import ids
from components.tables import small_table
from services.numbers import NumberStyle, format_number
from services.refresh import NOTE_MAX_CHARS, HistoryEntry

NO_ACTUALS = "No actual values for the forecast's months yet: add newer data on the "


def track_card() -> dbc.Card:
    """The static card; callbacks fill the verdict, chart, history and share box."""
    actions = html.Div(
        [
            dbc.Button(
                [
                    html.I(className="bi bi-arrow-repeat me-1"),
                    "Refresh with the latest data",
                ],
                id=ids.TRACK_REFRESH_BUTTON,
                color="primary",
                size="sm",
                className="me-2",
            ),
            share_button(ids.TRACK_SHARE_BUTTON, className="me-3"),
            dbc.Switch(
                id=ids.TRACK_AUTO_SWITCH,
                label="Refresh automatically when new data is added",
                value=False,
                className="d-inline-block mb-0",
            ),
        ],
        className="d-flex flex-wrap align-items-center gap-2 mb-2",
    )
    note = dbc.InputGroup(
        [
            dbc.Textarea(
                id=ids.TRACK_NOTE_INPUT,
                placeholder="A note for this forecast, e.g. “includes the March "
                "promotion”",
                maxLength=NOTE_MAX_CHARS,
                rows=1,
            ),
            dbc.Button("Save note", id=ids.TRACK_NOTE_SAVE, color="outline-secondary"),
        ],
        size="sm",
        className="mb-2",
    )
    return dbc.Card(
        dbc.CardBody(
            [
                html.H2("Track: how this forecast is doing", className="h5 card-title"),
                html.Div(id=ids.TRACK_ALERT),
                html.Div(id=ids.TRACK_VERDICT, className="mb-2"),
                html.Div(id=ids.TRACK_OVERRIDES, className="mb-2"),
                html.Div(id=ids.TRACK_NOTE_TEXT, className="mb-2"),
                actions,
                dbc.Label(
                    "Note on this forecast",
                    html_for=ids.TRACK_NOTE_INPUT,
                    className="small mb-0",
                ),
                note,
                html.Div(id=ids.TRACK_SHARE_BOX),
                dbc.RadioItems(
                    id=ids.TRACK_VIEW,
                    options=[
                        {"label": "The series chosen above", "value": "series"},
                        {"label": "All series added up", "value": "total"},
                    ],
                    value="series",
                    inline=True,
                    className="small",
                    style={"display": "none"},  # shown when there are several
                ),
                dcc.Graph(id=ids.TRACK_GRAPH, config={"displaylogo": False}),
                html.H3("Refresh history", className="h6 mt-2"),
                html.Div(id=ids.TRACK_HISTORY),
            ]
        ),
        id=ids.TRACK_CARD,
        className="shadow-sm mt-3",
    )


def verdict_text(message: str, has_actuals: bool) -> html.Div:
    """The verdict in a sentence, or where newer data is added when there is none."""
    if has_actuals:
        return html.Div(message, className="lead fs-6")
    return html.Div(
        [NO_ACTUALS, html.A("Upload page", href="/upload"), "."],
        className="lead fs-6",
    )


def note_text(note: str | None) -> html.Div | None:
    """The owner's note as shown on the page."""
    if not note:
        return None
    return html.Div(
        [html.I(className="bi bi-sticky me-1"), html.Strong("Note: "), note],
        className="small",
    )


def history_table(
    entries: list[HistoryEntry],
    realised: dict[str, float | None],
    shown_id: str,
    style: NumberStyle,
) -> dbc.Table:
    """The refreshes, oldest first: when, which model, realised MASE, a Show button."""
    rows = []
    for entry in entries:
        mase = realised.get(entry.id)
        shown = entry.id == shown_id
        rows.append(
            html.Tr(
                [
                    html.Td(f"{entry.created_at:%Y-%m-%d %H:%M}"),
                    html.Td(entry.model_name),
                    html.Td(
                        format_number(mase, style)
                        if mase is not None
                        else "no actuals yet"
                    ),
                    html.Td(
                        html.Span("shown", className="text-secondary small")
                        if shown
                        else dbc.Button(
                            "Show",
                            id={"type": ids.TRACK_OPEN, "forecast": entry.id},
                            color="link",
                            size="sm",
                            className="p-0",
                        )
                    ),
                ],
                className="table-active" if shown else None,
            )
        )
    head = html.Thead(
        html.Tr(
            [
                html.Th("Made"),
                html.Th("Model"),
                html.Th("Error on the actual values (MASE, lower is better)"),
                html.Th(html.Span("Show", className="sr-label")),
            ]
        )
    )
    return small_table([head, html.Tbody(rows)])


def share_button(id_: str, className: str = "") -> dbc.Button:  # noqa: N803
    """The button that makes a read-only link (Models' Track card, Export)."""
    return dbc.Button(
        [html.I(className="bi bi-link-45deg me-1"), "Share a read-only link"],
        id=id_,
        color="outline-primary",
        size="sm",
        className=className,
    )


def share_box(
    url: str,
    expires_at: datetime,
    url_id: str = ids.TRACK_SHARE_URL,
    copy_id: str = ids.TRACK_SHARE_COPY,
) -> html.Div:
    """The new link, read-only with a copy button, and when it stops working
    (``url_id``, ``copy_id``: the ids of its field and copy button on the page)."""
    return html.Div(
        [
            dbc.Label("Read-only link", html_for=url_id, className="small mb-0"),
            dbc.InputGroup(
                [
                    dbc.Input(id=url_id, value=url, readonly=True),
                    dbc.InputGroupText(
                        dcc.Clipboard(
                            target_id=url_id, id=copy_id, title="Copy the link"
                        )
                    ),
                ],
                size="sm",
            ),
            html.Div(
                f"Anyone with this link can see this forecast, without signing in, "
                f"until {expires_at:%Y-%m-%d}.",
                className="small text-secondary mt-1",
            ),
        ],
        className="mb-2",
    )
