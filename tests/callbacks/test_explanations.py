"""Models page, "Why the model says so": the hint, then the sentences and chart."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from components.explanations import HINT
from tests.services.test_explanations import stored_forecast


def _texts(tree: Any) -> str:
    """Every string in a component tree."""
    if isinstance(tree, str):
        return tree
    if isinstance(tree, list | tuple):
        return " ".join(_texts(t) for t in tree)
    children = getattr(tree, "children", None)
    return _texts(children) if children is not None else ""


def test_explain_shows_the_sentences_and_then_keeps_them(
    logged_in: Any, make_account: Any, tmp_path: Path
) -> None:
    from callbacks import explanations as card

    account = make_account()
    forecast_id = stored_forecast(
        account.id,
        tmp_path,
        [{"key": "linear_regression", "params": {"lags": 3}}],
        months=60,
        lift=200.0,
        drivers=["promo"],
    )
    ref = {"forecast_id": forecast_id}
    with logged_in(account):
        body, _figure, style = card.show_explanation(ref, None)
        assert body == HINT and style == {"display": "none"}
        body, figure, style = card.show_explanation(ref, 1)
        text = _texts(body)
        assert "The level is about" in text and "Linear regression" in text
        assert style == {} and figure.data[0].type == "bar"
        assert "“promo”" in figure.data[0].y
        kept, _figure, _style = card.show_explanation(ref, None)
        assert _texts(kept) == text


def test_another_users_forecast_shows_nothing(
    logged_in: Any, make_account: Any, tmp_path: Path
) -> None:
    import pytest
    from dash.exceptions import PreventUpdate

    from callbacks import explanations as card

    forecast_id = stored_forecast(make_account().id, tmp_path, ["naive"])
    with logged_in(make_account()), pytest.raises(PreventUpdate):
        card.show_explanation({"forecast_id": forecast_id}, 1)
