"""The REST API at ``/api/v1`` (issue 3 §3): JSON in and out, validated by marshmallow schemas,
described by an OpenAPI 3 document generated from the same schemas.

Plugins add resources with ``register_api_resources`` returning :class:`core.contract.ApiResource`
objects. Each is mounted at ``/api/v1/<path>`` (the path must start with the plugin's name) with the
endpoint ``api.<endpoint>``; the core authenticates the caller (401), checks ``permission`` (403),
validates the JSON body with ``request_schema`` (unknown fields refused; 400/422) and dumps the
view's return value with ``response_schema``. A view gets the validated body as its ``data``
argument (or from :func:`body`), the caller from :func:`api_user`, and raises ``core.errors``
exceptions (``NotFound``, ``ValidationFailed(message, fields)``, ``PermissionDenied``...) which
become the standard error responses. Rows must be read with ``core.security.get_scoped`` /
``scope_query``: an object outside the caller's scope is a 404, never a 403.
"""
from __future__ import annotations

from flask import Blueprint

from rongtong.core.web.api import errors, openapi
from rongtong.core.web.api.auth import api_user
from rongtong.core.web.api.routing import PREFIX, Operation, body, check_unique, from_resource, mount, query
from rongtong.core.web.api.fastdump import IsoJSONProvider
from rongtong.core.web.api.resources import core_operations

__all__ = ["init_api", "api_user", "body", "query", "PREFIX"]


def _meta_operations():
    return [
        Operation("core", "openapi.json", "GET", openapi.openapi_json, "openapi", tag="meta",
                  summary="This OpenAPI 3 document", public=True),
        Operation("core", "docs", "GET", openapi.docs_page, "docs", tag="meta",
                  summary="Browsable API documentation (HTML)", public=True, raw="text/html"),
    ]


def collect_operations(registry) -> list[Operation]:
    """The core's operations and every enabled plugin's; duplicates stop start-up."""
    operations = [*_meta_operations(), *core_operations()]
    for owner, resource in registry.call("register_api_resources", registry=registry):
        operations.extend(from_resource(owner, resource))
    check_unique(operations)
    return operations


def init_api(app, platform) -> None:
    ensure_ascii = app.json.ensure_ascii
    app.json = IsoJSONProvider(app)  # date-times a view returns itself: ISO 8601 with the offset
    app.json.ensure_ascii = ensure_ascii
    bp = Blueprint("api", __name__, url_prefix=PREFIX)
    operations = collect_operations(platform.registry)
    mount(bp, operations)
    errors.register(bp, app, PREFIX)
    app.register_blueprint(bp)
    # Cookie-authenticated writes are checked by core.web.api.auth (X-CSRFToken header);
    # token-authenticated requests carry no cookie to forge.
    csrf = app.extensions.get("csrf")
    if csrf is not None:
        csrf.exempt(bp)
    app.extensions["rongtong_api"] = {"operations": operations, "spec": None}
