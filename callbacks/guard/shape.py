"""The shape of a callback request: the dependencies it lists are the callback's."""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, ConfigDict
from pydantic import ValidationError as PydanticValidationError

IdValue = str | int | float | bool
ComponentId = str | dict[str, IdValue]
WILDCARDS = ("ALL", "ALLSMALLER", "MATCH")


class Dependency(BaseModel):
    """An output, input or state as the renderer names it (inputs carry a value)."""

    model_config = ConfigDict(strict=True)
    id: ComponentId
    property: str
    value: Any = None


Dependencies = Dependency | list[Dependency]


class CallbackRequest(BaseModel):
    """The body of ``/_dash-update-component``."""

    model_config = ConfigDict(strict=True)
    output: str
    outputs: Dependency | list[Dependencies]
    inputs: list[Dependencies]
    state: list[Dependencies] = []
    changedPropIds: list[str] = []  # noqa: N815  (Dash's name)


class Refused(Exception):
    """A callback request that does not fit its callback; the message says how."""


def first_error(exc: PydanticValidationError) -> str:
    """The first problem pydantic found, without the value."""
    first = exc.errors()[0]
    where = ".".join(str(part) for part in first["loc"])
    return f"{where}: {first['msg']}" if where else str(first["msg"])


def check_outputs(output: str, sent: Any) -> None:
    """The outputs sent are the callback's (its id lists them)."""
    declared = declared_outputs(output)
    if len(declared) == 1:
        match_all("outputs", declared, [sent], output=True)
    elif isinstance(sent, list):
        match_all("outputs", declared, sent, output=True)
    else:
        raise Refused("the callback has several outputs, not one")


def declared_outputs(output: str) -> list[dict[str, Any]]:
    """The outputs a callback's id (``..a.children...b.style..``) names."""
    parts = output[2:-2].split("...") if output.startswith("..") else [output]
    declared = []
    for part in parts:
        id_, prop = part.rsplit(".", 1)
        declared.append({"id": id_, "property": prop})
    return declared


def _pattern(declared_id: str) -> dict[str, Any] | None:
    """A pattern-matching id as Dash stores it (``{"type": "x", "index": ["ALL"]}``)."""
    if not declared_id.startswith("{"):
        return None
    pattern: dict[str, Any] = json.loads(declared_id)
    return pattern


def _wildcard(value: Any) -> str | None:
    if isinstance(value, list) and len(value) == 1 and value[0] in WILDCARDS:
        return str(value[0])
    return None


def match_all(
    what: str,
    declared: list[dict[str, Any]],
    sent: list[Any],
    output: bool = False,
) -> None:
    if len(declared) != len(sent):
        raise Refused(f"the callback takes {len(declared)} {what}, not {len(sent)}")
    for dependency, item in zip(declared, sent, strict=True):
        _match(dependency, item, output)


def _match(dependency: dict[str, Any], item: Any, output: bool) -> None:
    """The item is the declared dependency (or, for a pattern, what it matches)."""
    declared_id, prop = dependency["id"], bare(dependency["property"])
    name = f"{declared_id}.{prop}"
    pattern = _pattern(declared_id)
    many = pattern is not None and any(
        _wildcard(v) in ("ALL", "ALLSMALLER") for v in pattern.values()
    )
    if many != isinstance(item, list):
        raise Refused(f"{name} is {'a list' if many else 'one component'}")
    for one in item if isinstance(item, list) else [item]:
        if not isinstance(one, Dependency):
            raise Refused(f"{name} is sent as a list of lists")
        if bare(one.property) != prop:
            raise Refused(f"{name} is sent as property {one.property!r}")
        if pattern is None:
            if one.id != declared_id:
                raise Refused(f"{name} is sent for another component")
        elif not _fits(pattern, one.id):
            raise Refused(f"{name} is sent for a component it does not match")
        if output and "value" in one.model_fields_set:
            raise Refused(f"the output {name} carries a value")


def bare(prop: str) -> str:
    """A property without the ``@hash`` Dash adds to duplicate outputs."""
    return prop.split("@", 1)[0]


def _fits(pattern: dict[str, Any], sent: ComponentId) -> bool:
    if not isinstance(sent, dict) or set(sent) != set(pattern):
        return False
    return all(
        _wildcard(value) is not None or sent[key] == value
        for key, value in pattern.items()
    )


def check_changed(changed: list[str], inputs: list[Dependencies]) -> None:
    """Each changed property names one of the inputs sent (Dash parses its id)."""
    sent = {
        (json.dumps(one.id, sort_keys=True), one.property)
        for item in inputs
        for one in (item if isinstance(item, list) else [item])
    }
    for prop_id in changed:
        id_text, _, prop = prop_id.rpartition(".")
        try:
            parsed = json.loads(id_text) if id_text.startswith("{") else id_text
        except ValueError:
            raise Refused("a changed property names no input") from None
        if (json.dumps(parsed, sort_keys=True), prop) not in sent:
            raise Refused("a changed property names no input")


def check_patterns(declared: list[dict[str, Any]], items: list[Any]) -> None:
    """Dependencies on one pattern (its values, its ids) list the same components."""
    seen: dict[str, list[str]] = {}
    for dependency, item in zip(declared, items, strict=True):
        if isinstance(item, list):
            found = [json.dumps(one.id, sort_keys=True) for one in item]
            if seen.setdefault(dependency["id"], found) != found:
                raise Refused(f"{dependency['id']} lists different components")
