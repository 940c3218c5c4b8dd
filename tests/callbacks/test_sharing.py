"""Export page: Share a read-only link, with the Models page's helper."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

from tests.callbacks.test_models import finished_forecast
from tests.callbacks.test_tracking import _walk
from tests.conftest import TEST_DATA, make_dataset


def test_the_export_page_shares_the_chosen_forecast(
    logged_in: Any, make_account: Any, server: Any, tmp_path: Path
) -> None:
    from dash.exceptions import PreventUpdate

    from callbacks import sharing
    from components import ids
    from services import shares

    owner, other = make_account(), make_account()
    dataset = make_dataset(owner.id, TEST_DATA / "adding" / "history.csv", tmp_path)
    forecast_id = str(finished_forecast(server, owner, dataset).result_ref)
    with logged_in(owner):
        box = sharing.share_export(1, forecast_id)
        with pytest.raises(PreventUpdate):
            sharing.share_export(1, None)
        assert sharing.forget_export_link(forecast_id) is None
    field = next(c for c in _walk(box) if getattr(c, "id", "") == ids.EXPORT_SHARE_URL)
    assert field.readonly is True and ids.EXPORT_SHARE_COPY in str(box)
    address = urlparse(field.value)
    assert address.path.startswith("/s/")
    assert "Anyone with this link can see this forecast" in str(box)
    assert [s.forecast_id for s in shares.list_shares(owner.id, forecast_id)] == [
        forecast_id
    ]
    stranger = server.test_client()
    stranger.environ_base["REMOTE_ADDR"] = "10.7.7.7"
    assert stranger.get(address.path).status_code == 200

    # Someone else's forecast: a plain alert, and no link is made.
    with logged_in(other):
        refused = sharing.share_export(1, forecast_id)
    assert "does not exist" in str(refused) and "Traceback" not in str(refused)
    assert len(shares.list_shares(owner.id, forecast_id)) == 1
