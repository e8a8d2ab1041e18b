"""Error responses: generic translated pages for people, ``{"error": {"code", "message", "fields"}}``
for ``/api/`` paths — never a traceback (issue 3 §1, §3).

:func:`json_error` is the one way to build an API error; the API blueprint may use it directly.
:class:`core.errors.RongtongError` raised by any view becomes its ``http_status`` with its message
and field errors; any other exception is logged and answered with a bare 500.
"""
from __future__ import annotations

from flask import current_app, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from rongtong.core.errors import RongtongError
from rongtong.core.i18n import _, lazy_gettext as _l

TITLES = {
    400: _l("Bad request"),
    401: _l("Login required"),
    403: _l("Access denied"),
    404: _l("Page not found"),
    405: _l("Method not allowed"),
    409: _l("Conflict"),
    413: _l("Upload too large"),
    422: _l("Invalid data"),
    429: _l("Too many requests"),
    500: _l("Server error"),
}
MESSAGES = {
    400: _l("The request could not be understood."),
    401: _l("Please log in to continue."),
    403: _l("You do not have permission to do this."),
    404: _l("The page you asked for does not exist or is not visible to you."),
    405: _l("This address does not accept that kind of request."),
    409: _l("Someone else changed this first. Reload and try again."),
    413: _l("The file or form you sent is too large."),
    422: _l("Some of the data you sent is invalid."),
    429: _l("Too many requests. Please wait a while and try again."),
    500: _l("Something went wrong on our side. The error has been logged; please try again later."),
}
CODES = {400: "bad_request", 401: "unauthenticated", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
         409: "conflict", 413: "too_large", 422: "invalid", 429: "too_many_requests", 500: "server_error"}


def wants_json() -> bool:
    path = request.path
    return path == "/api" or path.startswith("/api/")


def json_error(status: int, code: str | None = None, message=None, fields: dict | None = None):
    body = {"error": {"code": code or CODES.get(status, "error"),
                      "message": str(message if message is not None else MESSAGES.get(status, "")),
                      "fields": fields or {}}}
    response = jsonify(body)
    response.status_code = status
    return response


def error_page(status: int, message=None, code: str | None = None, fields: dict | None = None):
    if wants_json():
        return json_error(status, code, message, fields)
    title = TITLES.get(status, _l("Error"))
    return render_template("errors/error.html", status=status, title=title,
                           message=message if message is not None else MESSAGES.get(status, ""),
                           fields=fields or {}), status


def _http_error(exc: HTTPException):
    status = exc.code or 500
    if status < 400:  # RequestRedirect and friends: let Werkzeug answer
        return exc
    response = error_page(status)
    if status == 405 and getattr(exc, "valid_methods", None):
        resp = current_app.make_response(response)
        resp.headers["Allow"] = ", ".join(exc.valid_methods)
        return resp
    return response


def _csrf_error(exc: CSRFError):
    return error_page(400, _("The form's security token is missing or has expired. Reload the page and try again."),
                      code="csrf_failed")


def _rongtong_error(exc: RongtongError):
    return error_page(exc.http_status, exc.message, code=exc.code, fields=exc.fields)


def _server_error(exc):
    original = getattr(exc, "original_exception", None) or exc
    if not isinstance(original, HTTPException):
        current_app.logger.error("unhandled error on %s %s", request.method, request.path, exc_info=original)
    try:
        return error_page(500)
    except Exception:  # the page itself failed (e.g. the database is down): a bare page, still no traceback
        return ("<!doctype html><title>500</title><h1>500</h1><p>" + str(MESSAGES[500]) + "</p>", 500,
                {"Content-Type": "text/html; charset=utf-8"})


def init_errors(app) -> None:
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(RongtongError, _rongtong_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(500, _server_error)
