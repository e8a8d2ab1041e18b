"""Transition endpoint under load (issue 3 "5. Speed": at least 300 transitions/s with 4 gunicorn
workers on SQLite, and no "database is locked").

    python bench/web_transitions.py [--db PATH] [--size 100000] [--seconds 20] [--connections 16]

Picks open requests on which the staff benchmark user may act, and for each prepares one
``POST /api/v1/requests/<id>/transitions`` with the version it has: "advance" (with the step's
example data and a target when the workflow branches) or, on every other request where the step
allows it, "return" with a reason. wrk (a Lua script, 16 connections) posts them, each request once;
the script counts status codes. 409s (a stale version) can only come from races and are reported;
any 5xx and any "database is locked" in the gunicorn log fail the run. The database is modified
(benchmark users' transitions); the other benchmarks do not mind.
"""
from __future__ import annotations

import argparse
import json
import re
import tempfile
from pathlib import Path

from web_common import DEFAULT_DB, gunicorn, load, prepare, record, wrk

TARGET = 300.0

LUA = r"""
local items = {}
counts = {}
local threads = {}
local token = os.getenv("BENCH_TOKEN")
for line in io.lines(os.getenv("BENCH_ITEMS")) do
  local id, body = line:match("^(%d+)\t(.*)$")
  items[#items + 1] = {id, body}
end
local i = 0

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  counts = {}
end

function request()
  i = i + 1
  if i > #items then i = 1 end  -- wrapped: a repeat is a 409 (counted as "wrapped" below)
  local item = items[i]
  return wrk.format("POST", "/api/v1/requests/" .. item[1] .. "/transitions",
    {["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json"}, item[2])
end

local shown = 0
function response(status, headers, body)
  counts[status] = (counts[status] or 0) + 1
  if status ~= 201 and shown < 3 and os.getenv("BENCH_DEBUG") then
    shown = shown + 1
    io.stderr:write(status .. " " .. body:sub(1, 400) .. "\n")
  end
  counts["sent"] = i
end

function done(summary, latency, requests)
  local total = {}
  for _, t in ipairs(threads) do
    local c = t:get("counts")
    for k, v in pairs(c) do total[k] = (total[k] or 0) + v end
  end
  local parts = {}
  for k, v in pairs(total) do parts[#parts + 1] = '"' .. tostring(k) .. '": ' .. tostring(v) end
  io.write("COUNTS {" .. table.concat(parts, ", ") .. "} ITEMS " .. #items .. "\n")
end
"""


def plan(info, count: int, items_path: Path) -> dict:
    """Write ``count`` transition bodies (``id<TAB>json``) for open requests the staff user may move.

    The bulk demo has no plugin records behind its requests, so some steps' example data refers to
    nothing (an unknown survey, a complaint without its record). Each (workflow, step, outcome) is
    first tried once in a transaction that is rolled back; only the kinds that work are used."""
    from rongtong.core.config import load_config
    from rongtong.core.db import database
    from rongtong.core.errors import RongtongError
    from rongtong.core.models import ServiceRequest, User
    from rongtong.core.platform import Platform

    platform = Platform(load_config(info["config"]))
    engine = platform.engine
    staff = User.get(User.username == info["users"]["staff"])
    works: dict = {}
    kinds = {"advance": 0, "return": 0, "complete": 0}
    lines = []
    rows = (ServiceRequest.select().where((ServiceRequest.status == "open") & (ServiceRequest.version == 1))
            .order_by(ServiceRequest.id).limit(count * 6))
    for n, req in enumerate(rows.iterator()):
        actions = {a.outcome: a for a in engine.actions(req, staff)}
        step = engine.workflow_of(req).step(req.current_step)
        wanted = ["return", "advance", "complete"] if n % 2 else ["advance", "complete", "return"]
        body = None
        for outcome in wanted:
            a = actions.get(outcome)
            if a is None:
                continue
            candidate = {"outcome": outcome, "version": req.version, "target": a.targets[0] if len(a.targets) > 1 else None}
            if outcome == "return":
                candidate["reason"] = "基准测试退回"
            else:
                candidate["data"] = step.example or {}
            kind = (req.workflow_key, req.current_step, outcome)
            if kind not in works:
                with database.atomic() as txn:
                    try:
                        engine.transition(req.id, outcome, staff, reason=candidate.get("reason", ""),
                                          data=candidate.get("data"), target=candidate["target"],
                                          expected_version=req.version)
                        works[kind] = True
                    except RongtongError:
                        works[kind] = False
                    txn.rollback()
            if works[kind]:
                body = candidate
                break
        if body is None:
            continue
        kinds[body["outcome"]] += 1
        lines.append(f"{req.id}\t{json.dumps(body, ensure_ascii=False)}")
        if len(lines) == count:
            break
    platform.db.close()
    items_path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    kinds["kinds tried"] = len(works)
    kinds["kinds that work"] = sum(works.values())
    return kinds


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=str(DEFAULT_DB))
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--items", type=int, default=40_000)
    args = parser.parse_args()
    info = prepare(Path(args.db).resolve(), args.size)
    work = Path(tempfile.mkdtemp())
    items = work / "items.tsv"
    kinds = plan(info, args.items, items)
    print(f"prepared transitions: {kinds}", flush=True)
    script = work / "transitions.lua"
    script.write_text(LUA, encoding="utf-8")
    log = work / "gunicorn.log"
    import os

    os.environ.update(BENCH_TOKEN=info["tokens"]["staff"], BENCH_ITEMS=str(items))
    with gunicorn(info["config"], workers=args.workers, log=str(log), extra=("--log-level", "info")) as app:
        app.wait("/api/v1/openapi.json")
        r = wrk(app.url + "/", connections=args.connections, seconds=args.seconds, cpus=None, script=str(script))
    text = log.read_text(errors="replace")
    locked = text.count("database is locked")
    m = re.search(r"COUNTS \{(.*)\} ITEMS (\d+)", r["out"])
    counts = json.loads("{" + m.group(1) + "}") if m else {}
    sent = counts.pop("sent", 0)
    created = counts.get("201", 0)
    wrapped = max(0, sent - int(m.group(2))) if m else 0
    rate = created / args.seconds
    others = {k: v for k, v in counts.items() if k != "201"}
    print(r["out"], r["stderr"])
    print(f"status codes: {counts}; 'database is locked' in log: {locked}; wrapped: {wrapped}", flush=True)
    five = sum(v for k, v in counts.items() if k.startswith("5"))
    record(f"transitions via `POST /api/v1/requests/<id>/transitions`, {args.workers} gunicorn workers, SQLite, "
           f"wrk {args.connections} connections",
           f"{rate:.0f} transitions/s (201s: {created}, other statuses: {others or 'none'}; "
           f"p99 {r['p99']:.0f} ms; 'database is locked': {locked}; {load()})",
           f">= {TARGET:.0f}/s, 0 locked", rate >= TARGET and locked == 0 and five == 0)


if __name__ == "__main__":
    main()
