"""The report's "Why the model says so" section: the forecast's explanation.

A report never fails for want of an explanation: one that cannot be made leaves the
section out (the log says why).
"""

from __future__ import annotations

import logging

from services import explanations
from services.explanations import Explanation
from services.numbers import DEFAULT_STYLE, NumberStyle

log = logging.getLogger(__name__)


def for_report(
    user_id: int, forecast_id: str, style: NumberStyle = DEFAULT_STYLE
) -> Explanation | None:
    """The forecast's explanation in ``style``, or None when it cannot be made."""
    try:
        return explanations.explain(user_id, forecast_id, style)
    except Exception:  # the report goes on without the section
        log.exception("no explanation for the report of forecast %s", forecast_id)
        return None
