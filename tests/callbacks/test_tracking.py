"""Models page, Track card: verdict, chart, history, refresh, note, share."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from tests.callbacks.test_models import finished_forecast
from tests.conftest import SAMPLES, TEST_DATA, make_dataset

ADDING = TEST_DATA / "adding"


def _wait(account: Any, job_id: str) -> Any:
    from services import jobs

    deadline = time.monotonic() + 120
    while (done := jobs.get_job(account.id, job_id)).status in ("queued", "running"):
        assert time.monotonic() < deadline, done
        time.sleep(0.2)  # polling the job's record: waiting on state
    assert done.status == "succeeded", done
    return done


def _forecast(server: Any, account: Any, tmp_path: Path) -> tuple[Any, dict[str, str]]:
    dataset = make_dataset(account.id, ADDING / "history.csv", tmp_path)
    job = finished_forecast(server, account, dataset)
    return dataset, {"forecast_id": str(job.result_ref)}


def _add_newer(account: Any, dataset: Any, tmp_path: Path) -> None:
    import shutil

    from services import appending

    copy = tmp_path / "newer.csv"
    shutil.copy(ADDING / "newer.csv", copy)
    appending.add_data(account.id, dataset.id, "newer.csv", copy)


def _trace(figure: Any, name: str) -> Any:
    return next(t for t in figure.data if t.name == name)


def test_without_actuals_the_card_says_where_to_add_them(
    logged_in: Any, make_account: Any, server: Any, tmp_path: Path
) -> None:
    from callbacks import tracking

    account = make_account()
    _dataset, ref = _forecast(server, account, tmp_path)
    with logged_in(account):
        verdict, chart, history, auto, note, *_ = tracking.show_track(
            ref, None, "series"
        )
    text = str(verdict)
    assert "No actual values for the forecast's months yet" in text
    assert "/upload" in text
    assert all(v is None for v in _trace(chart, "Actual").y)
    assert len(_trace(chart, "Forecast").y) == 6
    assert {"80% range", "95% range"} <= {t.name for t in chart.data}
    assert str(history).count("Tr(") == 2  # the header and this forecast
    assert "no actuals yet" in str(history)
    assert auto is False and note == ""


def test_with_actuals_the_verdict_and_the_realised_error_are_shown(
    logged_in: Any, make_account: Any, server: Any, tmp_path: Path
) -> None:
    from callbacks import tracking
    from services import accuracy
    from services.numbers import format_number

    account = make_account()
    dataset, ref = _forecast(server, account, tmp_path)
    _add_newer(account, dataset, tmp_path)
    found = accuracy.accuracy(account.id, ref["forecast_id"])
    assert found.overall.n == 2 and found.overall.mase is not None
    with logged_in(account):
        verdict, chart, history, *_ = tracking.show_track(ref, None, "series")
    assert found.verdict.message in str(verdict)
    assert "No actual values" not in str(verdict)
    actual = [v for v in _trace(chart, "Actual").y if v is not None]
    assert actual == [160, 149]
    assert format_number(found.overall.mase) in str(history)


def test_refresh_is_followed_and_its_history_has_both_forecasts(
    logged_in: Any, make_account: Any, server: Any, tmp_path: Path
) -> None:
    from callbacks import tracking
    from components import ids

    account = make_account()
    dataset, ref = _forecast(server, account, tmp_path)
    _add_newer(account, dataset, tmp_path)
    with logged_in(account):
        followed, alert = tracking.start_refresh(1, ref)
    assert alert is None
    job = _wait(account, followed["job_id"])
    new = {"forecast_id": str(job.result_ref)}
    assert new != ref
    with logged_in(account):
        table = tracking.show_track(new, None, "series")[2]
    assert str(table).count("Tr(") == 3
    # The old forecast can be shown again from the history; the new one is shown.
    buttons = [c.id for c in _walk(table) if isinstance(getattr(c, "id", None), dict)]
    assert buttons == [{"type": ids.TRACK_OPEN, "forecast": ref["forecast_id"]}]
    assert "shown" in str(table)


def test_another_users_forecast_is_not_refreshed_shared_or_changed(
    logged_in: Any, make_account: Any, server: Any, tmp_path: Path
) -> None:
    from dash import no_update

    from callbacks import tracking

    owner, other = make_account(), make_account()
    _dataset, ref = _forecast(server, owner, tmp_path)
    with logged_in(other):
        for outputs in (
            tracking.start_refresh(1, ref),
            tracking.save_note(1, "mine now", ref),
            tracking.share(1, ref),
        ):
            assert outputs[0] is no_update
            assert "does not exist" in str(outputs[1])
            assert "Traceback" not in str(outputs[1])
        assert "does not exist" in str(tracking.set_auto_refresh(True, ref))


def test_auto_refresh_and_the_note_are_kept(
    logged_in: Any, make_account: Any, server: Any, tmp_path: Path
) -> None:
    from dash import no_update

    from callbacks import tracking
    from services import forecasts
    from services.refresh import NOTE_MAX_CHARS

    account = make_account()
    _dataset, ref = _forecast(server, account, tmp_path)
    with logged_in(account):
        assert tracking.set_auto_refresh(True, ref) is None
        shown, alert = tracking.save_note(1, "  includes the March promotion ", ref)
        assert alert is None and "includes the March promotion" in str(shown)
        too_long, alert = tracking.save_note(1, "x" * (NOTE_MAX_CHARS + 1), ref)
        assert too_long is no_update and "at most 500 characters" in str(alert)
        _v, _c, _h, auto, note, note_shown, *_ = tracking.show_track(
            ref, None, "series"
        )
    info = forecasts.get_forecast(account.id, ref["forecast_id"])
    assert info.auto_refresh is True and info.note == "includes the March promotion"
    assert auto is True and note == info.note and info.note in str(note_shown)
    with logged_in(account):
        assert tracking.set_auto_refresh(False, ref) is None
        cleared, _alert = tracking.save_note(1, "", ref)
    info = forecasts.get_forecast(account.id, ref["forecast_id"])
    assert info.auto_refresh is False and info.note is None and cleared is None


def test_share_shows_a_full_link_that_opens_without_signing_in(
    logged_in: Any, make_account: Any, server: Any, tmp_path: Path
) -> None:
    import datetime as dt

    from callbacks import tracking
    from components import ids

    account = make_account()
    _dataset, ref = _forecast(server, account, tmp_path)
    with logged_in(account):
        box, alert = tracking.share(1, ref)
    assert alert is None
    url_input = next(
        c for c in _walk(box) if getattr(c, "id", None) == ids.TRACK_SHARE_URL
    )
    assert url_input.readonly is True
    address = urlparse(url_input.value)
    assert address.scheme in ("http", "https") and address.path.startswith("/s/")
    expires = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    assert expires in str(box) and ids.TRACK_SHARE_COPY in str(box)
    page = server.test_client().get(address.path)
    assert page.status_code == 200


def _walk(component: Any) -> list[Any]:
    found = [component]
    children = getattr(component, "children", None)
    if isinstance(children, list | tuple):
        for child in children:
            found.extend(_walk(child))
    elif children is not None and not isinstance(children, str):
        found.extend(_walk(children))
    return found


def test_several_series_are_shown_one_at_a_time_or_added_up(
    logged_in: Any, make_account: Any, server: Any, tmp_path: Path
) -> None:
    from callbacks import tracking

    account = make_account()
    from services import forecasts
    from services.forecast_request import ForecastRequest

    dataset = make_dataset(
        account.id, SAMPLES / "australian_accommodation.csv", tmp_path
    )
    wanted = ForecastRequest(
        target="takings_m_aud",
        horizon=4,
        series_id=["state"],
        models=[{"key": "naive"}],
    )
    assert wanted.series_id
    server.extensions["job_runner"].ensure_running()
    job = forecasts.submit_forecast(account.id, dataset.id, wanted)
    ref = {"forecast_id": str(_wait(account, job.id).result_ref)}
    with logged_in(account):
        one = tracking.show_track(ref, "Victoria", "series")
        total = tracking.show_track(ref, "Victoria", "total")
    assert one[-1] == {} and total[-1] == {}  # the choice is offered
    assert "80% range" in {t.name for t in one[1].data}
    assert [t.name for t in total[1].data] == ["Forecast", "Actual"]
    assert "(all series)" in total[1].layout.title.text
