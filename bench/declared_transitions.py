"""A declared service's transitions per second against its coded twin's, in the same run (issue 11,
"Benchmarks": within 10 %).

    python bench/declared_transitions.py [--count 600] [--rounds 11] [--api-count 200]
                                         [--pg postgresql://postgres@127.0.0.1:5432/postgres]

The coded service is the tests' ``sample`` workflow (the one bench/transitions.py measures: accept
-> deliver -> evaluate, its marshmallow step schemas) with a :class:`StepRecord` on the sample
plugin's audited ``SampleNote``, the way the built-in plugins keep their per-request record
(training, investment...). Its declared twin (:data:`DECLARED`) has the same steps, roles, time
limits and fields, and the same record writes: one audited row per request created when it is
filed, and the step's field copied into it on advance (``use = "record"``). A built-in plugin such
as training was not taken: its steps need needs surveys with answers, sessions published ahead of
a notice period and registrations, so a twin would mostly measure that plugin's own logic.

Both services run in one platform on one database. The requests cycle advance -> return -> pause
-> resume as in bench/transitions.py; each advance carries a new ``need``, so both records change
(and are audited) once every four transitions. Rounds alternate the two services (which one goes
first alternates too); the verdict is the median of the rounds' declared/coded ratios. The same is
then done through ``POST /api/v1/requests/<id>/transitions`` with a staff token (Flask test
client), on SQLite and, with ``--pg``, on a throwaway PostgreSQL database.
"""
from __future__ import annotations

import argparse
import importlib.metadata
import os
import statistics
import tempfile
import time
from pathlib import Path

from notify_common import SAMPLE, load, scratch_database  # noqa: E402  (puts the repository on sys.path)
from rongtong.core import hookimpl  # noqa: E402

SECTION = "## Declared services (issue 11)"
INTRO = """Figures from `bench/declared_*.py` (run on demand, not part of the test suite):

    python bench/declared_transitions.py   # a declared service against its coded twin: engine and API, SQLite and PostgreSQL
    python bench/declared_startup.py       # create_app with 20 generated declared services on top of the 8 built-in plugins

Each figure is measured against its yardstick in the same run: the declared service against its
coded twin (alternating rounds, one database), the app with 20 declared services against the app
without them (alternating runs). The machine's 2 cores are shared, so the load average at the time
is given with each figure, and this process's CPU time beside the wall-clock figure.

| measurement | figure | target | result | date (UTC) | machine |
|---|---|---|---|---|---|
"""
TARGET = 0.90  # declared/coded transitions per second
PLAN = [("advance", {}), ("return", {"reason": "again", "target": "accept"}), ("pause", {"reason": "materials"}),
        ("resume", {})]  # the advance's data is filled in by Side.next: a new need every cycle

DECLARED = """
# The declared twin of the coded service below (bench/declared_transitions.py).
[service]
key = "declared"
title = "示例服务（声明）"
title_en = "Sample service (declared)"
fee_type = "paid"
fee_standard = "每次 100 元"
time_limit_days = 10

[[steps]]
key = "accept"
title = "受理"
title_en = "Accept"
roles = ["staff"]
time_limit_days = 2

  [[steps.fields]]
  key = "need"
  type = "text"
  required = true
  label = "需求"
  label_en = "Need"

  [[steps.effects]]
  use = "record"
  register = "note"
  set = { text = "need" }

[[steps]]
key = "deliver"
title = "实施"
title_en = "Deliver"
roles = ["staff", "expert"]
time_limit_days = 5

  [[steps.fields]]
  key = "deliverable"
  type = "text"
  required = true
  label = "交付成果"
  label_en = "Deliverable"

  [[steps.fields]]
  key = "hours"
  type = "integer"
  required = true
  min = 0
  label = "工时"
  label_en = "Hours"

  [[steps.effects]]
  use = "record"
  register = "note"
  set = { text = "deliverable" }

[[steps]]
key = "evaluate"
title = "评价"
title_en = "Evaluate"
roles = ["enterprise"]
time_limit_days = 3
outcomes = ["advance"]

  [[steps.fields]]
  key = "score"
  type = "scale"
  required = true
  min = 1
  max = 5
  label = "评分"
  label_en = "Score"

[[registers]]
key = "note"
title = "备注"
title_en = "Notes"
scope = "request"
per_request = true

  [[registers.fields]]
  key = "text"
  type = "text"
  label = "内容"
  label_en = "Text"
"""


class CodedTwin:
    """The coded service: the sample workflow's steps under key ``coded``, with a StepRecord."""

    VERSION, TITLE, REQUIRES = "1.0", "Sample service (coded)", ("sample",)

    def __init__(self):
        from rongtong.core.plugin import StepRecord
        from tests.fixtures.sampleplugin.models import SampleNote

        self.record = StepRecord(SampleNote, workflow="coded", create=lambda request: {})

        @self.record.on("accept")
        def accept(note, data, event):
            note.text = data["need"]

        @self.record.on("deliver")
        def deliver(note, data, event):
            note.text = data["deliverable"]

    @hookimpl
    def register_workflows(self):
        import tests.fixtures.sampleplugin as sample
        from rongtong.core.plugin import Workflow

        return [Workflow("coded", "示例服务（代码）", "Sample service (coded)", version=1, steps=sample.STEPS_V2)]

    @hookimpl
    def register_services(self):
        from rongtong.core.plugin import ServiceEntry

        return [ServiceEntry("coded", "示例服务（代码）", "Sample service (coded)", workflow="coded", fee_type="paid",
                             fee_standard="每次 100 元", time_limit_days=10)]

    @hookimpl
    def register_reactions(self):
        return self.record.reactions()


CODED_PLUGIN = None  # the CodedTwin, built on first use; entry point "coded" = this module:CODED_PLUGIN


def make_platform(url: str, services: Path):
    from rongtong.core.config import load_config
    from rongtong.core.platform import Platform

    global CODED_PLUGIN
    CODED_PLUGIN = CODED_PLUGIN or CodedTwin()
    entry_points = {**SAMPLE, "coded": importlib.metadata.EntryPoint("coded", f"{__name__}:CODED_PLUGIN",
                                                                    "rongtong.plugins")}
    overrides = {"database": {"url": url}, "plugins": {"enabled": ["sample", "coded"]},
                 "services": {"directory": str(services)},
                 "site": {"secret_key": "bench", "url": "https://rt.example"}}
    platform = Platform(load_config(overrides=overrides), entry_points=entry_points)
    platform.upgrade()
    return platform


class Side:
    """One service's requests and how far through :data:`PLAN` each is."""

    def __init__(self, key: str, ids: list[int]):
        self.key, self.ids, self.all_ids, self.done = key, ids, list(ids), 0
        self.versions = {}

    def next(self):
        i = self.done
        self.done += 1
        outcome, kwargs = PLAN[i % len(PLAN)]
        if outcome == "advance":  # changed data, so both records change (and are audited) every time
            kwargs = {"data": {"need": f"need {i // len(PLAN)}"}}
        return self.ids[(i // len(PLAN)) % len(self.ids)], (outcome, kwargs)


def engine_round(engine, side: Side, count: int, actor) -> tuple[float, float]:
    start, cpu = time.perf_counter(), time.process_time()
    for _ in range(count):
        request_id, (outcome, kwargs) = side.next()
        engine.transition(request_id, outcome, actor, **kwargs)
    return count / (time.perf_counter() - start), count / (time.process_time() - cpu)


def api_round(client, headers, side: Side, count: int) -> tuple[float, float]:
    start, cpu = time.perf_counter(), time.process_time()
    for _ in range(count):
        request_id, (outcome, kwargs) = side.next()
        body = {"outcome": outcome, "version": side.versions[request_id], **kwargs}
        answer = client.post(f"/api/v1/requests/{request_id}/transitions", json=body, headers=headers)
        if answer.status_code != 201:
            raise SystemExit(f"{side.key}: {outcome} on #{request_id}: HTTP {answer.status_code} {answer.get_data(True)}")
        side.versions[request_id] = answer.get_json()["request"]["version"]
    return count / (time.perf_counter() - start), count / (time.process_time() - cpu)


def interleave(rounds: int, run) -> dict[str, list[tuple[float, float]]]:
    """``run(key)`` for "coded" and "declared" ``rounds`` times, alternating which goes first."""
    out = {"coded": [], "declared": []}
    for r in range(rounds):
        for key in (("coded", "declared") if r % 2 == 0 else ("declared", "coded")):
            out[key].append(run(key))
    return out


def median(rates) -> tuple[float, float]:
    return statistics.median(r[0] for r in rates), statistics.median(r[1] for r in rates)


def measure(url: str, services: Path, count: int, rounds: int, api_count: int, per_request: int = 12) -> dict:
    from rongtong.core import audit
    from rongtong.core.models import ServiceRequest
    from rongtong.core.web.app import create_app
    from rongtong.core.web.tokens import issue_token
    from tests.factories import make_people

    platform = make_platform(url, services)
    people = make_people()
    engine = platform.engine
    sides = {}
    for key in ("coded", "declared"):
        ids = [engine.open_request(enterprise=people.ent_a, service_key=key, actor=people.user_a, title=f"{key} {i}").id
               for i in range(max(1, count // per_request))]
        sides[key] = Side(key, ids)
        for _ in range(len(PLAN) * len(ids)):  # warm-up: one full cycle each
            request_id, (outcome, kwargs) = sides[key].next()
            engine.transition(request_id, outcome, people.staff, **kwargs)
    results = {"engine": interleave(rounds, lambda key: engine_round(engine, sides[key], count, people.staff))}
    if api_count:
        app = create_app(platform=platform)
        client = app.test_client()
        headers = {"Authorization": f"Bearer {issue_token(people.staff, 'bench')}"}
        for side in sides.values():
            side.done = 0
            side.ids = side.ids[:max(1, api_count // per_request)]
            side.versions = dict(ServiceRequest.select(ServiceRequest.id, ServiceRequest.version)
                                 .where(ServiceRequest.id.in_(side.ids)).tuples())
            api_round(client, headers, side, len(PLAN) * len(side.ids))  # warm-up
        results["api"] = interleave(rounds, lambda key: api_round(client, headers, sides[key], api_count))
    checks = check_records(platform, sides)
    assert audit.verify()[1] is None
    platform.db.close()
    return {**results, "records": checks}


def check_records(platform, sides) -> str:
    """Both services wrote the same records: one note per request, holding its last advance's need."""
    from tests.fixtures.sampleplugin.models import SampleNote

    declared = platform.registry.plugins["declared"].module.register("note")
    coded = SampleNote.select().where(SampleNote.request.in_(sides["coded"].all_ids)).count()
    ours = declared.select().where(declared.request.in_(sides["declared"].all_ids)).count()
    texts = {n.text.split()[0] for n in declared.select()} | {n.text.split()[0] for n in SampleNote.select()}
    if coded != len(sides["coded"].all_ids) or ours != len(sides["declared"].all_ids) or texts != {"need"}:
        raise SystemExit(f"the records differ: coded {coded}, declared {ours}, texts {texts}")
    return f"{coded} + {ours} records"


def figure(results: dict, what: str, count: int, rounds: int) -> tuple[str, float]:
    """The medians of both services' rates, and the median of the rounds' declared/coded ratios:
    each round runs the two back to back, so a busy moment on the machine weighs on both alike."""
    pairs = list(zip(results[what]["coded"], results[what]["declared"]))
    ratio = statistics.median(d[0] / c[0] for c, d in pairs)
    cpu_ratio = statistics.median(d[1] / c[1] for c, d in pairs)
    coded, declared = median(results[what]["coded"]), median(results[what]["declared"])
    text = (f"{ratio:.2f}× the coded twin (median of {rounds} alternating rounds of {count:,}: declared "
            f"{declared[0]:,.0f}/s, coded {coded[0]:,.0f}/s); this process's CPU alone: {cpu_ratio:.2f}× "
            f"({declared[1]:,.0f}/s vs {coded[1]:,.0f}/s); {load()}")
    return text, ratio


def run(label: str, url: str, services: Path, args) -> None:
    from web_common import record

    results = measure(url, services, args.count, args.rounds, args.api_count)
    for what, count, name in (("engine", args.count, "engine"), ("api", args.api_count, "`POST /api/v1/requests/<id>/transitions`")):
        if what not in results:
            continue
        for key in ("coded", "declared"):
            print(f"  {label} {what} {key}: " + ", ".join(f"{w:,.0f}/s (CPU {c:,.0f}/s)" for w, c in results[what][key]))
        text, ratio = figure(results, what, count, args.rounds)
        record(f"declared service's transitions/s against its coded twin, {name}, {label}", text,
               f">= {TARGET:.2f}× coded", ratio >= TARGET, section=SECTION, intro=INTRO)
    print(f"  {label}: {results['records']}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=600, help="engine transitions per round and service")
    parser.add_argument("--api-count", type=int, default=200, help="API transitions per round and service (0: none)")
    parser.add_argument("--rounds", type=int, default=11)
    parser.add_argument("--pg", default=os.environ.get("RONGTONG_BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres"),
                        help="an admin URL of a PostgreSQL server ('' to skip)")
    args = parser.parse_args()
    os.chdir(tempfile.mkdtemp())
    services = Path(tempfile.mkdtemp())
    (services / "declared.toml").write_text(DECLARED, encoding="utf-8")
    with scratch_database() as url:
        run("SQLite", url, services, args)
    if args.pg:
        try:
            with scratch_database(args.pg) as url:
                run("PostgreSQL", url, services, args)
        except Exception as exc:  # no server: say so instead of failing the SQLite figure
            print(f"PostgreSQL skipped: {type(exc).__name__}: {exc}".splitlines()[0])


if __name__ == "__main__":
    main()
