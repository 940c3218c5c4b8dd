"""Labelled fields: every input of a card is named by the label above it."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
import pytest

from components.controls import labeled_field
from components.overrides import overrides_card
from components.scenarios import scenario_card


def _walk(node: Any) -> list[Any]:
    found = [node]
    children = getattr(node, "children", None)
    if isinstance(children, list | tuple):
        for child in children:
            found += _walk(child)
    elif children is not None and not isinstance(children, str):
        found += _walk(children)
    return found


@pytest.mark.parametrize("card", [overrides_card, scenario_card])
def test_every_input_of_the_card_is_named_by_a_label(card: Any) -> None:
    nodes = _walk(card())
    named = {n.html_for for n in nodes if isinstance(n, dbc.Label)}
    inputs = [n.id for n in nodes if isinstance(n, dbc.Input | dbc.Select)]
    assert inputs
    assert set(inputs) <= named


def test_a_field_names_its_control_or_the_input_inside_its_group() -> None:
    alone = labeled_field("Title", dbc.Input(id="export-title-input"), 4)
    assert alone.children[0].html_for == "export-title-input" and alone.md == 4
    group = dbc.InputGroup([dbc.Input(id="name-input"), dbc.Button("Go")])
    assert labeled_field("Name", group, names="name-input").children[0].html_for == (
        "name-input"
    )


def test_a_switch_keeps_its_own_label_and_a_pattern_id_is_named_as_dash_writes_it() -> (
    None
):
    switch = labeled_field("Several series", dbc.Switch(id="s", label="Best"))
    assert switch.children[0].html_for is None
    pattern = labeled_field("Value", dbc.Input(id={"type": "step", "field": "value"}))
    assert pattern.children[0].html_for == '{"field":"value","type":"step"}'
