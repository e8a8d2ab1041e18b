"""The API's one error shape: ``{"error": {"code", "message", "fields"}}`` (issue 3 §3).

400 malformed request, 401 unauthenticated, 403 forbidden action, 404 not found or outside the
caller's scope, 405 method not allowed, 409 conflict, 413 too large, 422 invalid data (field
messages in the user's language), 500 only for a bug — logged, never shown.
"""
from __future__ import annotations

import logging

from flask import jsonify, request
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException

from rongtong.core.errors import RongtongError
from rongtong.core.i18n import gettext as _
from rongtong.core.web.api.messages import translate, translate_messages

log = logging.getLogger(__name__)


class Malformed(RongtongError):
    """The request could not be read: not JSON, not an object, bad characters (HTTP 400)."""

    http_status = 400
    code = "malformed"


class Unauthenticated(RongtongError):
    """No valid session or token (HTTP 401)."""

    http_status = 401
    code = "unauthenticated"


_HTTP_CODES = {400: "malformed", 401: "unauthenticated", 403: "forbidden", 404: "not_found",
               405: "method_not_allowed", 409: "conflict", 413: "too_large", 415: "unsupported_media_type",
               422: "invalid", 429: "too_many_requests"}


def error_response(status: int, code: str, message: str, fields=None):
    response = jsonify({"error": {"code": code, "message": str(message), "fields": fields or {}}})
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


def _http_message(status: int) -> str:
    return {
        400: _("The request could not be understood."),
        401: _("Authentication required: log in or send an API token (Authorization: Bearer ...)."),
        403: _("You may not do this."),
        404: _("Not found."),
        405: _("This method is not allowed here."),
        409: _("Conflict."),
        413: _("The request is too large."),
        415: _("Unsupported media type."),
        429: _("Too many requests. Try again later."),
    }.get(status, _("The request failed."))


def handle_rongtong_error(exc: RongtongError):
    """Every core error maps by its own ``http_status`` and ``code``."""
    status = exc.http_status if 400 <= exc.http_status < 600 else 400
    return error_response(status, exc.code, translate(exc.message), translate_messages(exc.fields))


def handle_validation_error(exc: ValidationError):
    """A marshmallow error escaping a view (e.g. a plugin resource) is invalid data (422)."""
    messages = exc.messages if isinstance(exc.messages, dict) else {"_schema": exc.messages}
    return error_response(422, "invalid", _("The data is invalid."), translate_messages(messages))


def handle_http_exception(exc: HTTPException):
    status = exc.code or 500
    return error_response(status, _HTTP_CODES.get(status, "error"), _http_message(status))


def handle_unexpected(exc: Exception):
    if isinstance(exc, HTTPException):
        return handle_http_exception(exc)
    log.exception("API error on %s %s", request.method, request.path)
    return error_response(500, "server_error", _("Something went wrong on our side. The error was logged."))


def register(bp, app, prefix: str) -> None:
    """Attach the handlers to the blueprint, and answer routing errors (unknown path, wrong
    method) under ``prefix`` in the same JSON shape before any app-wide error page sees them."""
    bp.register_error_handler(RongtongError, handle_rongtong_error)
    bp.register_error_handler(ValidationError, handle_validation_error)
    bp.register_error_handler(HTTPException, handle_http_exception)
    bp.register_error_handler(Exception, handle_unexpected)

    def api_routing_errors():
        exc = request.routing_exception
        if exc is None or not (request.path == prefix or request.path.startswith(prefix + "/")):
            return None
        if isinstance(exc, HTTPException) and (exc.code or 500) >= 400:
            response = handle_http_exception(exc)
            if exc.code == 405 and getattr(exc, "valid_methods", None):
                response.headers["Allow"] = ", ".join(exc.valid_methods)
            return response
        return None

    # Before-request functions run before routing errors are raised: this keeps API clients away
    # from the HTML error pages whichever order the app's error handlers were registered in.
    app.before_request_funcs.setdefault(None, []).insert(0, api_routing_errors)
