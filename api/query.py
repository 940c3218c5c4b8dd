"""Query parameters are checked against the OpenAPI document before a route runs.

Every endpoint's query parameters are declared once, in ``api.openapi.QUERY``; this
module refuses a value that does not fit its declaration with a 422, so no route
receives a number too large for the data libraries, a word where a number belongs or
a choice the document does not list.
"""

from __future__ import annotations

import math
import re
from typing import Any

from werkzeug.datastructures import MultiDict

from services.errors import InvalidInputError

# Integers are 64-bit where they meet Polars and Arrow (``format: int64``).
INT64 = (-(2**63), 2**63 - 1)
WHOLE = re.compile(r"[+-]?\d{1,19}")


def openapi_path(rule: str) -> str:
    """The document's path for a Flask rule: ``/a/<b>`` → ``/a/{b}``."""
    return re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule)


def check_query(
    parameters: list[tuple[str, dict[str, Any]]],
    required: set[str],
    args: MultiDict[str, str],
) -> None:
    """Check the query string against its declared parameters.

    Parameters
    ----------
    parameters
        The endpoint's parameters as the document declares them: name and schema.
    required
        The names that must be given.
    args
        The request's query string.

    Raises
    ------
    InvalidInputError
        For a missing required parameter or a value outside its schema.

    """
    for name, schema in parameters:
        text = args.get(name)
        if text is None:
            if name in required:
                raise InvalidInputError(f"Give {name}= in the query string.")
            continue
        _check_value(name, text, schema)


def _check_value(name: str, text: str, schema: dict[str, Any]) -> None:
    kind = schema.get("type")
    value: Any = text
    if kind == "integer":
        low = max(schema.get("minimum", INT64[0]), INT64[0])
        high = min(schema.get("maximum", INT64[1]), INT64[1])
        if not WHOLE.fullmatch(text) or not low <= int(text) <= high:
            raise InvalidInputError(
                f"{name} must be a whole number from {low} to {high}."
            )
        value = int(text)
    elif kind == "number":
        value = _number(name, text, schema)
    elif kind == "boolean":
        if text not in ("true", "false"):
            raise InvalidInputError(f"{name} must be true or false.")
    if "enum" in schema and value not in schema["enum"]:
        quoted = [f"“{choice}”" for choice in schema["enum"]]
        choices = " or ".join(
            [", ".join(quoted[:-1]), quoted[-1]] if quoted[1:] else quoted
        )
        raise InvalidInputError(f"{name} must be {choices}.")


def _number(name: str, text: str, schema: dict[str, Any]) -> float:
    low, high = schema.get("exclusiveMinimum"), schema.get("maximum")
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if (
        not math.isfinite(value)
        or (low is not None and value <= low)
        or (high is not None and value > high)
    ):
        bounds = [f"above {low}"] if low is not None else []
        bounds += [f"at most {high}"] if high is not None else []
        raise InvalidInputError(
            " ".join([f"{name} must be a number", " and ".join(bounds)]).strip() + "."
        )
    return value
