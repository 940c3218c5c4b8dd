"""What the values of a callback request may be: the callback's types, the stores'
references, the router's paths, the fixed options."""

from __future__ import annotations

import functools
import inspect
import typing
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

import dash
from pydantic import BaseModel, ConfigDict, StringConstraints, TypeAdapter
from pydantic import ValidationError as PydanticValidationError

from callbacks.guard.shape import (
    Dependencies,
    Refused,
    bare,
    declared_outputs,
    first_error,
)
from components import ids


class _Ref(BaseModel):
    """A store's reference: these keys are read, others are kept as they are."""

    model_config = ConfigDict(strict=True, extra="allow")


class DatasetRef(_Ref):
    """The shell's current dataset."""

    dataset_id: str
    version_id: str | None = None


class UploadResult(_Ref):
    """What ``assets/upload.js`` hands over after an upload: the kept file's id."""

    upload_id: str
    name: str = ""


class UploadRead(_Ref):
    """The dataset the upload page's background read made."""

    dataset_id: str


class AnalysisJobRef(_Ref):
    """A full analysis running as a job."""

    job_id: str
    dataset_id: str
    target: str | None = None
    series: str | None = None


class AnalysisRef(_Ref):
    """A finished full analysis."""

    analysis_id: str
    dataset_id: str
    target: str | None = None
    series: str | None = None


class JobRef(_Ref):
    """A forecast job."""

    job_id: str


class ForecastRef(_Ref):
    """A finished forecast."""

    forecast_id: str


PagePath = Annotated[str, StringConstraints(pattern=r"^/")]
# (component id, property) -> what it may hold, in place of the type the callback's
# parameter declares.
VALUES: dict[tuple[str, str], Any] = {
    (ids.DATASET_STORE, "data"): DatasetRef,
    (ids.UPLOAD_RESULT_STORE, "data"): UploadResult,
    (ids.UPLOAD_ADD_STORE, "data"): UploadResult,
    (ids.UPLOAD_READ_STORE, "data"): UploadRead,
    (ids.EXPLORE_JOB_STORE, "data"): AnalysisJobRef,
    (ids.EXPLORE_FULL_RESULT, "data"): AnalysisRef,
    (ids.MODELS_JOB_STORE, "data"): JobRef,
    (ids.MODELS_FORECAST_STORE, "data"): ForecastRef,
    (ids.SCENARIO_JOB_STORE, "data"): JobRef,
    (ids.SCENARIO_RESULT_STORE, "data"): ForecastRef,
    # Dash's page router: it fails on a path that does not start with "/".
    ("_pages_location", "pathname"): PagePath,
    ("_pages_location", "search"): str,
    (ids.URL, "pathname"): PagePath,
    # A number field: a browser sends what was typed (12.5); the callback rounds it.
    (ids.MODELS_HORIZON, "value"): float,
}


def parameters(spec: dict[str, Any]) -> Callable[[int], Any]:
    """Position among inputs and states -> the annotation of the parameter it feeds."""
    function = inspect.unwrap(spec["callback"])
    hints = _hints(function)
    indices = spec.get("inputs_state_indices")
    if isinstance(indices, dict):  # dict-style inputs feed keyword parameters
        by_index = {i: hints.get(name, Any) for name, i in indices.items()}
        return lambda position: by_index.get(position, Any)
    names = [
        p.name
        for p in inspect.signature(function).parameters.values()
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
    ]
    if (spec.get("background") or {}).get("progress"):
        names = names[1:]  # a background callback with progress: set_progress first
    return lambda position: (
        hints.get(names[position], Any) if position < len(names) else Any
    )


@functools.cache
def _hints(function: Callable[..., Any]) -> dict[str, Any]:
    try:
        return typing.get_type_hints(function)
    except Exception:  # an annotation that cannot be resolved checks nothing
        return {}


@dataclass(frozen=True)
class LayoutFacts:
    """What the static layout fixes, for values no callback changes.

    Attributes
    ----------
    choices
        Component id -> the values its fixed options offer.
    always_set
        (component id, property) pairs the layout sets: the browser never sends
        ``None`` for them. Any other property may be unset, so ``None`` is allowed.

    """

    choices: dict[str, set[str]]
    always_set: frozenset[tuple[str, str]]


@functools.cache
def layout_facts(app: dash.Dash) -> LayoutFacts:
    """The facts of the layout Dash validates callbacks with (all pages and shell)."""
    changed = {
        (out["id"], bare(out["property"]))
        for key in app.callback_map
        for out in declared_outputs(key)
    }
    choices: dict[str, set[str]] = {}
    always_set: set[tuple[str, str]] = set()
    layout = getattr(app, "validation_layout", None) or app.layout
    for component in layout._traverse():
        component_id = getattr(component, "id", None)
        if not isinstance(component_id, str):
            continue
        for prop in component._prop_names:
            if (component_id, prop) in changed:
                continue
            value = getattr(component, prop, None)
            if value is not None:
                always_set.add((component_id, prop))
            if prop == "options" and value:
                choices[component_id] = {str(v) for v in _option_values(value)}
    return LayoutFacts(choices, frozenset(always_set))


def _option_values(options: Any) -> list[Any]:
    if isinstance(options, dict):  # {value: label}
        return list(options)
    return [o.get("value") if isinstance(o, dict) else o for o in options]


def check_value(
    dependency: dict[str, Any], item: Dependencies, annotation: Any, facts: LayoutFacts
) -> None:
    """The value has the type ``VALUES`` gives, else the parameter's annotation
    (``None`` for a property the layout leaves unset); a choice among fixed options
    is one of them (for a list, each of them)."""
    key = (dependency["id"], dependency["property"])
    name = "{}.{}".format(*key)
    value = [one.value for one in item] if isinstance(item, list) else item.value
    if value is None and key not in facts.always_set:
        return
    rule = VALUES.get(key, annotation)
    if rule is not Any:
        try:
            _adapter(rule).validate_python(value, strict=True)
        except PydanticValidationError as exc:
            raise Refused(f"{name}: {first_error(exc)}") from None
    choices = facts.choices.get(key[0])
    if choices is not None and key[1] == "value" and not isinstance(item, list):
        chosen = value if isinstance(value, list) else [value]
        if any(c is not None and str(c) not in choices for c in chosen):
            raise Refused(f"{name} is not one of its options")


@functools.cache
def _adapter(rule: Any) -> TypeAdapter[Any]:
    return TypeAdapter(rule)
