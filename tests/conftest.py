"""Shared fixtures: one app per test session, a fresh user (and token) per test.

The data folder is a temporary directory made before the app is imported, so the
SQLite database, uploads and forecasts of a test run never touch ./data. With
FORECAST_STUDIO_TEST_DATABASE_URL naming a PostgreSQL server, the run's metadata
database is instead a new database on that server, dropped at the end of the run.
"""

from __future__ import annotations

import atexit
import os
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

DATA_DIR = tempfile.mkdtemp(prefix="forecast-studio-test-")
os.environ["FORECAST_STUDIO_ENV"] = "testing"
os.environ["FORECAST_STUDIO_DATA_DIR"] = DATA_DIR

from tests import databases  # noqa: E402  (after the settings above)

if databases.TEST_DATABASE_URL:
    if databases.on_postgresql(databases.TEST_DATABASE_URL):
        RUN_DATABASE_URL = databases.create_database(databases.TEST_DATABASE_URL)
        # Registered before the app's job runner, so it runs after the runner stops.
        atexit.register(databases.drop_database, RUN_DATABASE_URL)
    else:
        RUN_DATABASE_URL = databases.TEST_DATABASE_URL
    # The app, and the worker processes it starts, read it from the environment.
    os.environ["FORECAST_STUDIO_DATABASE_URL"] = RUN_DATABASE_URL

TEST_DATA = Path(__file__).parent / "data"


def pytest_configure(config: pytest.Config) -> None:
    """Under pytest-xdist (`make test`), each process serves its Dash apps on its own
    ports: dash_duo counts up from 58050 in every process otherwise."""
    from dash.testing.application_runners import BaseDashRunner

    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw")
    BaseDashRunner._next_port = 58050 + 500 * int(worker or 0)


SAMPLES = Path(__file__).parent.parent / "samples"


def make_dataset(
    owner: int, source: Path, folder: Path, sheet: str | None = None
) -> Any:
    """Store a copy of ``source`` as the user's dataset (the upload moves its file)."""
    import shutil

    from services import datasets

    copy = folder / source.name
    shutil.copy(source, copy)
    return datasets.create_dataset(owner, source.name, copy, sheet)


@pytest.fixture(scope="session")
def database() -> None:
    """The session's database, migrated to the newest schema."""
    from services import db

    db.migrate()


@pytest.fixture
def fresh_database(tmp_path: Path) -> Iterator[str]:
    """The URL of an empty database of the run's kind (SQLite unless told otherwise)."""
    url = databases.fresh_url(tmp_path)
    yield url
    from services import db

    db.engine(url).dispose()
    if databases.on_postgresql(url):
        databases.drop_database(url)


@pytest.fixture
def postgresql_database() -> Iterator[str]:
    """The URL of an empty PostgreSQL database, whatever the run's database is."""
    from sqlalchemy.exc import OperationalError

    server = databases.postgresql_server()
    try:
        url = databases.create_database(server)
    except OperationalError as error:
        pytest.skip(f"PostgreSQL is not reachable at {server}: {error.orig}")
    yield url
    databases.drop_database(url)


@pytest.fixture(scope="session")
def dash_app(database: None) -> Any:
    """The one Dash app of the test session (Dash allows one per process)."""
    import app as app_module

    return app_module.app


@pytest.fixture(scope="session")
def server(dash_app: Any) -> Any:
    """The Flask server behind the app."""
    return dash_app.server


@pytest.fixture
def client(server: Any) -> Any:
    """A Flask test client with its own cookies."""
    return server.test_client()


@pytest.fixture
def make_account(database: None) -> Callable[..., Any]:
    """Create a fresh account with a unique name."""
    from services import users

    def make(password: str = "correct horse battery") -> Any:
        return users.create_user(f"user-{uuid.uuid4().hex[:10]}", password)

    return make


@pytest.fixture
def make_admin(make_account: Callable[..., Any]) -> Callable[..., Any]:
    """Create a fresh administrator (the first account of a run is one; these too)."""
    from services import db, users

    def make(password: str = "correct horse battery") -> Any:
        account = make_account(password)
        with db.session() as s:
            s.get_one(db.User, account.id).is_admin = True
        return users.get_account(account.id)

    return make


class ApiClient:
    """A test client that sends a user's bearer token with every request."""

    def __init__(self, client: Any, token: str, account: Any) -> None:
        self.client, self.account = client, account
        self.headers = {"Authorization": f"Bearer {token}"}

    def get(self, path: str, **kwargs: Any) -> Any:
        return self.client.get(path, headers=self.headers, **kwargs)

    def post(self, path: str, **kwargs: Any) -> Any:
        return self.client.post(path, headers=self.headers, **kwargs)

    def upload(self, path: Path, name: str | None = None) -> Any:
        with path.open("rb") as handle:
            return self.post(
                "/api/v1/datasets",
                data={"file": (handle, name or path.name)},
                content_type="multipart/form-data",
            )

    def wait_for_job(self, job_id: str, timeout: float = 120) -> dict[str, Any]:
        """Poll the job's record until it has ended (waiting on state, not time)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            body = self.get(f"/api/v1/jobs/{job_id}").get_json()
            if body["status"] not in ("queued", "running"):
                return dict(body)
            time.sleep(0.2)
        raise AssertionError(f"job {job_id} still {body['status']} after {timeout}s")


@pytest.fixture
def api_for(server: Any, make_account: Callable[..., Any]) -> Callable[[], ApiClient]:
    """Make an API client for a brand-new user."""
    from services import users

    def make() -> ApiClient:
        account = make_account()
        return ApiClient(
            server.test_client(), users.create_token(account.username), account
        )

    return make


@pytest.fixture
def api(api_for: Callable[[], ApiClient]) -> ApiClient:
    """An API client for a fresh user."""
    return api_for()


@pytest.fixture
def logged_in(server: Any) -> Callable[[Any], Iterator[None]]:
    """A request context signed in as an account, for calling callbacks directly."""
    from contextlib import contextmanager

    from flask_login import login_user

    from auth import LoginUser

    @contextmanager
    def context(account: Any) -> Iterator[None]:
        with server.test_request_context():
            login_user(LoginUser(account))
            yield

    return context
