"""Why a model has no score, in words a user can read, and never a raw exception.

The model layer writes a plain sentence when a model fails ("Needs at least 30
points; this series has 15."). Every display of a leaderboard row (the workbook, the
PDF, the Models page, the report's charts) asks this module for the reason and for the
scores, so a failed model shows "—" and its reason everywhere, and text that looks like
a Python exception is replaced by :data:`FALLBACK` as a last line of defence.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

FALLBACK = "This model could not be fitted to this data."
# The leaderboard's scores; a failed model has none of them, whatever its row holds.
SCORES = ("mase", "smape", "mape", "mae", "rmse", "coverage", "msis")
# What a Python exception looks like when it is printed: its class name followed by
# ":" or "(" ("IndexError: …", "ValueError(…)", "IndexError (series North): …"), a
# traceback, or phrases only the interpreter and numpy write.
_EXCEPTION = re.compile(
    r"Traceback|File \"[^\"]*\", line \d+"
    r"|\b(?:[A-Za-z_][\w.]*)?(?:Error|Exception)\s*(?:[:(]|$)"
    r"|\b[A-Za-z_][\w.]*Warning\s*[:(]|\bStopIteration\b|\bKeyboardInterrupt\b"
    r"|\bNoneType\b|object has no attribute|is not subscriptable|unsupported operand"
    r"|unexpected keyword argument|positional argument|out of bounds for axis"
    r"|<class '|<built-in"
)


def failure_reason(error: object) -> str | None:
    """The reason a display shows for a failed model (``None`` when it did not fail).

    Parameters
    ----------
    error
        The row's ``error``: a sentence from the model layer, or ``None``.

    Examples
    --------
    >>> failure_reason("Needs at least 30 points; this series has 15.")
    'Needs at least 30 points; this series has 15.'
    >>> failure_reason("IndexError: index 0 is out of bounds for axis 0 with size 0")
    'This model could not be fitted to this data.'
    >>> failure_reason(None) is None
    True

    """
    if error is None:
        return None
    text = str(error).strip()
    if not text:
        return None
    return FALLBACK if _EXCEPTION.search(text) else text


def failed(row: Mapping[str, Any]) -> bool:
    """Whether a leaderboard row is a model that failed (it then has no score)."""
    return failure_reason(row.get("error")) is not None


def score(row: Mapping[str, Any], key: str) -> float | None:
    """A row's score ``key``; ``None`` when the model failed or the score is undefined.

    Examples
    --------
    >>> score({"mase": 0.8, "error": None}, "mase")
    0.8
    >>> score({"mase": 0.0, "error": "Needs at least 30 points."}, "mase") is None
    True

    """
    value = row.get(key)
    if failed(row) or isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


def scored(row: Mapping[str, Any]) -> dict[str, Any]:
    """The row as a display shows it.

    A failed model's scores are blanked, and ``error`` is :func:`failure_reason`'s.
    ``reason`` is what the display writes beside the scores: why the model failed, or
    on which series it failed while it scored on the others (the row's ``note``).
    """
    shown = dict(row)
    shown.update({key: score(row, key) for key in SCORES})
    shown["error"] = failure_reason(row.get("error"))
    shown["note"] = failure_reason(row.get("note"))
    shown["reason"] = shown["error"] or failure_reason(row.get("note"))
    return shown
