"""``rongtong demo``: a realistic demo platform on a fresh SQLite file.

Departments (DB1302 5.1.2) with the comprehensive management board (4.4.4), staff with a head per
department, every service routed to a department (so each request lands in a queue and is handed
to its members in turn), an expert, an evaluator, an administrator; a few dozen enterprises of every scale and kind with valid credit codes (some still
awaiting onboarding review, DB1302 4.4.4); enterprise users; requests in every step of every enabled
workflow, some due soon and some overdue; then whatever each plugin adds through ``seed_demo``.

``--size N`` builds a large platform instead (N enterprises, 10×N requests) with bulk inserts, for
benchmarks.
"""
from __future__ import annotations

import datetime
import functools
import random
import secrets
from pathlib import Path

import click
from werkzeug.serving import run_simple

from rongtong.core import audit
from rongtong.core import creditcode
from rongtong.core.db import database
from rongtong.core.errors import RongtongError
from rongtong.core.i18n import site_language
from rongtong.core.models import Department, Enterprise, ServiceRequest, Transition, User, utcnow
from rongtong.core.platform import Platform
from rongtong.core.routing import set_route
from rongtong.core.setup import installed_builtin_plugins
from rongtong.core.web.app import create_app

DEPARTMENTS = [
    ("innovation", "创新服务部", "Innovation"),
    ("rnd", "研发服务部", "R&D"),
    ("manufacturing", "制造服务部", "Manufacturing"),
    ("purchasing", "采购服务部", "Purchasing"),
    ("marketing", "市场服务部", "Marketing"),
    ("financing", "投融资服务部", "Investment and financing"),
    ("board", "综合管理部", "Comprehensive management board"),  # DB1302 4.4.4; [routing] board_department
]
BOARD_DEPARTMENT = "board"
# Which demo department serves each built-in service (DB1302 5.1.2): ServiceRoute rows, as if set
# on the admin screen "服务与部门", so every demo request lands in a department's queue.
DEMO_ROUTES = {
    "information.consultation": "innovation",
    "technical.service": "rnd",
    "management": "manufacturing",
    "training": "purchasing",
    "promotion": "marketing",
    "financing": "financing",
    "investment": "financing",
    "complaint": BOARD_DEPARTMENT,
}
INDUSTRIES = ["装备制造", "新材料", "生物医药", "电子信息", "现代物流", "食品加工", "纺织服装", "节能环保"]
REGIONS = ["长安区", "桥西区", "新华区", "裕华区", "高新区", "正定县", "藁城区", "鹿泉区"]
NAME_PARTS = ["华", "鑫", "泰", "恒", "润", "达", "安", "盛", "瑞", "康", "信", "联", "中", "北", "冀", "宏"]
SUFFIX = ["科技有限公司", "机械股份有限公司", "新材料有限公司", "电子有限公司", "物流有限公司", "生物科技有限公司"]
SCALES = ["large", "medium", "small", "micro"]
KINDS = ["entrepreneur", "sme", "lead", "supply_chain"]
DEMO_PASSWORDS = {
    "admin": "demo-admin-2026",
    "staff": "demo-staff-2026",
    "expert": "demo-expert-2026",
    "evaluator": "demo-evaluator-2026",
    "enterprise": "demo-enterprise-2026",
}


def random_credit_code(rng: random.Random) -> str:
    """A code valid under every rule of GB 32100 (core.creditcode), registered in Shijiazhuang. Nine
    draws as before (the ninth is dropped: the organisation code's check is computed), so the demo's
    other random choices stay the same."""
    drawn = "".join(rng.choice(creditcode.ALPHABET) for _ in range(9))
    return creditcode.credit_code_for(drawn[:8], division="130100")


def enterprise_name(rng: random.Random, i: int) -> str:
    return "石家庄" + rng.choice(NAME_PARTS) + rng.choice(NAME_PARTS) + SUFFIX[i % len(SUFFIX)]


def _user(username, display, roles, password, **kw):
    u = User(username=username, display_name=display, roles=roles, **kw)
    u.set_password(password)
    u.save()
    audit.record_create(u)
    return u


def seed_context(platform, ctx: dict, rng) -> dict:
    """What ``seed_demo`` hooks receive as ``context``: the demo's random source, enterprises, users
    by role, departments and the demo logins' passwords (for users a plugin adds)."""
    return {"rng": rng, "platform": platform, "enterprises": ctx["enterprises"],
            "users": {"admin": [ctx["admin"]], "staff": ctx["staff"], "expert": [ctx["expert"]],
                      "evaluator": [ctx["evaluator"]], "enterprise": ctx["enterprise_users"]},
            "departments": ctx["departments"], "passwords": dict(DEMO_PASSWORDS)}


def seed_people(rng: random.Random) -> dict:
    """Departments, staff, expert, evaluator, admin, enterprises and their users."""
    ctx = {"departments": [], "staff": [], "enterprises": [], "enterprise_users": []}
    with database.atomic():
        ctx["admin"] = _user("admin", "平台管理员", ["admin"], DEMO_PASSWORDS["admin"])
        for i, (key, name, name_en) in enumerate(DEPARTMENTS):
            dept = Department.create(key=key, name=name, name_en=name_en, duties=f"负责{name}相关企业服务")
            ctx["departments"].append(dept)
            ctx["staff"].append(_user(f"head{i + 1}", f"{name}部长", ["staff"], DEMO_PASSWORDS["staff"],
                                      department=dept, is_department_head=True, post="部长"))
            ctx["staff"].append(_user(f"staff{i + 1}", f"{name}专员", ["staff"], DEMO_PASSWORDS["staff"],
                                      department=dept, post="服务专员"))
        ctx["expert"] = _user("expert", "张专家", ["expert"], DEMO_PASSWORDS["expert"], qualifications="高级工程师")
        ctx["evaluator"] = _user("evaluator", "李评价员", ["evaluator"], DEMO_PASSWORDS["evaluator"])
        for i in range(36):
            status = "admitted" if i < 30 else ("applied" if i < 34 else "under_review")
            ent = Enterprise.create(
                name=enterprise_name(rng, i), credit_code=random_credit_code(rng), scale=SCALES[i % 4],
                kind=KINDS[(i // 4) % 4], industry=INDUSTRIES[i % len(INDUSTRIES)], region=REGIONS[i % len(REGIONS)],
                contact_name=rng.choice(["王", "李", "张", "刘", "陈"]) + rng.choice(["伟", "芳", "娜", "敏", "静"]),
                contact_phone=f"1{rng.randint(3000000000, 9999999999)}", status=status,
                description="演示企业", reviewed_at=utcnow() if status == "admitted" else None,
            )
            audit.record_create(ent)
            ctx["enterprises"].append(ent)
        for i, ent in enumerate(ctx["enterprises"][:6]):
            ctx["enterprise_users"].append(_user(f"ent{i + 1}", f"{ent.name}联系人", ["enterprise"],
                                                 DEMO_PASSWORDS["enterprise"], enterprise=ent))
    return ctx


def seed_routes(platform, ctx: dict) -> None:
    """Route every enabled service to a demo department (:data:`DEMO_ROUTES`; a service the demo
    does not know goes to the departments in turn)."""
    by_key = {d.key: d for d in ctx["departments"]}
    services = sorted(platform.registry.services)
    for i, key in enumerate(services):
        department = by_key.get(DEMO_ROUTES.get(key, "")) or ctx["departments"][i % (len(ctx["departments"]) - 1)]
        set_route(key, department, ctx["admin"], platform.registry)


def seed_requests(platform, ctx: dict, rng: random.Random) -> int:
    """Two requests per step of every enabled workflow, each walked towards its step with the steps'
    ``example`` data. Steps whose data must point at a plugin's own records (a survey, an
    investor...) stop the walk early; the plugin's ``seed_demo`` (run next) takes those requests on.
    """
    engine = platform.engine
    admitted = [e for e in ctx["enterprises"] if e.status == "admitted"]
    admin = ctx["admin"]
    count = 0
    for service in platform.registry.services.values():
        wf = platform.registry.workflow(service.workflow)
        for step in wf.steps:
            for _copy in range(2):
                ent = admitted[count % len(admitted)]
                filer = next((u for u in ctx["enterprise_users"] if u.enterprise_id == ent.id), admin)
                req = engine.open_request(enterprise=ent, service_key=service.key, actor=filer,  # routed
                                          title=f"{ent.name}：{service.title}", description=service.description,
                                          assignee=ctx["expert"] if count % 3 == 0 else None)
                count += 1
                walk(engine, wf, req, step.key, admin)
    return count


def fill_empty_steps(platform, ctx: dict) -> None:
    """Put a request at every step still empty after the plugins' seeds, by replaying the step data
    of a request that already went through that step (plugins' seeds use their own records, such as
    an answered survey, which the steps' static examples cannot name)."""
    admin = ctx["admin"]
    admitted = [e for e in ctx["enterprises"] if e.status == "admitted"]
    for i, name in enumerate(empty_steps(platform)):
        wf_key, step_key = name.split("/", 1)
        entered = (Transition.select(Transition.request).join(ServiceRequest)
                   .where((ServiceRequest.workflow_key == wf_key) & (Transition.to_step == step_key)
                          & (Transition.outcome == "advance")).first())
        if entered is None:
            continue
        model = ServiceRequest.get_by_id(entered.request_id)
        history = []
        for t in Transition.select().where(Transition.request == model.id).order_by(Transition.created_at, Transition.id):
            if t.outcome == "advance":
                history.append(t)
                if t.to_step == step_key:
                    break
        ent = admitted[(i * 7) % len(admitted)]
        req = platform.engine.open_request(enterprise=ent, service_key=model.service_key, actor=admin,
                                           title=f"{ent.name}：{model.title.split('：')[-1]}", description=model.description,
                                           data=model.data, department=model.department, assignee=model.assignee)
        for t in history:
            try:
                platform.engine.transition(req.id, "advance", admin, data=t.data, target=t.to_step)
            except RongtongError:
                break


def empty_steps(platform) -> list[str]:
    """``workflow/step`` names no open request waits at (shown once after the demo is built)."""
    occupied = set(ServiceRequest.select(ServiceRequest.workflow_key, ServiceRequest.current_step)
                   .where(ServiceRequest.status == "open").distinct().tuples())
    return [f"{wf.key}/{step.key}" for wf in platform.registry.workflows.values() for step in wf.steps
            if (wf.key, step.key) not in occupied]


def walk(engine, wf, req, step_key: str, actor) -> bool:
    """Advance ``req`` along the shortest path to ``step_key``; False if a step refused its example."""
    path = path_to(wf, step_key)
    for here, there in zip(path, path[1:]):
        try:
            engine.transition(req.id, "advance", actor, data=wf.step(here).example_for(there), target=there)
        except RongtongError:
            return False
    return True


def backdate_some(platform, rng: random.Random) -> None:
    """Move every third open request 3 to 30 days into the past so the inbox has overdue work."""
    open_ids = [r.id for r in ServiceRequest.select(ServiceRequest.id)
                .where(ServiceRequest.status == "open").order_by(ServiceRequest.id)]
    for request_id in open_ids[1::3]:
        backdate(platform, request_id, days=rng.choice([3, 8, 15, 30]))


def path_to(workflow, step_key: str) -> list[str]:
    """The shortest chain of advances from the first step to ``step_key`` (branches included)."""
    first = workflow.steps[0].key
    previous = {first: None}
    queue = [first]
    while queue:
        here = queue.pop(0)
        if here == step_key:
            break
        for there in workflow.next_of(here):
            if there not in previous:
                previous[there] = here
                queue.append(there)
    path, node = [], step_key
    while node is not None:
        path.append(node)
        node = previous.get(node)
    return list(reversed(path)) if path[-1] == first else [first]


def backdate(platform, request_id: int, days: int) -> None:
    """Move a request's history ``days`` into the past and recompute its due dates (demo only)."""
    delta = datetime.timedelta(days=days)
    with database.atomic():
        req = ServiceRequest.get_by_id(request_id)
        for t in Transition.select().where(Transition.request == request_id):
            Transition.update(created_at=t.created_at - delta).where(Transition.id == t.id).execute()
        req.opened_at -= delta
        ServiceRequest.update(opened_at=req.opened_at).where(ServiceRequest.id == request_id).execute()
        clock = platform.engine.clock(ServiceRequest.get_by_id(request_id))
        ServiceRequest.update(step_started_at=clock.step_started_at, step_due_at=clock.step_due_at,
                              due_at=clock.due_at).where(ServiceRequest.id == request_id).execute()


def _insert_rows(model, columns, rows) -> None:
    """``executemany`` of ready-made rows (already in database form) into ``model``'s table. Columns
    not listed get their field default once (computed, converted), not once per row; peewee's
    per-value SQL building is what made ``insert_many`` the bottleneck of ``--size``."""
    fields = model._meta.fields
    rest = [f for name, f in fields.items() if name not in columns and f is not model._meta.primary_key]
    extra = tuple(f.db_value(f.default() if callable(f.default) else f.default) for f in rest)
    names = [fields[c].column_name for c in columns] + [f.column_name for f in rest]
    left, right = database.quote  # the identifier quotes: '""' on SQLite and PostgreSQL
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        left + model._meta.table_name + right, ", ".join(left + n + right for n in names),
        ", ".join([database.param] * len(names)))
    with database.atomic():
        database.cursor().executemany(sql, [row + extra for row in rows])


def bulk_load(platform, size: int, rng: random.Random) -> None:
    """N enterprises and 10×N requests with bulk inserts and a progress bar (100,000 and 1,000,000
    in a few minutes). Rows go in as plain tuples in chunks of 50,000, one transaction each; due
    dates are computed once per (opening day, time limit), not once per row."""
    services = list(platform.registry.services.values())
    if not services:
        raise RongtongError("--size needs at least one enabled service plugin")
    chunk = 50_000
    now = utcnow()
    dt = ServiceRequest.opened_at.db_value
    stamp = dt(now)
    ent_columns = ("name", "credit_code", "scale", "kind", "industry", "region", "status", "created_at", "updated_at")
    with click.progressbar(length=size, label="enterprises") as bar:
        for start in range(0, size, chunk):
            rows = [(f"企业{i:07d}", creditcode.credit_code_for(i, division="130000"), SCALES[i % 4], KINDS[i % 4],
                     INDUSTRIES[i % 8], REGIONS[i % 8], "admitted", stamp, stamp)
                    for i in range(start, min(start + chunk, size))]
            _insert_rows(Enterprise, ent_columns, rows)
            bar.update(len(rows))
    first_id = Enterprise.select(Enterprise.id).order_by(Enterprise.id).first().id
    ent_ids = [r[0] for r in Enterprise.select(Enterprise.id).tuples()]
    plans = [(service, platform.registry.workflow(service.workflow)) for service in services]
    calendar = platform.calendar
    due = functools.lru_cache(maxsize=None)(lambda opened, days: dt(calendar.due_at(opened, days)))
    openings = [now - datetime.timedelta(days=d) for d in range(61)]
    req_columns = ("enterprise", "service_key", "workflow_key", "workflow_version", "current_step", "status", "title",
                   "description", "data", "opened_at", "step_started_at", "due_at", "step_due_at", "version")
    empty = ServiceRequest.data.db_value({})
    total = size * 10
    with click.progressbar(length=total, label="requests") as bar:
        for start in range(0, total, chunk):
            rows = []
            for i in range(start, min(start + chunk, total)):
                service, wf = plans[i % len(plans)]
                step = wf.steps[i % len(wf.steps)]
                opened = openings[rng.randint(0, 60)]
                rows.append((ent_ids[i % len(ent_ids)], service.key, wf.key, wf.version, step.key, "open",
                             f"{service.title} #{i}", "", empty, dt(opened), dt(opened),
                             due(opened, wf.total_days), due(opened, step.time_limit_days), 1))
            _insert_rows(ServiceRequest, req_columns, rows)
            bar.update(len(rows))
    # Table statistics for the query planner: without them SQLite answers "status IN (...)" on a
    # million requests by sorting every matching row instead of walking the ids newest first.
    database.execute_sql("ANALYZE")
    audit.record("bulk_load", "core_servicerequest", "", {"enterprises": size, "requests": total, "first_enterprise": first_id})


#: The demo's published complaint channels (DB1302 5.1.3, 5.4.2; ``[plugins.evaluation.complaints]``).
DEMO_COMPLAINTS = {
    "phone": "0311-8666 1234（工作日 8:30—17:30）",
    "email": "tousu@rongtong-demo.cn",
    "mailbox": "石家庄市长安区中山东路 100 号 融通平台评价监督部（邮编 050000）",
    "hours": "工作日 8:30—12:00，13:30—17:30",
    "rules": "投诉自受理之日起 5 个工作日内答复；对处理结果不满意的，可在 10 个工作日内申请复核，"
             "复核由评价监督部或评价委员会组织，不由原承办人办理。",
}


def run_demo(cli_ctx, port=5000, host="127.0.0.1", serve=True, size=None, db_file="rongtong-demo.db") -> None:
    base = cli_ctx.config
    path = Path(db_file).resolve()
    for suffix in ("", "-wal", "-shm"):
        p = Path(str(path) + suffix)
        if p.exists():
            p.unlink()
    enabled = base.enabled_plugins or installed_builtin_plugins()
    plugins = {"enabled": enabled}
    if "evaluation" in enabled and not base.get("plugins.evaluation.complaints"):
        plugins["evaluation"] = {**(base.get("plugins.evaluation") or {}), "complaints": DEMO_COMPLAINTS}
    config = base.with_overrides(database={"url": f"sqlite:///{path}"}, plugins=plugins,
                                 site={"secret_key": base.get("site.secret_key") or secrets.token_hex(32)},
                                 routing={"board_department": base.get("routing.board_department") or BOARD_DEPARTMENT})
    platform = Platform(config)
    cli_ctx._platform = platform
    platform.upgrade()
    rng = random.Random(20261126)
    if size:
        bulk_load(platform, size, rng)
        click.echo(f"built {size} enterprises and {size * 10} requests in {path}")
    else:
        ctx = seed_people(rng)
        # Texts made while seeding (notifications, plugin records) are in the site's language, as
        # they would be when the same events happen on the running platform.
        with audit.acting_as(ctx["admin"]), site_language(platform):
            context = seed_context(platform, ctx, rng)
            seed_routes(platform, ctx)
            seed_requests(platform, ctx, rng)
            platform.registry.notify("seed_demo", context=context)
            fill_empty_steps(platform, ctx)
            backdate_some(platform, rng)
            n = ServiceRequest.select().count()
        missing = empty_steps(platform)
        if missing:
            click.echo(f"demo: no open request waits at {', '.join(missing)}", err=True)
        click.echo(f"demo platform built in {path}: {len(ctx['enterprises'])} enterprises, {n} requests, "
                   f"plugins: {', '.join(enabled) or 'none'}")
    if not serve:
        return
    app = create_app(platform=platform)
    url = f"http://{host}:{port}/"
    click.echo("")
    click.echo(f"Rongtong demo: {url}   (staff admin: {url}admin/   API: {url}api/v1/docs)")
    click.echo("Logins (username / password):")
    click.echo(f"  administrator   admin / {DEMO_PASSWORDS['admin']}")
    click.echo(f"  staff           staff1 .. staff7, head1 .. head7 (department heads; 7: the management board) / {DEMO_PASSWORDS['staff']}")
    click.echo(f"  expert          expert / {DEMO_PASSWORDS['expert']}")
    click.echo(f"  evaluator       evaluator / {DEMO_PASSWORDS['evaluator']}")
    click.echo(f"  enterprise      ent1 .. ent6 / {DEMO_PASSWORDS['enterprise']}")
    click.echo("Press Ctrl+C to stop.")
    run_simple(host, port, app, threaded=True, use_reloader=False, use_debugger=False)
