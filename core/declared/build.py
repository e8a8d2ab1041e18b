"""A declaration's data -> the engine's :class:`~core.workflow.Workflow` (one per version).

The built workflow is a :class:`DeclaredWorkflow`: a plain workflow that also keeps the declaration
it was built from, so the service's reaction runs the effects, guards and notifications of the
version a request runs on (``event.workflow.declaration``), not the file's latest.
"""
from __future__ import annotations

import dataclasses

from marshmallow import ValidationError

from rongtong.core.workflow import Step, Workflow

from .forms import build_schema, schema_name


@dataclasses.dataclass(frozen=True)
class DeclaredWorkflow(Workflow):
    declaration: dict | None = None
    source: str = ""


def build_workflow(data: dict, version: int, effects: dict, fieldsets: dict, source: str = "") -> DeclaredWorkflow:
    """Build version ``version`` of the declared workflow ``data`` (the checked declaration).
    ``effects``: ``{name: Effect}`` (their ``configure`` may change the steps);
    ``fieldsets``: ``{name: Schema class}``. Raises ValueError naming the step on a problem."""
    service = data["service"]
    key = service["key"]
    options: dict[str, dict] = {}
    for s in data["steps"]:
        base = fieldsets.get(s["fieldset"]) if s["fieldset"] else None
        if s["fieldset"] and base is None:
            raise ValueError(f"step {s['key']}: unknown fieldset {s['fieldset']!r} (known: {', '.join(fieldsets)})")
        schema = build_schema(s["fields"], key, schema_name(key, version, s["key"]), base) if (s["fields"] or base) else None
        options[s["key"]] = dict(
            key=s["key"], title=s["title"], title_en=s["title_en"], roles=tuple(s["roles"]), schema=schema,
            time_limit_days=s["time_limit_days"], outcomes=tuple(s["outcomes"]),
            returns_to=tuple(s["returns_to"]) if s["returns_to"] is not None else None,
            next_steps=tuple(s["next"]) if s["next"] is not None else None, description=s["description"],
            example=dict(s["example"]) if s["example"] else None, pause_requires_files=s["pause_requires_files"])
    for s in data["steps"]:
        for ref in s["effects"]:
            effect = effects.get(ref["use"])
            if effect is not None and effect.configure is not None:
                params = {k: v for k, v in ref.items()}
                try:
                    loaded = effect.params().load(params) if effect.params else params
                    effect.configure(options, loaded, data, s["key"])
                except ValidationError as exc:
                    raise ValueError(f"step {s['key']}: effect {ref['use']}: {exc.messages}")
    known = set(Step.__dataclass_fields__)
    steps = tuple(Step(**{k: v for k, v in o.items() if k in known}) for o in options.values())
    intake = build_schema(data["intake"], key, schema_name(key, version, "intake")) if data["intake"] else None
    return DeclaredWorkflow(key, service["title"], service["title_en"], steps=steps, version=version,
                            description=service["description"], withdrawable=service["withdrawable"],
                            intake_schema=intake, declaration=data, source=source)
