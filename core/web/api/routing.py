"""Operations of the API: one declaration per (path, method), used both to mount the Flask route
and to write the OpenAPI document, so the two never disagree.

Core resources and plugin :class:`core.contract.ApiResource` s go through the same path: the
wrapper authenticates the caller (401), checks the permission (403), validates the query string
and the JSON body with the declared schemas (400/422), runs the view inside the caller's audit
context, and dumps what the view returns with the response schema.
"""
from __future__ import annotations

import dataclasses
import functools
import inspect
import re
from collections.abc import Callable
from typing import Any

from flask import Response, g, jsonify, request
from marshmallow import RAISE, Schema

from rongtong.core import audit
from rongtong.core.errors import PluginError
from rongtong.core.contract import ApiResource, CORE
from rongtong.core.registry import unique
from rongtong.core.web.api import inputs
from rongtong.core.web.api.auth import authenticate, require_permission
from rongtong.core.web.api.fastdump import compile_dumper

PREFIX = "/api/v1"
BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
ALLOWED_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
ENDPOINT_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
PATH_RE = re.compile(r"^[A-Za-z0-9_\-./<>:(),= ]+$")
RULE_VAR_RE = re.compile(r"<(?:(?P<conv>\w+)(?:\([^)]*\))?:)?(?P<name>\w+)>")


@dataclasses.dataclass
class Operation:
    owner: str
    path: str  # relative to /api/v1, Flask rule syntax
    method: str
    view: Callable
    endpoint: str
    summary: str = ""
    description: str = ""
    tag: str = ""
    request_schema: Any = None
    response_schema: Any = None
    query_schema: Any = None
    many: bool = False
    permission: str | None = None
    status: int = 200
    public: bool = False  # no authentication (the OpenAPI document, its docs page, applying to join)
    raw: str | None = None  # media type of a Response the view builds itself (no schema dump)
    multipart: bool = False  # the body is multipart/form-data: request_schema validates its fields + files
    # the body is JSON, or multipart/form-data with files (repeatable) — e.g. a message with attachments
    json_or_multipart: bool = False

    @property
    def openapi_path(self) -> str:
        return f"{PREFIX}/" + RULE_VAR_RE.sub(lambda m: "{" + m.group("name") + "}", self.path)

    def path_params(self) -> list[tuple[str, str]]:
        """(name, flask converter) of each variable in the path."""
        return [(m.group("name"), m.group("conv") or "string") for m in RULE_VAR_RE.finditer(self.path)]


def schema_instance(schema, many=False, load=False) -> Schema | None:
    """A schema instance from a class or an instance; classes used for input refuse unknown fields."""
    if schema is None:
        return None
    if isinstance(schema, type):
        return schema(many=many, unknown=RAISE) if load else schema(many=many)
    return schema


def from_resource(owner: str, resource: ApiResource) -> list[Operation]:
    """Check a plugin's ApiResource and turn it into operations (one per method)."""
    path = resource.path
    if not isinstance(path, str) or not path or path.startswith("/") or "//" in path or ".." in path \
            or not PATH_RE.match(path):
        raise PluginError(f"plugin {owner!r}: API resource path {path!r} must be a relative path like '{owner}/things'")
    if owner != CORE and not (path == owner or path.startswith(owner + "/")):
        raise PluginError(f"plugin {owner!r}: API resource path {path!r} must start with '{owner}/'")
    methods = tuple(m.upper() for m in (resource.methods or ("GET",)))
    for method in methods:
        if method not in ALLOWED_METHODS:
            raise PluginError(f"plugin {owner!r}: API resource {path!r}: unsupported method {method!r}")
    endpoint = resource.endpoint or f"{owner}_{getattr(resource.view, '__name__', 'view').strip('_')}"
    if not ENDPOINT_RE.match(endpoint):
        raise PluginError(f"plugin {owner!r}: API resource {path!r}: endpoint {endpoint!r} must be letters, digits, _")
    return [Operation(owner=owner, path=path, method=method, view=resource.view, endpoint=endpoint,
                      summary=resource.summary, tag=resource.tag or owner, request_schema=resource.request_schema,
                      response_schema=resource.response_schema, many=resource.many,
                      permission=resource.permission, status=201 if method == "POST" else 200)
            for method in methods]


def check_unique(operations: list[Operation]) -> None:
    """Duplicate routes or endpoints stop start-up, naming both plugins."""
    unique("API route", ((op.owner, f"{op.method} {PREFIX}/{op.path}") for op in operations))
    owners: dict[str, tuple[str, str]] = {}
    pairs = []
    for op in operations:
        key = (op.owner, op.path)
        if op.endpoint in owners and owners[op.endpoint] == key:
            continue  # the same resource answering several methods
        owners.setdefault(op.endpoint, key)
        pairs.append((op.owner, op.endpoint))
    unique("API endpoint", pairs)


def make_dumper(op: Operation) -> Callable | None:
    """``dump(obj)`` for the operation's response schema: the compiled fast path when the schema
    allows it, else marshmallow's own ``dump``."""
    schema = schema_instance(op.response_schema, many=op.many)
    if schema is None:
        return None
    return compile_dumper(schema) or schema.dump


def _accepts_data(view) -> bool:
    try:
        params = inspect.signature(view).parameters
    except (TypeError, ValueError):
        return False
    return "data" in params or any(p.kind is p.VAR_KEYWORD for p in params.values())


def make_view(ops_by_method: dict[str, Operation]) -> Callable:
    """The Flask view for one endpoint (all its methods)."""
    first = next(iter(ops_by_method.values()))
    loaders = {m: schema_instance(op.request_schema, load=True) for m, op in ops_by_method.items()}
    queries = {m: schema_instance(op.query_schema, load=True) for m, op in ops_by_method.items()}
    dumpers = {m: make_dumper(op) for m, op in ops_by_method.items()}
    passes_data = {m: _accepts_data(op.view) for m, op in ops_by_method.items()}

    @functools.wraps(first.view)
    def view(**kwargs):
        op = ops_by_method[request.method if request.method != "HEAD" else "GET"]
        method = op.method
        if op.public and loaders[method] is None:
            return op.view(**kwargs)
        # A public operation with a body (e.g. an enterprise's application) needs no caller, but
        # its body is read and validated like any other.
        user = None if op.public else authenticate()
        if not op.public:
            require_permission(op.permission)
        if queries[method] is not None:
            g.api_query = inputs.load_query(queries[method])
        if op.multipart:
            g.api_data = inputs.load_form(loaders[method])
            if passes_data[method]:
                kwargs["data"] = g.api_data
        elif op.json_or_multipart and loaders[method] is not None:
            g.api_data = inputs.load_json_or_form(loaders[method])
            if passes_data[method]:
                kwargs["data"] = g.api_data
        elif method in BODY_METHODS and loaders[method] is not None:
            g.api_data = inputs.load_body(loaders[method], partial=method == "PATCH")
            if passes_data[method]:
                kwargs["data"] = g.api_data
        with audit.acting_as(user, request.remote_addr or ""):
            result = op.view(**kwargs)
        return _respond(result, op, dumpers[method])

    return view


def _respond(result, op: Operation, dumper) -> Response:
    if isinstance(result, Response) or op.raw:
        return result
    if isinstance(result, tuple) and result and isinstance(result[0], Response):
        return result  # (response, status[, headers]): Flask handles it
    status, headers = op.status, {}
    if isinstance(result, tuple):
        result, status, *rest = result
        headers = rest[0] if rest else {}
    body = dumper(result) if dumper is not None else result
    response = jsonify(body)
    response.status_code = status
    response.headers.update(headers)
    return response


def mount(bp, operations: list[Operation]) -> None:
    """Add one URL rule per endpoint to the blueprint."""
    grouped: dict[str, dict[str, Operation]] = {}
    for op in operations:
        grouped.setdefault(op.endpoint, {})[op.method] = op
    for endpoint, ops in grouped.items():
        path = next(iter(ops.values())).path
        bp.add_url_rule("/" + path, endpoint, make_view(ops), methods=list(ops))


def query():
    """The validated query string of the current request (a dict)."""
    return g.get("api_query", {})


def body():
    """The validated JSON body of the current request (a dict)."""
    return g.get("api_data", {})
