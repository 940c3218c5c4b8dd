"""The app as gunicorn's threads find it."""

from __future__ import annotations

from typing import Any

import dash._callback


def test_dash_is_set_up_before_the_first_request(dash_app: Any) -> None:
    # Threads racing through Dash's first-request set-up once answered a 500
    # ("dictionary changed size during iteration"): it is done when the app is built.
    assert dash_app._got_first_request["setup_server"]
    assert not dash._callback.GLOBAL_CALLBACK_MAP
    assert len(dash_app.callback_map) > 20
