"""Composition root: Flask, sign-in, the API, the Dash pages and the job runner, once.

``server`` is the WSGI app for gunicorn and the Flask CLI (``flask --app app …``). Do
not run this file as a script: worker processes import the main module again.
"""

from __future__ import annotations

import atexit
import importlib
import logging
import multiprocessing
import pkgutil
from datetime import timedelta

import dash
import multiprocess
import pandas  # noqa: F401  (imported once, before request threads race to import it)
from flask import Flask
from flask_wtf.csrf import generate_csrf
from markupsafe import escape
from werkzeug.middleware.proxy_fix import ProxyFix

import config
from api import init_api
from api.operations import init_operations
from auth import init_auth
from auth.headers import install_headers
from components.shell import shell
from services import db, job_backend
from services.runner import JobRunner
from worker import jobs_cli

log = logging.getLogger(__name__)

# Never fork after Polars has run: workers and background callbacks use forkserver.
for module in (multiprocessing, multiprocess):
    if module.get_start_method(allow_none=True) != "forkserver":
        module.set_start_method("forkserver", force=True)


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


class ForecastStudio(dash.Dash):
    """Dash, with the session's CSRF token in every page for scripts that post."""

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
    app = ForecastStudio(
        __name__,
        server=server,
        use_pages=True,
        title="Forecast Studio",
        suppress_callback_exceptions=False,
        update_title=None,
        enable_mcp=False,
    )
    _import_callbacks()
    app.layout = shell(dash.page_container)
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

    @server.before_request
    def _start_runner() -> None:
        # Started by requests, so CLI commands and imports start no worker processes.
        runner.ensure_running()

    server.extensions["job_runner"] = runner
    return app


app = build_app()
server = app.server
