"""The plugin contract's value types: what ``register_*`` hooks return (see core/hookspecs.py).

Plain frozen dataclasses with no behaviour beyond checking themselves, so every layer may import
them: the registry merges them, the web surfaces build screens and routes from them, and plugins get
them from the public plugin API (:mod:`rongtong.core.plugin`).

``Evidence`` is what the compliance report (``rongtong report compliance``, core/compliance/) asks
every plugin for: one DB1302 clause and how to read its evidence from live data in a period.

It also describes, as :class:`PluginHost`, the ``platform`` object hooks receive (satisfied by
:class:`rongtong.core.platform.Platform`), so the hook specifications need nothing above this layer.
"""
from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Mapping
from typing import Any, Protocol, runtime_checkable

from rongtong.core.calendar import WorkingCalendar
from rongtong.core.config import Config
from rongtong.core.models import ServiceRequest, Transition, User
from rongtong.core.workflow import COMPLETE, OPEN, STEP_OUTCOMES, WITHDRAW, RESUME, Workflow, WorkflowEngine

CORE = "core"  # the core's own owner name: it registers through the same hooks as a plugin


@dataclasses.dataclass(frozen=True)
class ServiceEntry:
    """A catalog entry (DB1302 4.1.4 fee type and standard; 5.4.1 published time limit).

    ``time_limit_days`` is the promise published in the service guide and the number the request
    clock uses; when None it is the sum of the workflow's step limits.

    ``department`` is the key of the department that serves it by default (DB1302 5.1.2): the
    last word after the admin screen "服务与部门" and ``[routing] services`` in config (see
    :func:`core.routing.department_for`). Empty: no default, the request waits unrouted.
    """

    key: str
    title: str
    title_en: str
    workflow: str
    fee_type: str = "free"  # "free" (public welfare) or "paid"
    fee_standard: str = ""
    description: str = ""
    description_en: str = ""
    time_limit_days: int | None = None
    category: str = ""
    department: str = ""

    def __post_init__(self):
        if self.fee_type not in ("free", "paid"):
            raise ValueError(f"service {self.key}: fee_type must be 'free' or 'paid'")
        if self.fee_type == "paid" and not self.fee_standard:
            raise ValueError(f"service {self.key}: a paid service needs a fee_standard (DB1302 4.1.4)")


@dataclasses.dataclass(frozen=True)
class Permission:
    key: str
    title: str
    title_en: str = ""
    roles: tuple[str, ...] = ()


@dataclasses.dataclass(frozen=True)
class AdminViewSpec:
    """An admin screen. Give ``model`` for a generated view, or ``view_class`` for a custom one
    (a subclass of ``SecureModelView`` or ``SecureBaseView``). ``read_only=True``: a model screen
    that lists and shows but never creates, edits or deletes (the one way to say so).
    ``form_exclude``: fields the create/edit form leaves out on top of those the generated screen
    leaves out anyway (system fields, lists edited through the API).

    A model screen whose ``permission`` is granted to the ``enterprise`` role is read-only for
    enterprise users (they may still list and open their own records): create, edit and delete stay
    with the users holding the permission through another role, unless ``enterprise_may_edit``."""

    model: Any = None
    view_class: Any = None
    name: Any = None
    permission: str | None = None
    category: Any = None
    slug: str | None = None
    options: dict = dataclasses.field(default_factory=dict)
    read_only: bool = False
    enterprise_may_edit: bool = False
    form_exclude: tuple[str, ...] = ()  # fields left out of the create/edit form, besides the defaults

    @property
    def view_options(self) -> dict:
        """``options``, with creating, editing and deleting switched off for a read-only screen."""
        if not self.read_only:
            return dict(self.options)
        return {**self.options, "can_create": False, "can_edit": False, "can_delete": False}


@dataclasses.dataclass(frozen=True)
class ApiResource:
    """A REST resource under ``/api/v1/``. ``view`` is a Flask view function; it may raise
    ``core.errors`` exceptions, which become the standard JSON error responses."""

    path: str
    view: Callable
    methods: tuple[str, ...] = ("GET",)
    endpoint: str | None = None
    summary: str = ""
    tag: str = ""
    request_schema: Any = None
    response_schema: Any = None
    many: bool = False
    permission: str | None = None


@dataclasses.dataclass(frozen=True)
class PortalLink:
    """A public portal page in the main menu (e.g. the information plugin's articles)."""

    endpoint: str
    title: str
    title_en: str
    order: int = 100


# --- Workflow reactions ---------------------------------------------------------------------------

OUTCOMES = (*STEP_OUTCOMES, COMPLETE, OPEN, WITHDRAW, RESUME)


@dataclasses.dataclass(frozen=True)
class TransitionEvent:
    """What a :class:`Reaction` handler receives: one transition of one request, inside its
    transaction. ``step`` is the step acted on (for ``open``, the first step); ``data`` the
    validated step data. The last step's advance is recorded with outcome ``complete``."""

    request: ServiceRequest
    transition: Transition
    workflow: Workflow
    platform: "PluginHost"

    @property
    def outcome(self) -> str:
        return self.transition.outcome

    @property
    def step(self) -> str:
        t = self.transition
        return t.to_step if t.outcome == OPEN else t.from_step

    @property
    def data(self) -> dict:
        return dict(self.transition.data or {})

    @property
    def actor(self) -> User | None:
        return self.transition.actor


@dataclasses.dataclass(frozen=True)
class Reaction:
    """Run ``handler(event: TransitionEvent)`` when a request of workflow ``workflow`` moves.

    ``step`` (the step acted on) and ``outcome`` (one outcome or a tuple of them) narrow it; None
    matches any. Handlers run inside the transition's transaction, acting as its actor (audited
    models name them): raise to refuse the transition, everything is rolled back. Returned by the
    ``register_reactions`` hook; start-up refuses an unknown workflow, step or outcome.
    """

    workflow: str
    handler: Callable[[TransitionEvent], Any]
    step: str | None = None
    outcome: str | tuple[str, ...] | None = None

    @property
    def outcomes(self) -> tuple[str, ...] | None:
        if self.outcome is None:
            return None
        return (self.outcome,) if isinstance(self.outcome, str) else tuple(self.outcome)

    def check(self, workflows: Mapping[str, Workflow]) -> str | None:
        """The problem with this reaction (one line), or None."""
        if self.workflow not in workflows:
            return f"reaction to unknown workflow {self.workflow!r}"
        if self.step is not None and all(self.step not in w.step_keys for w in workflows.values()
                                         if w.key == self.workflow):
            return f"reaction to unknown step {self.step!r} of workflow {self.workflow!r}"
        for outcome in self.outcomes or ():
            if outcome not in OUTCOMES:
                return f"reaction to unknown outcome {outcome!r} (one of {', '.join(OUTCOMES)})"
        return None

    def matches(self, event: TransitionEvent) -> bool:
        outcomes = self.outcomes
        return (event.workflow.key == self.workflow and (self.step is None or self.step == event.step)
                and (outcomes is None or event.outcome in outcomes))


# --- What hooks receive as ``platform`` -------------------------------------------------------------

@runtime_checkable
class PluginRegistryView(Protocol):
    """The merged registrations a plugin may read (``platform.registry``)."""

    options: dict[str, dict]
    services: dict[str, ServiceEntry]
    workflows: dict[str, Workflow]
    permissions: dict[str, Permission]

    def workflow(self, key: str, version: int | None = None) -> Workflow: ...

    def owner_of(self, model: Any) -> str | None: ...


@runtime_checkable
class PluginHost(Protocol):
    """The running platform, as hooks, reactions and views see it (``platform`` arguments,
    ``current_platform()``, ``get_platform()``): configuration, the working calendar, the workflow
    engine, the merged registrations, each plugin's validated options and notifications."""

    config: Config
    calendar: WorkingCalendar
    engine: WorkflowEngine
    registry: PluginRegistryView

    def options_of(self, plugin: str) -> dict:
        """The validated ``[plugins.<plugin>]`` options (``declare_config``); {} when none."""

    def notify(self, user: User, subject: Any, *args: Any, **kwargs: Any) -> Any:
        """Write an in-app notification (and its e-mail, when mail is configured); the arguments
        of the façade's ``notify(user, subject, body="", link="", kind="info", ...)``."""

    def notify_many(self, users: Any, subject: Any, *args: Any, **kwargs: Any) -> Any:
        """:meth:`notify` for several users at once (``notify_many`` of the façade)."""


# --- Declared services: effects and guards by name -------------------------------------------------

@runtime_checkable
class DeclaredServiceView(Protocol):
    """What an :class:`Effect` receives as ``service``: the declared service whose file named it."""

    key: str

    def register(self, key: str) -> Any:
        """The model class of register ``key`` (KeyError when the service declares none)."""

    def row_of(self, register: str, request: ServiceRequest, create: bool = False) -> Any:
        """The register's row of ``request`` (a ``per_request`` register; its parent chain for a
        child register), created when ``create`` and missing; None when there is none."""


@dataclasses.dataclass(frozen=True)
class Effect:
    """A named behaviour a declared service references from its file (issue 11 §3)::

        [[steps.effects]]
        use = "record"          # the name
        register = "case"       # its parameters, checked by ``params``

    ``run(event, params, service)`` runs inside the transition's transaction when the step it is
    declared on is advanced or completed (``on_open`` effects: when the request is filed), with the
    validated ``params`` and the :class:`DeclaredServiceView`; raise to refuse the transition. A
    ``kind="guard"`` runs before every effect of the step and refuses by raising
    ``ValidationFailed`` (its message is shown to the person acting). ``params`` is a marshmallow
    Schema class: the file's parameters are loaded with it at start-up (unknown keys refused), so
    a bad parameter stops the platform with the file and the line. ``configure(step_options,
    params, declaration, step_key)`` may change the step options (``core.workflow.Step`` keyword
    arguments, by step key) when the workflow is built. Returned by the ``register_effects`` hook.
    """

    name: str
    run: Callable[..., Any] | None = None
    params: Any = None
    kind: str = "effect"
    description: str = ""
    configure: Callable[..., Any] | None = None

    def __post_init__(self):
        if self.kind not in ("effect", "guard"):
            raise ValueError(f"effect {self.name}: kind must be 'effect' or 'guard'")


# --- The compliance report: evidence per clause -----------------------------------------------------

#: One labelled figure of the evidence: (Chinese label, English label, value), e.g.
#: ``("按时办结率", "On-time rate", "92 %")``. The value is shown as it is (a number or a text).
Figure = tuple[str, str, Any]


@dataclasses.dataclass(frozen=True)
class Evidence:
    """Where the evidence of one DB1302 clause comes from (returned by ``register_evidence``).

    ``clause`` is a clause id as ``../shared/spec/CLAUSES.md`` writes it (``5.4.1``, ``6.4.1.2 d``,
    ``7.2``); an id with a letter is also shown under a range row (``6.4.3 b`` under ``6.4.3 a-f``).
    ``title`` / ``title_en`` name what is shown (按时办结率 / On-time rate per service).

    ``collect(platform, period)`` reads live data of the period (a ``toolkit.periods.Period``; its
    ``bounds_utc(platform.calendar.tz)`` are the stored naive-UTC bounds) and returns
    ``(figures, source)``: a few :data:`Figure` tuples and where they come from (table, admin
    screen, API path: ``"evaluation_complaint · /admin/evaluation/complaint/ · GET
    /api/v1/evaluation/complaints"``). No figures means nothing happened in the period: the report
    lists the clause as a gap, never leaves it out.
    """

    clause: str
    title: str
    title_en: str
    collect: Callable[..., tuple[list[Figure], str]]

    def __post_init__(self):
        if not CLAUSE_ID.match(self.clause):
            raise ValueError(f"evidence {self.title_en or self.title!r}: {self.clause!r} is not a clause id "
                             "such as 5.4.1 or 6.4.1.2 d")


#: A clause id: numbers with dots, then optionally a letter or a letter range (``6.4.2 a-d``).
CLAUSE_ID = re.compile(r"^\d+(\.\d+)*( ?[a-z](-[a-z])?)?$")
