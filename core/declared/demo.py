"""Demo data and walks for a declared service: step data with real people and records.

A step's ``example`` in the file cannot know the ids of the people and surveys of a given database.
:func:`example_data` fills them in: a ``user``/``users`` field gets users with its role, a ``survey``
field the service's answered survey, a ``file`` field is left out (unless required: then the walk
stops there, as a person would have to upload it). The demo (``seed_demo``) and the test that walks
every shipped declaration through the API both use it.
"""
from __future__ import annotations

from rongtong.core.models import User
from rongtong.core.toolkit import surveys as survey_kit


def people_by_role(users: dict | None = None) -> dict[str, list[int]]:
    """``{role: [user ids]}``: from a seed context's ``users``, else every active user."""
    if users:
        return {role: [u.id for u in found] for role, found in users.items()}
    out: dict[str, list[int]] = {}
    for user in User.select().where(User.active).order_by(User.id):
        for role in user.roles:
            out.setdefault(role, []).append(user.id)
    return out


def example_data(step_decl: dict, example: dict | None, people: dict[str, list[int]], survey_id=None,
                 rng=None) -> dict:
    """The step's example with people, surveys and files made real (see the module docstring);
    with ``rng`` (the demo), each choice field takes a random choice so the demo data varies."""
    data = dict(example or {})
    for f in step_decl["fields"]:
        kind, key = f["type"], f["key"]
        if kind == "choice" and rng is not None and key in data:
            data[key] = rng.choice([c[0] for c in f["choices"]])
        candidates = people.get(f["role"] or "staff", [])
        if kind == "user" and candidates:
            data[key] = candidates[0]
        elif kind == "users" and candidates:
            data[key] = candidates[: max(1, f["min_rows"] or 1)]
        elif kind == "survey" and survey_id is not None:
            data[key] = survey_id
        elif kind == "file" and not f["required"]:
            data.pop(key, None)
    return data


def seed_rows(service, rows: dict) -> None:
    """``[[demo.rows.<register>]]`` tables: rows of a platform-wide register (a list of lawyers,
    the premises), created as written; a ``user`` column may name a username."""
    for key, items in (rows or {}).items():
        model = service.models[key]
        users = {f["key"] for f in model.declared_register["fields"] if f["type"] == "user"}
        for item in items:
            values = dict(item)
            for name in users & set(values):
                if isinstance(values[name], str):
                    found = User.get_or_none(User.username == values[name])
                    values[name] = found.id if found else None
            model.create(**values)


def seed(service, platform, context) -> None:
    """``[demo.rows]`` register rows; a needs survey (``[demo.survey]``) when the service uses
    them, then the demo's requests of this service waiting at their first step walked to a spread
    of steps."""
    demo = service.declaration.data["demo"]
    seed_rows(service, demo.get("rows"))
    if not service.declaration.is_service:
        return
    people = people_by_role(context["users"])
    survey = None
    if service.uses_surveys and demo.get("survey"):
        survey = survey_kit.seed_demo_survey(service.key, demo["survey"], context)
    steps = {s["key"]: s for s in service.declaration.data["steps"]}

    def data_for(step, data):
        return example_data(steps[step.key], data, people, survey.id if survey else None, context.get("rng"))

    needs_walk = survey is not None or any(f["type"] in ("user", "users") for s in steps.values() for f in s["fields"])
    if needs_walk:
        staff = context["users"]["staff"][0]
        survey_kit.walk_demo_requests(platform, service.key, survey, staff, data_for)
