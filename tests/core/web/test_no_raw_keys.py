"""The demo, crawled in Chinese as every role (issue 9 §1, §5): no screen speaks developer keys.

The demo is built with every built-in plugin; admin, staff, expert, evaluator and an enterprise user
each log in and visit every admin list, details and create page they may open and every portal page
reachable from the menus. A page fails on

(a) a raw choice key of a registered model or of an intake/step schema shown as text (``online``,
    ``inspection_testing``, ``technical.service``) where the vocabulary has a label for it;
(b) ``True`` / ``False`` / ``None`` shown;
(c) a ``<textarea>`` or an input whose content is JSON (a list or an object to type by hand);
(d) an English label that went untranslated: visible text equal to a translated msgid of the
    core's, a plugin's or Flask-Admin's catalog;
(e) a field shown under its developer name: a label, legend or column header reading ``total`` or
    ``text en`` — a schema field or model column the vocabulary has no label for.

The same demo checks that every collection of the API gives its times with their offset.

DB1302 6.4.1.2 c (service records readable by staff and enterprise), 5.3.2 (a platform staff can run).
"""
from __future__ import annotations

import html as htmllib
import json
import random
import re
import uuid
from collections import defaultdict
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import pytest

from rongtong.core.setup import BUILTIN_PLUGINS

pytestmark = pytest.mark.slow

MAX_ROWS_PER_LIST = 1  # details pages visited per list
MAX_PORTAL_PAGES = 150
SAME_KIND_MAX = 3  # /my/requests/<id>: visit a few of each URL shape
WORD_RE = re.compile(r"[A-Za-z][A-Za-z0-9_.\-]*[A-Za-z0-9]|[A-Za-z]")
#: English words a Chinese page may show: acronyms, codes and names, not labels.
ALLOWED_WORDS = {"API", "ID", "IP", "CSV", "XLSX", "SHA-256", "PDF", "B", "KB", "MB", "URL", "HTTP", "HTTPS",
                 "English", "v1", "OpenAPI", "JSON", "SMTP", "CNY", "USD", "EUR", "HKD", "rt_"}


# --- The demo, once for the module --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """A platform with every built-in plugin and the demo's data (core.demo, as ``rongtong demo``)."""
    from rongtong.core import audit
    from rongtong.core.config import load_config
    from rongtong.core.demo import backdate_some, fill_empty_steps, seed_context, seed_people, seed_requests
    from rongtong.core.platform import Platform
    from tests.conftest import PG_URL, _pg_admin_connect

    tmp = tmp_path_factory.mktemp("demo")
    pg_name = None
    if PG_URL:
        pg_name = "rt_" + uuid.uuid4().hex[:16]
        admin_conn = _pg_admin_connect(PG_URL)
        with admin_conn.cursor() as cur:
            cur.execute(f'CREATE DATABASE "{pg_name}"')
        url = urlunparse(urlparse(PG_URL)._replace(path="/" + pg_name))
    else:
        url = f"sqlite:///{tmp / 'demo.db'}"
    config = load_config(overrides={"database": {"url": url}, "plugins": {"enabled": list(BUILTIN_PLUGINS)},
                                    "site": {"secret_key": "crawl"}, "attachments": {"directory": str(tmp / "files")}})
    platform = Platform(config)
    platform.upgrade()
    rng = random.Random(20261126)
    ctx = seed_people(rng)
    with audit.acting_as(ctx["admin"]):
        context = seed_context(platform, ctx, rng)
        seed_requests(platform, ctx, rng)
        platform.registry.notify("seed_demo", context=context)
        fill_empty_steps(platform, ctx)
        backdate_some(platform, rng)
    from rongtong.core.web.app import create_app

    app = create_app(platform=platform)
    app.config["TESTING"] = True
    yield app, platform
    platform.db.close()
    if pg_name:
        with admin_conn.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)')
        admin_conn.close()


# --- What must not be shown ---------------------------------------------------------------------------------

def _schema_specs(specs, out, owner):
    for spec in specs:
        for c in spec.choices:
            out.append((c, spec, owner))
        _schema_specs(spec.columns, out, owner)


def choice_keys(platform) -> dict[str, set[str]]:
    """``{key: {owner, ...}}`` of every choice key the vocabulary has a label for (models, intake and
    step schemas), plus service keys; a key whose label is the key itself is reported as
    unlabelled (``owner + ' (no label)'``)."""
    from rongtong.core.vocabulary import describe_model, describe_schema

    registry = platform.registry
    found = []
    for model, owner in registry.model_owner.items():
        for spec in describe_model(model).values():
            for c in spec.choices:
                found.append((c, spec, owner))
    for (_key, _version), wf in registry.workflow_versions.items():
        owner = wf.key
        _schema_specs(describe_schema(wf.intake_schema), found, owner)
        for step in wf.steps:
            _schema_specs(describe_schema(step.schema), found, owner)
    keys: dict[str, set[str]] = defaultdict(set)
    for choice, spec, owner in found:
        key = str(choice.key)
        if not WORD_RE.fullmatch(key) or key in ALLOWED_WORDS:
            continue
        labelled = choice.title_zh() != key
        keys[key].add(f"{owner}.{spec.name}" + ("" if labelled else " (no label)"))
    for key, service in registry.services.items():
        keys[key].add(f"service {service.title}")
    return keys


def field_names(platform) -> set[str]:
    """Developer names of every schema field and model column, as an unlabelled field shows them
    (``total``, ``text en``)."""
    from rongtong.core.vocabulary import describe_model, describe_schema

    names = set()

    def add(specs):
        for spec in specs:
            if not (spec.label or spec.label_en) and re.fullmatch(r"[a-z][a-z0-9_]*", spec.name):
                names.update({spec.name, spec.name.replace("_", " ")})
            add(spec.columns)

    for model in platform.registry.model_owner:
        add(describe_model(model).values())
    for (_key, _version), wf in platform.registry.workflow_versions.items():
        add(describe_schema(wf.intake_schema))
        for step in wf.steps:
            add(describe_schema(step.schema))
    return names - ALLOWED_WORDS


def translated_msgids(app) -> set[str]:
    """English msgids whose Chinese translation differs, from every catalog the app loads and
    Flask-Admin's own."""
    import flask_admin
    from babel.messages.mofile import read_mo

    folders = app.config["BABEL_TRANSLATION_DIRECTORIES"].split(";")
    folders.append(str(Path(flask_admin.__file__).parent / "translations"))
    out = set()
    for folder in folders:
        for mo in Path(folder).glob("zh_Hans_CN/LC_MESSAGES/*.mo"):
            with open(mo, "rb") as handle:
                catalog = read_mo(handle)
            for message in catalog:
                msgid = message.id if isinstance(message.id, str) else message.id[0]
                text = message.string if isinstance(message.string, str) else (message.string or [""])[0]
                if msgid and text and text != msgid and re.search(r"[A-Za-z]{2}", msgid) and "%" not in msgid \
                        and "{" not in msgid:
                    out.add(msgid.strip())
    return out


class Page(HTMLParser):
    """The visible text nodes of a page and its input placeholders (no scripts, templates, hidden
    elements or other attributes), and the text typed into its textareas and inputs."""

    SKIP = {"script", "style", "template", "noscript"}
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []  # (tag, hidden)
        self.texts = []
        self.fields = []  # (kind, name, content)
        self._textarea = None

    def _hidden(self):
        return any(h for _t, h in self.stack)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        hidden = tag in self.SKIP or "hidden" in a or "display:none" in (a.get("style") or "").replace(" ", "") \
            or a.get("type") == "hidden" or "d-none" in (a.get("class") or "").split()
        if tag == "input" and a.get("type") in (None, "text", "number", "search", "email", "date", "datetime-local"):
            self.fields.append(("input", a.get("name") or "", a.get("value") or ""))
        if tag == "textarea":
            self._textarea = [a.get("name") or "", ""]
        if a.get("placeholder") and not hidden and not self._hidden():  # a search box once said "None"
            self.texts.append((a["placeholder"].strip(), "@placeholder"))
        if tag not in self.VOID:
            self.stack.append((tag, hidden))

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea is not None:
            self.fields.append(("textarea", *self._textarea))
            self._textarea = None
        while self.stack:
            top, _h = self.stack.pop()
            if top == tag:
                break

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data
            return
        if not self._hidden() and data.strip():
            self.texts.append((data.strip(), self.stack[-1][0] if self.stack else ""))


def looks_like_json(text: str) -> bool:
    text = (text or "").strip()
    if not text or text[0] not in "[{":
        return False
    try:
        return isinstance(json.loads(text), (list, dict))
    except ValueError:
        return False


SEGMENT_RE = re.compile(r"[:：;；,，、—→()（）\[\]'\"|/]+")
DATA_TAGS = {"td", "dd", "li", "p", "pre", "code", "small", "time"}  # where records' own text is shown


def raw_keys_in(text: str, keys, names) -> list[str]:
    """Choice keys shown as themselves: a part of the text (between separators) made only of keys,
    e.g. "design、solutions" or the "explained" of "verdict: explained" — not a key that happens
    to be a word of an English sentence, a URL or a name."""
    if re.search(r"https?:|/\w|@", text):
        return []
    out = []
    for segment in SEGMENT_RE.split(text):
        words = segment.split()
        if words and all(w in keys and w not in names and w not in ALLOWED_WORDS for w in words):
            out += words
    return out


LABEL_TAGS = {"label", "legend", "th", "dt", "b"}  # b: Flask-Admin's details labels


def problems_of(html: str, keys, msgids, names, unlabelled=frozenset()) -> list[tuple[str, str]]:
    page = Page()
    page.feed(html)
    found = []
    for text, parent in page.texts:
        if parent in LABEL_TAGS and text.rstrip(":：*").strip() in unlabelled:
            found.append(("unlabelled-field", f"{text[:60]} <{parent}>"))
        if re.search(r"(?<![\w-])(True|False|None)(?![\w-])", text):
            found.append(("true-false-none", text[:120]))
        if parent not in DATA_TAGS and text.rstrip(":：*").strip() in msgids:
            found.append(("untranslated", f"{text[:120]} <{parent}>"))
        for word in raw_keys_in(text, keys, names):
            found.append(("raw-key", f"{word} ({', '.join(sorted(keys[word]))}) in: {text[:100]}"))
    for kind, name, content in page.fields:
        if looks_like_json(content):
            found.append(("json-input", f"{kind} {name}: {content[:80]}"))
    return found


# --- The crawl ------------------------------------------------------------------------------------------------

def login(client, username, password):
    page = client.get("/login?lang=zh_Hans_CN").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    response = client.post("/login", data={"username": username, "password": password, "csrf_token": token})
    assert response.status_code in (302, 303), username


def admin_pages(app, client) -> list[str]:
    """Every admin screen the user may open: lists, the details of their first row, create forms,
    custom pages, and the request page of the first request."""
    from rongtong.core.web.admin.base import SecureModelView

    pages = ["/admin/"]
    for view in app.extensions["rongtong_admin"]._views:
        url = view.url.rstrip("/") + "/"
        response = client.get(url)
        if response.status_code != 200:
            continue
        pages.append(url)
        if not isinstance(view, SecureModelView):
            continue
        html = response.get_data(as_text=True)
        for href in re.findall(r'href="(' + re.escape(url) + r'details/\?id=[^"&]+)', html)[:MAX_ROWS_PER_LIST]:
            pages.append(htmllib.unescape(href))
        if f'href="{url}new/' in html:
            pages.append(url + "new/")
        for href in re.findall(r'href="(/admin/core/request/\d+/)"', html)[:MAX_ROWS_PER_LIST]:
            pages.append(href)
    return list(dict.fromkeys(pages))


def portal_pages(client) -> list[str]:
    """The portal pages reachable from the menus (breadth first, a few of each URL shape)."""
    seen, queue, shapes = [], ["/"], defaultdict(int)
    while queue and len(seen) < MAX_PORTAL_PAGES:
        path = queue.pop(0)
        if path in seen:
            continue
        response = client.get(path)
        if response.status_code != 200 or "text/html" not in response.content_type:
            continue
        seen.append(path)
        for href in re.findall(r'href="(/[^"#]*)"', response.get_data(as_text=True)):
            href = htmllib.unescape(href)
            if href.startswith(("/admin", "/api", "/static", "/logout")) or "lang=" in href or "/download" in href:
                continue
            shape = re.sub(r"\d+", "N", href.split("?")[0])
            if href not in seen and href not in queue and shapes[shape] < SAME_KIND_MAX:
                shapes[shape] += 1
                queue.append(href)
    return seen


def crawl(demo, username, password, admin=True) -> dict[str, list]:
    app, platform = demo
    from rongtong.core.models import User

    client = app.test_client()
    login(client, username, password)
    keys = choice_keys(platform)
    msgids = translated_msgids(app)
    from rongtong.core.models import Department

    # identifiers shown as themselves: user names, department keys (the codes [routing] uses)
    names = {u.username for u in User.select(User.username)} | {d.key for d in Department.select(Department.key)}
    unlabelled = field_names(platform)
    pages = (admin_pages(app, client) if admin else []) + portal_pages(client)
    report: dict[str, list] = {}
    for path in pages:
        response = client.get(path, follow_redirects=True)
        assert response.status_code == 200, (path, response.status_code)
        found = problems_of(response.get_data(as_text=True), keys, msgids, names, unlabelled)
        if found:
            report[path] = sorted(set(found))
    return report


def summary(report) -> str:
    lines = []
    for path, found in sorted(report.items()):
        lines.append(path)
        lines += [f"    {kind}: {what}" for kind, what in found]
    return "\n".join(lines)


def demo_user(platform, role):
    from rongtong.core.demo import DEMO_PASSWORDS

    username = {"admin": "admin", "staff": "staff1", "expert": "expert", "evaluator": "evaluator",
                "enterprise": "ent1"}[role]
    return username, DEMO_PASSWORDS[role]


def test_admin_sees_no_raw_keys(demo):
    report = crawl(demo, *demo_user(demo[1], "admin"))
    assert not report, summary(report)


def test_staff_sees_no_raw_keys(demo):
    report = crawl(demo, *demo_user(demo[1], "staff"))
    assert not report, summary(report)


def test_expert_sees_no_raw_keys(demo):
    report = crawl(demo, *demo_user(demo[1], "expert"))
    assert not report, summary(report)


def test_evaluator_sees_no_raw_keys(demo):
    report = crawl(demo, *demo_user(demo[1], "evaluator"))
    assert not report, summary(report)


def test_enterprise_user_sees_no_raw_keys(demo):
    report = crawl(demo, *demo_user(demo[1], "enterprise"), admin=False)
    assert not report, summary(report)


NAIVE_TIME_RE = re.compile(r'"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)"')


def test_the_api_gives_every_time_with_its_offset(demo):
    """Issue 9 §1: the API gives ISO 8601 with the offset — every collection the admin can read
    (GET routes without path arguments), none with a naive date-time."""
    app, platform = demo
    client = app.test_client()
    login(client, *demo_user(platform, "admin"))
    naive = {}
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/") and "GET" in rule.methods and not rule.arguments:
            response = client.get(rule.rule)
            if response.status_code == 200 and response.is_json:
                found = NAIVE_TIME_RE.findall(response.get_data(as_text=True))
                if found:
                    naive[rule.rule] = f"{len(found)} times without offset, e.g. {found[0]}"
    assert not naive, "\n".join(f"{k}: {v}" for k, v in sorted(naive.items()))
