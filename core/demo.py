"""``rongtong demo``: a realistic demo platform on a fresh SQLite file.

Departments (DB1302 5.1.2), staff with a head per department, an expert, an evaluator, an
administrator; a few dozen enterprises of every scale and kind with valid credit codes (some still
awaiting onboarding review, DB1302 4.4.4); enterprise users; requests in every step of every enabled
workflow, some due soon and some overdue; then whatever each plugin adds through ``seed_demo``.

``--size N`` builds a large platform instead (N enterprises, 10×N requests) with bulk inserts, for
benchmarks.
"""
from __future__ import annotations

import datetime
import random
import secrets
from pathlib import Path

import click

from core import audit
from core.creditcode import ALPHABET, make_credit_code
from core.db import database
from core.errors import RongtongError
from core.models import Department, Enterprise, ServiceRequest, Transition, User, utcnow

DEPARTMENTS = [
    ("innovation", "创新服务部", "Innovation"),
    ("rnd", "研发服务部", "R&D"),
    ("manufacturing", "制造服务部", "Manufacturing"),
    ("purchasing", "采购服务部", "Purchasing"),
    ("marketing", "市场服务部", "Marketing"),
    ("financing", "投融资服务部", "Investment and financing"),
]
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
    body = "91" + "130100" + "".join(rng.choice(ALPHABET) for _ in range(9))
    return make_credit_code(body)


def enterprise_name(rng: random.Random, i: int) -> str:
    return "石家庄" + rng.choice(NAME_PARTS) + rng.choice(NAME_PARTS) + SUFFIX[i % len(SUFFIX)]


def _user(username, display, roles, password, **kw):
    u = User(username=username, display_name=display, roles=roles, **kw)
    u.set_password(password)
    u.save()
    audit.record_create(u)
    return u


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


def seed_requests(platform, ctx: dict, rng: random.Random) -> int:
    """Requests in every step of every enabled workflow; some backdated so they are overdue."""
    engine = platform.engine
    admitted = [e for e in ctx["enterprises"] if e.status == "admitted"]
    admin = ctx["admin"]
    count = 0
    for service in platform.registry.services.values():
        wf = platform.registry.workflow(service.workflow)
        for target_index, step in enumerate(wf.steps):
            for copy in range(2):
                ent = admitted[(count + copy) % 6] if copy == 0 else rng.choice(admitted)
                filer = next((u for u in ctx["enterprise_users"] if u.enterprise_id == ent.id), admin)
                dept = ctx["departments"][count % len(ctx["departments"])]
                req = engine.open_request(enterprise=ent, service_key=service.key, actor=filer,
                                          title=f"{ent.name}：{service.title}", description=service.description,
                                          department=dept, assignee=ctx["expert"] if count % 3 == 0 else None)
                count += 1
                for s in wf.steps[:target_index]:
                    try:
                        engine.transition(req.id, "advance", admin, data=s.example or {})
                    except RongtongError:
                        break
                if copy == 1:
                    backdate(platform, req.id, days=rng.choice([3, 8, 15, 30]))
    return count


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


def bulk_load(platform, size: int, rng: random.Random) -> None:
    """N enterprises and 10×N requests with bulk inserts and a progress bar."""
    services = list(platform.registry.services.values())
    if not services:
        raise RongtongError("--size needs at least one enabled service plugin")
    chunk = 1000
    now = utcnow()
    with click.progressbar(length=size, label="enterprises") as bar:
        for start in range(0, size, chunk):
            n = min(chunk, size - start)
            rows = [{"name": f"企业{start + i:07d}", "credit_code": make_credit_code(f"9113{start + i:013d}"),
                     "scale": SCALES[(start + i) % 4], "kind": KINDS[(start + i) % 4],
                     "industry": INDUSTRIES[(start + i) % 8], "region": REGIONS[(start + i) % 8],
                     "status": "admitted", "created_at": now, "updated_at": now} for i in range(n)]
            with database.atomic():
                Enterprise.insert_many(rows).execute()
            bar.update(n)
    first_id = Enterprise.select(Enterprise.id).order_by(Enterprise.id).first().id
    ent_ids = [r[0] for r in Enterprise.select(Enterprise.id).tuples()]
    total = size * 10
    with click.progressbar(length=total, label="requests") as bar:
        for start in range(0, total, chunk * 5):
            n = min(chunk * 5, total - start)
            rows = []
            for i in range(n):
                service = services[(start + i) % len(services)]
                wf = platform.registry.workflow(service.workflow)
                step = wf.steps[(start + i) % len(wf.steps)]
                opened = now - datetime.timedelta(days=rng.randint(0, 60))
                rows.append({
                    "enterprise": ent_ids[(start + i) % len(ent_ids)], "service_key": service.key,
                    "workflow_key": wf.key, "workflow_version": wf.version, "current_step": step.key,
                    "status": "open", "title": f"{service.title} #{start + i}", "description": "", "data": "{}",
                    "opened_at": opened, "step_started_at": opened,
                    "due_at": platform.calendar.due_at(opened, wf.total_days),
                    "step_due_at": platform.calendar.due_at(opened, step.time_limit_days), "version": 1,
                })
            with database.atomic():
                ServiceRequest.insert_many(rows).execute()
            bar.update(n)
    audit.record("bulk_load", "core_servicerequest", "", {"enterprises": size, "requests": total, "first_enterprise": first_id})


def run_demo(cli_ctx, port=5000, host="127.0.0.1", serve=True, size=None, db_file="rongtong-demo.db") -> None:
    from core.platform import Platform
    from core.setup import installed_builtin_plugins

    base = cli_ctx.config
    path = Path(db_file).resolve()
    for suffix in ("", "-wal", "-shm"):
        p = Path(str(path) + suffix)
        if p.exists():
            p.unlink()
    enabled = base.enabled_plugins or installed_builtin_plugins()
    config = base.with_overrides(database={"url": f"sqlite:///{path}"}, plugins={"enabled": enabled},
                                 site={"secret_key": base.get("site.secret_key") or secrets.token_hex(32)})
    platform = Platform(config)
    cli_ctx._platform = platform
    platform.upgrade()
    rng = random.Random(20261126)
    if size:
        bulk_load(platform, size, rng)
        click.echo(f"built {size} enterprises and {size * 10} requests in {path}")
    else:
        ctx = seed_people(rng)
        with audit.acting_as(ctx["admin"]):
            n = seed_requests(platform, ctx, rng)
            context = {"rng": rng, "platform": platform, "enterprises": ctx["enterprises"],
                       "users": {"admin": [ctx["admin"]], "staff": ctx["staff"], "expert": [ctx["expert"]],
                                 "evaluator": [ctx["evaluator"]], "enterprise": ctx["enterprise_users"]},
                       "departments": ctx["departments"]}
            platform.registry.notify("seed_demo", registry=platform.registry, context=context)
        click.echo(f"demo platform built in {path}: {len(ctx['enterprises'])} enterprises, {n} requests, "
                   f"plugins: {', '.join(enabled) or 'none'}")
    if not serve:
        return
    from core.web import create_app

    app = create_app(platform=platform)
    url = f"http://{host}:{port}/"
    click.echo("")
    click.echo(f"Rongtong demo: {url}   (staff admin: {url}admin/   API: {url}api/v1/docs)")
    click.echo("Logins (username / password):")
    click.echo(f"  administrator   admin / {DEMO_PASSWORDS['admin']}")
    click.echo(f"  staff           staff1 .. staff6, head1 .. head6 (department heads) / {DEMO_PASSWORDS['staff']}")
    click.echo(f"  expert          expert / {DEMO_PASSWORDS['expert']}")
    click.echo(f"  evaluator       evaluator / {DEMO_PASSWORDS['evaluator']}")
    click.echo(f"  enterprise      ent1 .. ent6 / {DEMO_PASSWORDS['enterprise']}")
    click.echo("Press Ctrl+C to stop.")
    from werkzeug.serving import run_simple

    run_simple(host, port, app, threaded=True, use_reloader=False, use_debugger=False)
