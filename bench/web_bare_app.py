"""The yardstick for bench/web_read.py: a bare Flask + peewee app running the same queries as the
read API (``GET /api/v1/requests/<id>`` and the first page of ``GET /api/v1/requests``) on the same
database and connection settings, with none of the platform around them (no auth, no row scope
beyond the same enterprise condition, no schema, no clock, no actions).

    RONGTONG_BARE_DB=/path/to.db gunicorn -w 1 'web_bare_app:app'     (from bench/)

``?enterprise=<id>`` adds the condition the API's row scope adds for an enterprise user.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask import Flask, abort, jsonify, request  # noqa: E402

from rongtong.core.db import bind_database  # noqa: E402
from rongtong.core.models import Enterprise, ServiceRequest  # noqa: E402

bind_database("sqlite:///" + os.environ["RONGTONG_BARE_DB"])
app = Flask(__name__)
app.json.ensure_ascii = False

COLUMNS = [f.name for f in ServiceRequest._meta.sorted_fields if f.name != "enterprise"]


def _query():
    q = (ServiceRequest.select(ServiceRequest, Enterprise.id, Enterprise.name)
         .join(Enterprise, on=(ServiceRequest.enterprise == Enterprise.id)))
    enterprise = request.args.get("enterprise", type=int)
    if enterprise is not None:
        q = q.where(ServiceRequest.enterprise == enterprise)
    return q


def _row(r) -> dict:
    out = {name: getattr(r, name) for name in COLUMNS}
    out["enterprise"] = {"id": r.enterprise.id, "name": r.enterprise.name}
    return out


@app.get("/bare/requests/<int:request_id>")
def one(request_id):
    r = _query().where(ServiceRequest.id == request_id).first()
    if r is None:
        abort(404)
    return jsonify(_row(r))


@app.get("/bare/requests")
def page():
    rows = list(_query().order_by(ServiceRequest.id.desc()).limit(21))
    return jsonify({"items": [_row(r) for r in rows[:20]], "next_cursor": rows[20].id if len(rows) > 20 else None})
