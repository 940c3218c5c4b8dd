"""Composition root: Flask, sign-in, the API, the Dash pages and the job runner, once.

``server`` is the WSGI app for gunicorn and the Flask CLI (``flask --app app …``). Do
not run this file as a script: worker processes import the main module again.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import hashlib
import hmac
import importlib
import logging
import multiprocessing
import pkgutil
from datetime import timedelta
from typing import Any

import dash
import diskcache
import multiprocess
import multiprocess.forkserver
import pandas  # noqa: F401  (imported once, before request threads race to import it)
import psutil
from dash import CeleryManager, DiskcacheManager
from flask import Flask, has_request_context
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import escape
from werkzeug.middleware.proxy_fix import ProxyFix

import config
from api import init_api
from api.operations import init_operations
from auth import init_auth
from auth.headers import install_headers
from components.shell import shell
from services import celery_jobs, db, job_backend
from services.runner import JobRunner
from worker import jobs_cli

log = logging.getLogger(__name__)

# Never fork after Polars has run: workers and background callbacks use forkserver.
for module in (multiprocessing, multiprocess):
    if module.get_start_method(allow_none=True) != "forkserver":
        module.set_start_method("forkserver", force=True)
# Background callbacks start from a fork server that has imported their modules once.
multiprocess.get_context("forkserver").set_forkserver_preload(
    ["callbacks.export", "callbacks.cleaning", "callbacks.upload_reading"]
)
# A background callback's results live at most this long in the cache (seconds).
BACKGROUND_EXPIRE_S = 3600


def build_server() -> Flask:
    """The Flask server with settings, database, sign-in and the API."""
    server = Flask(__name__, static_folder=None)
    server.config.update(
        SECRET_KEY=config.secret_key(),
        MAX_CONTENT_LENGTH=int(config.settings.MAX_UPLOAD_MB) * 1024 * 1024,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=bool(config.settings.SESSION_COOKIE_SECURE),
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=timedelta(days=7),
        WTF_CSRF_TIME_LIMIT=None,
    )
    proxies = int(config.settings.TRUSTED_PROXIES)
    if proxies > 0:
        # The client's address and scheme as the proxies saw them (for sign-in limits).
        server.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            server.wsgi_app, x_for=proxies, x_proto=proxies
        )
    db.migrate()
    init_auth(server)
    init_api(server)
    init_operations(server)
    return server


class ProcessManager(DiskcacheManager):
    """Dash's ``DiskcacheManager``, where a process that ends while it is being
    stopped or looked at is simply gone (Dash's own raises ``NoSuchProcess``: a 500
    when a result arrives as its process exits)."""

    def terminate_job(self, job: Any) -> None:
        """Stop the callback's process and its children, if any are left."""
        with contextlib.suppress(psutil.NoSuchProcess):
            super().terminate_job(job)

    def job_running(self, job: Any) -> bool:
        """Whether the callback's process still runs."""
        try:
            return bool(super().job_running(job))
        except psutil.NoSuchProcess:
            return False


def background_manager() -> DiskcacheManager | CeleryManager:
    """Where background callbacks run: processes of this machine with their results in
    ``DATA_DIR/background`` by default, Celery workers on ``REDIS_URL`` when
    ``JOB_BACKEND`` is ``celery``."""
    if _on_celery():
        return CeleryManager(callbacks_celery(), expire=BACKGROUND_EXPIRE_S)
    cache = diskcache.Cache(str(config.data_dir() / "background"))
    return ProcessManager(cache, expire=BACKGROUND_EXPIRE_S)


def _on_celery() -> bool:
    return str(config.settings.JOB_BACKEND) == "celery"


@functools.cache
def callbacks_celery() -> Any:
    """The Celery app that carries background callbacks (broker and results: Redis).

    Its workers import this module, which registers every background callback on it:
    ``flask --app app jobs worker --callbacks``.
    """
    from celery import Celery

    url = celery_jobs.redis_url()
    celery = Celery("forecast_studio_callbacks", broker=url, backend=url)
    celery.conf.update(
        result_expires=BACKGROUND_EXPIRE_S,
        task_track_started=True,
        task_default_queue="callbacks",  # apart from the jobs' queue
    )
    return celery


class ForecastStudio(dash.Dash):
    """Dash, with the session's CSRF token in every page for scripts that post, and
    background-callback handles that only their own user can use."""

    def _get_signing_secret(self) -> bytes:
        """Dash signs background-callback handles (page load, cache key, job) with
        this secret: one per signed-in user, so a handle copied into another
        account's session is not valid there (nothing read, nothing cancelled)."""
        base = super()._get_signing_secret()
        signed_in = has_request_context() and current_user.is_authenticated
        who = f"user:{current_user.id}" if signed_in else "anonymous"
        return hmac.new(base, who.encode(), hashlib.sha256).digest()

    def interpolate_index(self, **kwargs: str) -> str:
        """The page, with ``<meta name="csrf-token">`` among its meta tags."""
        token = f'<meta name="csrf-token" content="{escape(generate_csrf())}">'
        kwargs["metas"] = token + "\n      " + kwargs.get("metas", "")
        return str(super().interpolate_index(**kwargs))


def _import_callbacks() -> None:
    import callbacks

    for info in pkgutil.iter_modules(callbacks.__path__):
        importlib.import_module(f"callbacks.{info.name}")


def build_app() -> dash.Dash:
    """The Dash app on its server, with every page and callback registered."""
    server = build_server()
    manager = background_manager()
    app = ForecastStudio(
        __name__,
        server=server,
        use_pages=True,
        title="Forecast Studio",
        suppress_callback_exceptions=False,
        update_title=None,
        enable_mcp=False,
        background_callback_manager=manager,
    )
    # Screen readers pick their voice by the page's language.
    app.index_string = app.index_string.replace("<html>", '<html lang="en">', 1)
    _import_callbacks()
    app.layout = shell(dash.page_container)
    # Dash finishes its set-up on the first request, and a second thread's request
    # arriving meanwhile found it half done (a 500: "dictionary changed size during
    # iteration"). Done here, before any request, every thread finds it complete.
    with server.test_request_context():
        app._setup_server()
    install_headers(server, app.csp_hashes)
    server.cli.add_command(jobs_cli)
    job_backend.check()
    if not job_backend.web_runs_jobs():  # `flask --app app jobs worker` runs them
        return app
    runner = JobRunner(
        workers=int(config.settings.JOB_WORKERS),
        heartbeat_timeout_s=float(config.settings.JOB_HEARTBEAT_TIMEOUT_S),
    )
    atexit.register(runner.stop)

    warm_background = isinstance(manager, DiskcacheManager)

    @server.before_request
    def _start_runner() -> None:
        # Started by requests, so CLI commands and imports start no worker processes.
        runner.ensure_running()
        if warm_background:  # its preload takes seconds: not on the first click
            multiprocess.forkserver.ensure_running()

    server.extensions["job_runner"] = runner
    return app


app = build_app()
server = app.server
# With JOB_BACKEND = "celery": what `flask --app app jobs worker --callbacks` serves.
celery_app = callbacks_celery() if _on_celery() else None
