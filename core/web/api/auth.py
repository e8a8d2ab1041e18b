"""Who is calling the API (issue 3 §3; DB1302 5.3.2).

Two ways in:

* ``Authorization: Bearer rt_...`` — a personal API token (:mod:`core.web.tokens`). No cookie is
  involved, so no CSRF check is needed. A header that is present but wrong is a 401 even when a
  session cookie is also sent: the client asked to be that token.
* The browser session (Flask-Login ``current_user``). The API blueprint is exempt from the app-wide
  form CSRF check, so every state-changing request authenticated only by the session cookie must
  carry the session's CSRF token in an ``X-CSRFToken`` header (``flask_wtf.csrf.validate_csrf``).

The caller is Flask-Login's ``current_user`` either way (so the locale follows the token user's
language) and the actor of audit events.
"""
from __future__ import annotations

from flask import g, request
from flask_login import current_user
from flask_wtf.csrf import ValidationError as CSRFValidationError
from flask_wtf.csrf import validate_csrf

from rongtong.core.errors import PermissionDenied
from rongtong.core.i18n import gettext as _
from rongtong.core.security import has_permission
from rongtong.core.web.api.errors import Unauthenticated
from rongtong.core.web.context import current_platform

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSRF_HEADERS = ("X-CSRFToken", "X-CSRF-Token")


def authenticate():
    """Resolve the caller or raise :class:`Unauthenticated` (401). Sets ``g.api_user`` and
    ``g.api_auth`` ("token" or "session").

    Flask-Login's request loader (:mod:`core.web.auth`) already resolved the caller: from the
    Bearer token alone when the header is present (a bad token is anonymous, never a fallback to
    the cookie), else from the server-side session.
    """
    if "api_user" in g:
        return g.api_user
    header = request.headers.get("Authorization")
    user = current_user._get_current_object()
    authenticated = user is not None and getattr(user, "is_authenticated", False) and getattr(user, "active", False)
    if header is not None:
        scheme, _sep, raw = header.strip().partition(" ")
        if scheme.lower() != "bearer" or not raw.strip():
            raise Unauthenticated(_("Send the token as: Authorization: Bearer <token>."))
        if not authenticated:
            raise Unauthenticated(_("The API token is invalid or has been revoked."))
        g.api_user, g.api_auth = user, "token"
        return user
    if not authenticated:
        raise Unauthenticated(_("Authentication required: log in or send an API token (Authorization: Bearer ...)."))
    if request.method not in SAFE_METHODS:
        _check_csrf()
    g.api_user, g.api_auth = user, "session"
    return user


def _check_csrf() -> None:
    token = next((request.headers[h] for h in CSRF_HEADERS if request.headers.get(h)), None)
    if not token:
        raise PermissionDenied(_("The CSRF token is missing: send it in the X-CSRFToken header, "
                                 "or use an API token instead of the session."))
    try:
        validate_csrf(token)
    except CSRFValidationError:
        raise PermissionDenied(_("The CSRF token is invalid or has expired. Reload the page and try again."))


def api_user():
    """The authenticated caller of the current API request (views call this)."""
    return authenticate()


def require_permission(permission: str | None) -> None:
    """403 unless the caller holds ``permission`` (None: any authenticated caller)."""
    if permission is None:
        return
    platform = current_platform()
    if not has_permission(api_user(), permission, platform.registry):
        raise PermissionDenied(_("You do not have the permission %(permission)s.", permission=permission))
