"""Security headers on every response (issue 3 §1; DB1302 5.3.2 secure operation).

* ``Content-Security-Policy``: everything from this site only; scripts and ``<style>`` elements
  need the per-response nonce (templates: ``<script nonce="{{ csp_nonce() }}">``; Flask-Admin:
  ``Admin(csp_nonce_generator=core.web.headers.csp_nonce)``); no framing (``frame-ancestors 'none'``).
* ``X-Frame-Options: DENY`` for old browsers, ``X-Content-Type-Options: nosniff``,
  ``Referrer-Policy: same-origin``.
* Pages of logged-in users are ``Cache-Control: no-store`` so a shared computer's back button or
  cache does not show them after logout.
"""
from __future__ import annotations

import secrets

from flask import g, request
from flask_login import current_user


def csp_nonce() -> str:
    """The nonce of the current response (one per request)."""
    nonce = getattr(g, "_csp_nonce", None)
    if nonce is None:
        nonce = g._csp_nonce = secrets.token_urlsafe(16)
    return nonce


def content_security_policy(nonce: str) -> str:
    return "; ".join([
        "default-src 'self'",
        f"script-src 'self' 'nonce-{nonce}'",
        f"style-src 'self' 'nonce-{nonce}'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ])


def set_security_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", content_security_policy(csp_nonce()))
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if request.endpoint != "static" and not (request.endpoint or "").endswith(".static"):
        if getattr(g, "_login_user", None) is not None and current_user.is_authenticated:
            headers.setdefault("Cache-Control", "no-store")
    return response


def init_headers(app) -> None:
    app.after_request(set_security_headers)
    app.jinja_env.globals["csp_nonce"] = csp_nonce
