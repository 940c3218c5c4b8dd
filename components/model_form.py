"""Forms built from the catalog's parameter schemas, and read back into parameters."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import html

from components import ids
from services.models import CATALOG

AUTO = "auto"


def _field(key: str, name: str, prop: dict[str, Any]) -> dbc.Col:
    """One input: a number box with the schema's bounds, or a yes/no choice."""
    options = prop.get("anyOf", [prop])
    kind = next((o["type"] for o in options if o.get("type") != "null"), "string")
    optional = any(o.get("type") == "null" for o in options)
    bounds = next((o for o in options if o.get("type") == kind), prop)
    control_id = {"type": ids.MODELS_PARAM, "model": key, "param": name}
    default = prop.get("default")
    if kind == "boolean":
        choices = [{"label": "Yes", "value": "true"}, {"label": "No", "value": "false"}]
        if optional:
            choices.insert(0, {"label": "Automatic", "value": AUTO})
        value = AUTO if default is None else str(default).lower()
        control: Any = dbc.Select(id=control_id, options=choices, value=value)
    else:
        control = dbc.Input(
            id=control_id,
            type="number",
            min=bounds.get("minimum"),
            max=bounds.get("maximum"),
            step=1 if kind == "integer" else "any",
            value=default,
            placeholder="Automatic" if default is None else None,
        )
    return dbc.Col(
        [
            dbc.Label(prop.get("title", name), className="small mb-0"),
            control,
            dbc.FormText(prop.get("description", "")),
        ],
        md=4,
        lg=3,
    )


def params_forms(keys: list[str] | None) -> list[Any]:
    """A card of settings for every chosen model that has any."""
    cards = []
    for key in keys or []:
        spec = CATALOG.get(key)
        props = spec.schema().get("properties", {}) if spec else {}
        if spec and props:
            cards.append(
                dbc.Card(
                    dbc.CardBody(
                        [
                            html.H2(f"{spec.name} settings", className="h6 mb-2"),
                            dbc.Row(
                                [_field(key, n, p) for n, p in props.items()],
                                className="g-2",
                            ),
                        ]
                    ),
                    className="mb-2",
                )
            )
    return cards


def read_params(
    chosen: list[str], values: list[Any], controls: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """The chosen models with the settings the user gave (blank: the default)."""
    params: dict[str, dict[str, Any]] = {key: {} for key in chosen}
    for control, value in zip(controls, values, strict=True):
        key, name = control["id"]["model"], control["id"]["param"]
        if key not in params or value in (None, "", AUTO):
            continue
        params[key][name] = {"true": True, "false": False}.get(value, value)
    return [
        {"key": key, "params": given} if given else {"key": key}
        for key, given in params.items()
    ]
