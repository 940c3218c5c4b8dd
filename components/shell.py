"""The frame around every page: the navigation bar with the workflow steps."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from components import ids

# (path, label, icon, built yet?); a step's key (services.steps.STEPS) is its path
STEPS = [
    ("/upload", "Upload", "bi-cloud-arrow-up", True),
    ("/columns", "Columns", "bi-layout-three-columns", True),
    ("/cleaning", "Cleaning", "bi-stars", True),
    ("/explore", "Explore", "bi-graph-up", True),
    ("/models", "Models", "bi-cpu", True),
    ("/export", "Export", "bi-box-arrow-up-right", True),
]


def step_key(path: str) -> str:
    """The key of the step at ``path``: ``"/models"`` -> ``"models"``."""
    return path.strip("/")


def done_mark() -> list[html.Span | html.I]:
    """What a finished step shows: a check mark, and "done" for screen readers."""
    return [
        html.I(
            className="bi bi-check-circle-fill ms-1 step-done",
            **{"aria-hidden": "true"},
        ),
        html.Span(" (done)", className="visually-hidden"),
    ]


def navbar() -> dbc.Navbar:
    """Brand, the six steps in order (unbuilt ones marked), the user menu."""
    steps = []
    for number, (path, label, icon, built) in enumerate(STEPS, start=1):
        badge = (
            []
            if built
            else [
                dbc.Badge(
                    "soon",
                    color="light",
                    text_color="secondary",
                    className="ms-1 step-soon",
                )
            ]
        )
        steps.append(
            dbc.NavItem(
                dbc.NavLink(
                    [
                        html.Span(str(number), className="step-number"),
                        html.I(className=f"bi {icon} me-1"),
                        label,
                        *badge,
                        # a check mark once the step is done for the current dataset
                        html.Span(
                            id={"type": ids.NAV_STEP_DONE, "step": step_key(path)}
                        ),
                    ],
                    href=path,
                    active="exact",
                    className="step-link",
                )
            )
        )
    user_menu = dbc.DropdownMenu(
        [
            dbc.DropdownMenuItem(
                [html.I(className="bi bi-gear me-2"), "Settings"], href="/settings"
            ),
            dbc.DropdownMenuItem(divider=True),
            # assets/session.js turns the click into a POST with the CSRF token;
            # without scripts the link opens a page that asks to confirm.
            dbc.DropdownMenuItem(
                [html.I(className="bi bi-box-arrow-right me-2"), "Sign out"],
                href="/logout",
                external_link=True,
                className="sign-out",
            ),
        ],
        label=html.Span(id=ids.NAV_USER, children="Account"),
        align_end=True,
        nav=True,
        in_navbar=True,
    )
    return dbc.Navbar(
        dbc.Container(
            [
                dbc.NavbarBrand(
                    [
                        html.Span(
                            "▲", className="brand-mark", **{"aria-hidden": "true"}
                        ),
                        " Forecast Studio",
                    ],
                    href="/",
                ),
                dbc.Nav(steps, className="steps me-auto", navbar=True),
                dbc.Nav([user_menu], navbar=True),
            ],
            fluid=True,
        ),
        color="white",
        dark=False,
        className="shadow-sm app-navbar",
        sticky="top",
    )


def shell(page: object) -> html.Div:
    """The whole app: navigation, the app-wide stores and the current page."""
    return html.Div(
        [
            dcc.Location(id=ids.URL),
            dcc.Store(id=ids.DATASET_STORE, storage_type="session"),
            dcc.Store(id=ids.EXPLORED_STORE, storage_type="session"),
            dcc.Store(id=ids.STEPS_CHANGED_STORE, data=0),
            navbar(),
            # the page is the document's main landmark, after the navigation bar
            dbc.Container(page, fluid="lg", className="py-4 page", tag="main"),
        ]
    )


def page_header(title: str, lead: str) -> html.Div:
    """A page's title (the page's one first-level heading) and what it is for."""
    return html.Div(
        [
            html.H1(title, className="page-title h2 mb-1"),
            html.P(lead, className="text-secondary mb-4"),
        ]
    )


def next_step(href: str, label: str) -> html.Div:
    """The button that ends a page: where to go next, e.g. "Next: clean"."""
    return html.Div(
        dbc.Button(
            [
                label,
                html.I(className="bi bi-arrow-right ms-2", **{"aria-hidden": "true"}),
            ],
            href=href,
            color="primary",
        ),
        className="next-step d-flex justify-content-end mt-4 pt-3 border-top",
    )


def not_built(
    title: str, what: list[str], meanwhile: str, href: str, link_text: str
) -> html.Div:
    """A plain statement that a step is not built yet, and where to go instead."""
    return html.Div(
        [
            page_header(title, "This step is not built yet."),
            dbc.Alert(
                [
                    html.H2(
                        [
                            html.I(className="bi bi-cone-striped me-2"),
                            "Coming in a later release",
                        ],
                        className="h5 alert-heading",
                    ),
                    html.P("When it is ready, this page will let you:"),
                    html.Ul([html.Li(item) for item in what]),
                    html.Hr(),
                    html.P(meanwhile, className="mb-2"),
                    dbc.Button(link_text, href=href, color="primary"),
                ],
                color="light",
                className="border",
            ),
        ]
    )
