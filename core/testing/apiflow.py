"""A small client for walking workflows through the generic request API (POST /api/v1/requests,
GET/POST /api/v1/requests/<id>/transitions) as a given user, with a Bearer token per user.

    api = Api(client, api_token)            # or the ``api_client`` fixture
    filed = api.file(people.user_a, "patent_guidance", data={...})
    api.advance(people.staff, filed["id"], {"need": "..."})
    api.walk(platform, filed["id"], people)  # every remaining step, with each step's example data
"""
from __future__ import annotations


class Api:
    def __init__(self, client, api_token):
        self.client = client
        self._issue = api_token
        self._tokens = {}

    def headers(self, user) -> dict:
        if user.id not in self._tokens:
            self._tokens[user.id] = self._issue(user)
        return {"Authorization": f"Bearer {self._tokens[user.id]}"}

    def get(self, user, path, **params):
        return self.client.get(f"/api/v1/{path}", headers=self.headers(user), query_string=params)

    def post(self, user, path, json=None):
        return self.client.post(f"/api/v1/{path}", headers=self.headers(user), json=json or {})

    def put(self, user, path, json=None):
        return self.client.put(f"/api/v1/{path}", headers=self.headers(user), json=json or {})

    def file(self, user, service, title="申请", data=None, enterprise=None) -> dict:
        body = {"service_key": service, "title": title, "data": data or {}}
        if enterprise is not None:
            body["enterprise_id"] = enterprise.id
        r = self.post(user, "requests", body)
        assert r.status_code == 201, r.get_json()
        return r.get_json()

    def act(self, user, request_id, outcome="advance", data=None, reason=""):
        """Take ``outcome`` with the request's current version; returns the response."""
        version = self.get(user, f"requests/{request_id}/transitions").get_json().get("version")
        if version is None:  # the caller cannot see the request: use the real version anyway
            from rongtong.core.models import ServiceRequest

            version = ServiceRequest.get_by_id(request_id).version
        return self.post(user, f"requests/{request_id}/transitions",
                         {"outcome": outcome, "data": data or {}, "reason": reason, "version": version})

    def advance(self, user, request_id, data, outcome="advance") -> dict:
        r = self.act(user, request_id, outcome, data)
        assert r.status_code == 201, r.get_json()
        return r.get_json()

    def walk(self, platform, request_id, people, data: dict | None = None) -> dict:
        """Advance request ``request_id`` through every remaining step of its workflow, each step by
        the first of ``people`` (a namespace or mapping of users) holding one of the step's roles and,
        for enterprise steps, belonging to the request's enterprise; the last step is ``complete``d. The data is ``data[step key]``
        when given, else the step's ``example``. Returns the last transition (``outcome`` is
        ``complete`` for the last step)."""
        from rongtong.core.models import CLOSED_STATUSES, ServiceRequest

        users = list(vars(people).values() if not isinstance(people, dict) else people.values())
        users = [u for u in users if hasattr(u, "roles")]
        last = {}
        for _ in range(100):  # a workflow with loops still ends: at most 100 steps
            req = ServiceRequest.get_by_id(request_id)
            if req.status in CLOSED_STATUSES or not req.current_step:
                return last
            wf = platform.engine.workflow_of(req)
            step = wf.step(req.current_step)
            actor = next((u for u in users if set(u.roles) & set(step.roles)
                          and (set(u.roles) - {"enterprise"} or u.enterprise_id == req.enterprise_id)), None)
            assert actor is not None, f"no user among people holds a role of step {step.key!r}: {step.roles}"
            targets = wf.next_of(step.key)
            step_data = (data or {}).get(step.key, step.example_for(targets[0] if targets else None))
            last = self.advance(actor, request_id, step_data, outcome="advance" if targets else "complete")
        raise AssertionError(f"request {request_id} did not finish in 100 steps")


def field_errors(response) -> dict:
    """The ``fields`` of a JSON error response, with step-data errors (under ``data``) flattened."""
    fields = (response.get_json() or {}).get("error", {}).get("fields", {})
    return {**fields, **(fields.get("data") if isinstance(fields.get("data"), dict) else {})}


def visit_admin(client, plugin, models) -> dict:
    """GET each model's admin list, and the details and edit pages of its first row (when the view
    offers them); returns ``{url: status}`` for every page that did not answer 200."""
    from rongtong.core.web.admin.generated import model_slug

    bad = {}
    for model in models:
        base = f"/admin/{plugin}/{model_slug(model, plugin)}/"
        urls = [base]
        row = model.select().order_by(model._meta.primary_key).first()
        if row is not None:
            urls += [f"{base}details/?id={row.get_id()}", f"{base}edit/?id={row.get_id()}"]
        for url in urls:
            status = client.get(url).status_code
            if status != 200 and not (status in (302, 403, 404) and url != base):  # a disabled page is fine
                bad[url] = status
    return bad
