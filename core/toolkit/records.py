"""One record per service request, written step by step: the plugin side of a workflow.

Most service plugins keep one row per request of their workflow (a management project, an
investment project, a training registration...) that collects what each step produced. Instead of
writing "get or create the request's record, switch on the step, save, audit" by hand, a plugin
declares it::

    PROJECT = StepRecord(ManagementProject, workflow="management",
                         create=lambda request: {"area": request.data.get("area", "")})

    @PROJECT.on("survey")
    def survey(project, data, event):
        project.area, project.conclusions = data["area"], data["conclusions"]

    @hookimpl
    def register_reactions():
        return PROJECT.reactions()

The record is created when the request is opened (outcome ``open``), with ``request`` set and the
fields returned by ``create(request)``. A handler runs when its step is advanced or -- for the last
step, whose advance is recorded as outcome ``complete`` -- completed; it gets the record, the
validated step data and the :class:`~core.contract.TransitionEvent`, and changes the record in
place. The record's ``updated_at`` (when it has one) is stamped and the record saved. The model
must be an :class:`~core.audit.AuditedModel`, so creating and every change are audited in the
transition's transaction, naming the transition's actor; a raise rolls the transition back.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rongtong.core.audit import is_audited
from rongtong.core.contract import Reaction, TransitionEvent
from rongtong.core.models import utcnow
from rongtong.core.workflow import ADVANCE, COMPLETE, OPEN

Handler = Callable[[Any, dict, TransitionEvent], Any]


class StepRecord:
    """The per-request record of workflow ``workflow``, kept in ``model`` (see the module)."""

    def __init__(self, model, workflow: str, create: Callable[[Any], dict] | None = None,
                 request_field: str = "request"):
        if not is_audited(model):
            raise TypeError(f"StepRecord({model.__name__}): the model must be an AuditedModel")
        if request_field not in model._meta.fields:
            raise TypeError(f"StepRecord({model.__name__}): no field {request_field!r} naming the request")
        self.model = model
        self.workflow = workflow
        self.create = create
        self.request_field = request_field
        self.handlers: dict[str, Handler] = {}

    def on(self, step: str) -> Callable[[Handler], Handler]:
        """Decorate ``handler(record, data, event)``: what advancing (or completing) ``step``
        writes into the record."""
        def register(handler: Handler) -> Handler:
            if step in self.handlers:
                raise ValueError(f"StepRecord({self.model.__name__}): two handlers for step {step!r}")
            self.handlers[step] = handler
            return handler

        return register

    def of(self, request) -> Any | None:
        """The request's record, or None."""
        field = self.model._meta.fields[self.request_field]
        return self.model.get_or_none(field == getattr(request, "id", request))

    def get_or_create(self, request) -> Any:
        """The request's record, created (and audited) when missing."""
        record = self.of(request)
        if record is None:
            values = dict(self.create(request)) if self.create else {}
            values[self.request_field] = request.id
            record = self.model.create(**values)
        return record

    def reactions(self) -> list[Reaction]:
        """What ``register_reactions`` returns for this record."""
        return [Reaction(self.workflow, self._react, outcome=(OPEN, ADVANCE, COMPLETE))]

    def _react(self, event: TransitionEvent) -> None:
        record = self.get_or_create(event.request)
        if event.outcome == OPEN:
            return
        handler = self.handlers.get(event.step)
        if handler is None:
            return
        handler(record, event.data, event)
        if "updated_at" in self.model._meta.fields:
            record.updated_at = utcnow()
        record.save()
