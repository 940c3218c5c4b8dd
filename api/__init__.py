"""The JSON API and the file routes the pages use, over the same services."""

from __future__ import annotations

from flask import Flask

from api import (  # noqa: F401  (they add their routes)
    adding,
    errors,
    explanations,
    forecast_lifecycle,
    overrides,
    scenarios,
    shares,
    versions,
)
from api.browser import blueprint as browser_blueprint
from api.routes import blueprint as api_blueprint
from api.share_page import blueprint as share_blueprint


def init_api(server: Flask) -> None:
    """Register the API, the browser's file routes, shared pages, /health and the
    error handlers."""
    server.register_blueprint(api_blueprint)
    server.register_blueprint(browser_blueprint)
    server.register_blueprint(share_blueprint)
    errors.install(server)

    @server.get("/health")
    def health() -> dict[str, str]:
        return {"status": "ok"}
