"""A failed model shows its reason and no score; exception text never reaches a user."""

from __future__ import annotations

import pytest

from services.reports.reasons import FALLBACK, failure_reason, score, scored
from tests.services.reports.conftest import FAILED_ROW, PLAIN_REASON, RAW_ERROR


@pytest.mark.parametrize(
    "raw",
    [
        RAW_ERROR,
        "IndexError (series North): index 0 is out of bounds for axis 0 with size 0",
        "ValueError('Input contains NaN')",
        "numpy.linalg.LinAlgError: SVD did not converge",
        'Traceback (most recent call last):\n  File "x.py", line 3, in <module>',
        "ZeroDivisionError",
        "'NoneType' object has no attribute 'values'",
    ],
)
def test_exception_text_becomes_a_plain_sentence(raw: str) -> None:
    assert failure_reason(raw) == FALLBACK


@pytest.mark.parametrize(
    "sentence",
    [
        PLAIN_REASON,
        "North: Needs at least 30 points; this series has 15.",
        "Stopped: AutoETS went over its time budget of 900 seconds.",
    ],
)
def test_a_plain_sentence_is_shown_as_it_is(sentence: str) -> None:
    assert failure_reason(sentence) == sentence


def test_a_model_that_did_not_fail_has_no_reason() -> None:
    assert failure_reason(None) is None and failure_reason("  ") is None


def test_a_failed_model_has_no_score_whatever_its_row_holds() -> None:
    assert FAILED_ROW["mase"] == 0.0
    assert score(FAILED_ROW, "mase") is None
    shown = scored(FAILED_ROW)
    assert all(shown[k] is None for k in ("mase", "smape", "coverage", "msis"))
    assert shown["error"] == FALLBACK and shown["name"] == "LightGBM on lags"
    assert score({"mase": 0.0, "error": None}, "mase") == 0.0  # a perfect score
    assert score({"mase": float("nan"), "error": None}, "mase") is None
