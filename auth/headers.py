"""Security headers on every response: pages, Dash, assets, API, sign-in, errors."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from flask import Flask, Response


def content_security_policy(script_hashes: Sequence[str]) -> str:
    """The policy the app's pages work under.

    Scripts come only from the app itself, plus Dash's inline start-up script, allowed
    by its hash. Styles may be inline: Plotly and Dash's components set ``style``
    attributes. Nothing may frame the app, and forms post only to it.
    """
    directives = {
        "default-src": ["'self'"],
        "script-src": ["'self'", *script_hashes],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
    return "; ".join(
        f"{name} {' '.join(values)}" for name, values in directives.items()
    )


def install_headers(server: Flask, script_hashes: Callable[[], Sequence[str]]) -> None:
    """Add the security headers to every response the server gives.

    ``script_hashes`` gives the hashes of the inline scripts pages carry, asked on
    every response: Dash adds one (its page router's) at the first request.
    """
    headers = {
        "X-Frame-Options": "DENY",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "strict-origin-when-cross-origin",
    }
    if server.config.get("SESSION_COOKIE_SECURE"):
        headers["Strict-Transport-Security"] = "max-age=31536000"

    @server.after_request
    def _security_headers(response: Response) -> Response:
        response.headers.setdefault(
            "Content-Security-Policy", content_security_policy(script_hashes())
        )
        for name, value in headers.items():
            response.headers.setdefault(name, value)
        return response
