"""A declared service as a plugin (issue 11 §1): :class:`DeclaredService` implements the same hooks
a coded service plugin does, from the checked declaration alone.

It registers the catalog entry (DB1302 4.1.4 fee type and standard, 5.4.1 published limit), the
workflow versions (:mod:`.versions`), the permissions, the registers' models, admin screens and
API resources, the needs-survey toolkit when the file says ``uses = ["surveys"]``, one reaction
that runs the version's effects, guards and notifications, the start-up checks of effect names and
parameters, the registers' schema sync for ``rongtong db upgrade``, and demo data.
"""
from __future__ import annotations

from marshmallow import ValidationError
from peewee import fn

from rongtong.core import hookimpl
from rongtong.core.contract import AdminViewSpec, Permission, Reaction, ServiceEntry
from rongtong.core.config import first_error
from rongtong.core.i18n import lazy_gettext as _l
from rongtong.core.models import ROLE_KEYS, ServiceRequest, User
from rongtong.core.notify import notify_many
from rongtong.core.routing import staff_link
from rongtong.core.vocabulary import Bilingual
from rongtong.core.web import surveys as survey_kit
from rongtong.core.workflow import ADVANCE, COMPLETE, OPEN, RESUME, RETURN

from . import api, demo, portal, registers, versions
from .build import build_workflow
from .effects import CORE_EFFECTS, FIELDSETS, unknown_register
from .forms import build_schema, schema_name
from .spec import Declaration
from .spec import dotted as _dotted

CORE_EFFECT_NAMES = {e.name: e for e in CORE_EFFECTS}
ENTERS = (OPEN, ADVANCE, RETURN, RESUME)
#: Who may read a register without a declared ``permission``: its row scope decides what each sees.
DEFAULT_VIEWERS = {"none": ("staff",), "enterprise": ("staff", "enterprise"),
                   "request": ("staff", "expert", "evaluator", "enterprise")}


class DeclaredService:
    """One declared service, registered with pluggy under its key (see the module docstring)."""

    REQUIRES = ()

    def __init__(self, declaration: Declaration):
        self.declaration = declaration
        self.key = declaration.key
        self.path = self.__file__ = declaration.path
        head = declaration.data[declaration.head]
        self.VERSION = "declared"
        self.TITLE = f"{head['title']} / {head['title_en']}"
        self.title = Bilingual(head["title"], head["title_en"])
        self.models = registers.build_models(self.key, (head["title"], head["title_en"]),
                                             declaration.data["registers"], self._step_schema)
        self.workflows: list = []
        self._loaded: dict[int, tuple] = {}  # id(effect reference) -> (reference, effect, loaded parameters)

    def __repr__(self):
        return f"<DeclaredService {self.key} from {self.path}>"

    # DeclaredServiceView (what effects receive) ------------------------------------------------
    def register(self, key: str):
        return self.models[key]

    def row_of(self, register: str, request, create: bool = False):
        model = self.models[register]
        if "request" not in model._meta.fields:
            raise KeyError(f"register {register!r} has no row per request")
        row = model.get_or_none(model.request == request.id)
        if row is None and create:
            row = model.create(request=request.id)
        return row

    def _step_schema(self, step_key: str):
        for s in self.declaration.data["steps"]:
            if s["key"] == step_key:
                base = FIELDSETS.get(s["fieldset"]) if s["fieldset"] else None
                return build_schema(s["fields"], self.key, schema_name(self.key, 0, f"{step_key}_columns"), base)
        return None

    @property
    def uses_surveys(self) -> bool:
        return self.declaration.is_service and "surveys" in self.declaration.data["service"]["uses"]

    def _scope(self, reg: dict) -> str:
        """A child register is scoped like its parent."""
        while reg["parent"]:
            reg = next(r for r in self.declaration.data["registers"] if r["key"] == reg["parent"])
        return reg["scope"]

    def permission_of(self, reg: dict) -> str:
        return reg["permission"] or f"{self.key}.{reg['key']}.view"

    # Hooks -------------------------------------------------------------------------------------
    @hookimpl
    def register_models(self):
        return list(self.models.values())

    @hookimpl
    def register_workflows(self):
        if not self.declaration.is_service:
            return []
        self.workflows = [build_workflow(data, version, CORE_EFFECT_NAMES, FIELDSETS, self.path)
                          for version, data in versions.resolve(self.declaration)]
        return list(self.workflows)

    @hookimpl
    def register_services(self):
        if not self.declaration.is_service:
            return []
        s = self.declaration.data["service"]
        return [ServiceEntry(key=self.key, title=s["title"], title_en=s["title_en"], workflow=self.key,
                             fee_type=s["fee_type"], fee_standard=s["fee_standard"], description=s["description"],
                             description_en=s["description_en"], time_limit_days=s["time_limit_days"],
                             category=s["category"], department=s["department"])]

    @hookimpl
    def register_permissions(self):
        declared = [Permission(p["key"], p["title"], p["title_en"], tuple(p["roles"]))
                    for p in self.declaration.data["permissions"]]
        keys = {p.key for p in declared}
        for reg in self.declaration.data["registers"]:
            if reg["permission"] is None and self.permission_of(reg) not in keys:
                declared.append(Permission(self.permission_of(reg), f"查看{reg['title']}", f"View {reg['title_en']}",
                                           DEFAULT_VIEWERS[self._scope(reg)]))
        if self.uses_surveys:
            declared += survey_kit.permissions(self.key)
        return declared

    @hookimpl
    def register_admin_views(self, platform):
        category = self.title
        views = [AdminViewSpec(model=self.models[reg["key"]], permission=self.permission_of(reg), category=category,
                               name=Bilingual(reg["title"], reg["title_en"]), read_only=not reg["editable"],
                               slug=reg["key"], options=admin_options(reg), form_exclude=("created_at", "updated_at"))
                 for reg in self.declaration.data["registers"]]
        if self.uses_surveys:
            views += survey_kit.admin_views(self.key, category)
        return views

    @hookimpl
    def register_api_resources(self, platform):
        out = api.resources(self, self.permission_of)
        if self.uses_surveys:
            out += survey_kit.api_resources(self.key)
        return out

    @hookimpl
    def register_blueprints(self):
        out = [survey_kit.blueprint(self.key)] if self.uses_surveys else []
        public = [reg for reg in self.declaration.data["registers"] if reg["public"]]
        if public:
            out.append(portal.blueprint(self, public))
        return out

    @hookimpl
    def register_portal_links(self):
        return portal.links(self, [reg for reg in self.declaration.data["registers"] if reg["menu"]])

    @hookimpl
    def register_reactions(self):
        return [Reaction(self.key, self.react)] if self.declaration.is_service else []

    @hookimpl
    def sync_schema(self, platform):
        done = registers.sync(list(self.models.values()))
        if self.declaration.is_service:
            versions.resolve(self.declaration)  # the file's version, stored now if the table was new
        return done

    @hookimpl
    def check_plugin(self, platform):
        return list(self.problems(platform.registry))

    @hookimpl
    def seed_demo(self, platform, context):
        demo.seed(self, platform, context)

    # The reaction -------------------------------------------------------------------------------
    def react(self, event) -> None:
        """Run the effects, guards and notifications of the version ``event.workflow`` is."""
        data = event.workflow.declaration or self.declaration.data
        effects = effects_of(event.platform.registry)
        if event.outcome == OPEN:
            for reg in data["registers"]:
                if reg["per_request"]:
                    self.row_of(reg["key"], event.request, create=True)
            self._run(data["on_open"], event, effects)
        elif event.outcome in (ADVANCE, COMPLETE):
            step = next((s for s in data["steps"] if s["key"] == event.step), None)
            if step is not None:
                self._run(step["guards"], event, effects)
                self._run(step["effects"], event, effects)
        if event.outcome in ENTERS and event.request.status == "open":
            entered = next((s for s in data["steps"] if s["key"] == event.request.current_step), None)
            if entered is not None and entered["notify"]:
                self._notify(entered, event)

    def _run(self, refs: list[dict], event, effects: dict) -> None:
        for ref in refs:
            effect = effects[ref["use"]]
            if effect.run is not None:
                effect.run(event, self._params(effect, ref), self)

    def _params(self, effect, ref: dict) -> dict:
        """``ref``'s parameters loaded by ``effect``'s schema: once per reference of a version's
        declaration (which never changes), not on every transition -- building the marshmallow
        schema cost about 0.15 ms per effect run (bench/declared_transitions.py)."""
        cached = self._loaded.get(id(ref))
        if cached is None or cached[0] is not ref or cached[1] is not effect:
            params = effect.params().load(dict(ref)) if effect.params else dict(ref)
            cached = self._loaded[id(ref)] = (ref, effect, params)
        return dict(cached[2])

    def _notify(self, step: dict, event) -> None:
        """Tell the step's recipients that the request waits at it (``notify = [...]``)."""
        request = event.request
        users: dict[int, User] = {}
        for target in step["notify"]:
            query = None
            if target == "enterprise":
                query = User.select().where((User.enterprise == request.enterprise_id) & User.active)
            elif target == "assignee" and request.assignee_id:
                query = User.select().where(User.id == request.assignee_id)
            elif target == "department" and request.department_id:
                query = User.select().where((User.department == request.department_id) & User.active)
            elif target.startswith("role:"):
                query = User.select().where(User.active & User.roles.contains(target[5:]))
            for user in query or ():
                if not target.startswith("role:") or user.has_role(target[5:]):
                    users[user.id] = user
        users.pop(getattr(event.actor, "id", None), None)
        if not users:
            return
        title = Bilingual(step["title"], step["title_en"])
        notify_many(list(users.values()), _l("#%(id)s %(title)s: now at %(step)s", id=request.id, title=request.title,
                                              step=title),
                    _l("The request waits at step %(step)s.", step=title), link=staff_link(request.id), kind="task",
                    event="request.step", request=request)

    # Checks --------------------------------------------------------------------------------------
    def problems(self, registry):
        """Effect and guard names and parameters, register and permission references, one line each."""
        d = self.declaration
        data = d.data
        effects = effects_of(registry)
        for name in sorted(set(registry.effects) & set(CORE_EFFECT_NAMES)):
            yield (f"plugin {registry.effect_owner[name]!r}: register_effects: effect {name!r} is the core's "
                   "(choose another name)")
        names = [r["key"] for r in data["registers"]]
        places = [(("on_open", i), ref) for i, ref in enumerate(data["on_open"])]
        for i, s in enumerate(data["steps"]):
            places += [(("steps", i, kind, j), ref) for kind in ("effects", "guards") for j, ref in enumerate(s[kind])]
        for at, ref in places:
            effect = effects.get(ref["use"])
            kind = "guard" if at[-2:-1] == ("guards",) else "effect"
            if effect is None or (effect.kind == "guard") != (kind == "guard"):
                known = sorted(n for n, e in effects.items() if (e.kind == "guard") == (kind == "guard"))
                yield f"{d.where(at + ('use',))}: {_dotted(at + ('use',))}: unknown {kind} {ref['use']!r} (known: {', '.join(known)})"
                continue
            try:
                params = effect.params().load(dict(ref)) if effect.params else dict(ref)
            except ValidationError as exc:
                key, problem = first_error(exc.messages)
                yield f"{d.where(at + (key,))}: {_dotted(at + (key,))}: {problem}"
                continue
            problem = unknown_register(params, names)
            if problem:
                yield f"{d.where(at + ('register',))}: {_dotted(at + ('register',))}: {problem}"
        for i, reg in enumerate(data["registers"]):
            perm = reg["permission"]
            if perm is not None and perm not in registry.permissions:
                yield f"{d.where(('registers', i, 'permission'))}: registers[{i}].permission: unknown permission {perm!r}"
        for i, s in enumerate(data["steps"]):
            for role in s["roles"]:
                if role not in ROLE_KEYS:  # already checked by the file check; kept for stored versions
                    yield f"{d.where(('steps', i, 'roles'))}: steps[{i}].roles: unknown role {role!r}"

    def describe(self) -> dict:
        """What the admin page and ``rongtong service show`` tell about this service."""
        rows = versions.stored(self.key) if self._versions_table() and self.declaration.is_service else []
        running = dict(ServiceRequest.select(ServiceRequest.workflow_version, fn.COUNT(ServiceRequest.id))
                       .where((ServiceRequest.workflow_key == self.key) & ServiceRequest.closed_at.is_null())
                       .group_by(ServiceRequest.workflow_version).tuples()) if self._versions_table() else {}
        latest = max((w.version for w in self.workflows), default=1)
        return {"key": self.key, "source": self.path, "checksum": self.declaration.checksum, "version": latest,
                "versions": [{"version": r.version, "created_at": r.created_at, "checksum": r.checksum,
                              "open_requests": running.get(r.version, 0)} for r in rows],
                "registers": [{"key": r["key"], "table": self.models[r["key"]]._meta.table_name,
                               "missing": registers.missing([self.models[r["key"]]])}
                              for r in self.declaration.data["registers"]],
                "declaration": self.declaration.data}

    @staticmethod
    def _versions_table() -> bool:
        return versions.has_table()


def admin_options(reg: dict) -> dict:
    """The register's list columns, search and filters on its generated admin screen."""
    options: dict = {}
    if reg["list"] is not None:
        owner = ["request"] if reg["scope"] == "request" else ["enterprise"] if reg["scope"] == "enterprise" else []
        options["column_list"] = ["id", *owner, *([reg["parent"]] if reg["parent"] else []), *reg["list"], "updated_at"]
    if reg["search"]:
        options["column_searchable_list"] = list(reg["search"])
    if reg["filters"]:
        options["column_filters"] = list(reg["filters"])
    return options


def effects_of(registry) -> dict:
    """The core's effects and guards, and those the plugins registered (``register_effects``)."""
    return {**registry.effects, **CORE_EFFECT_NAMES}

