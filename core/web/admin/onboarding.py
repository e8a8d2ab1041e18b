"""Enterprise onboarding review (DB1302 4.4.4: enterprises are admitted after review by the
platform's management).

Lists enterprises that applied or are under review, with their contact and the documents they
sent (the self-registration of :mod:`core.onboarding`); staff with ``core.enterprise.review`` move
one to under review, admit it or reject it through :func:`core.onboarding.review` (the same as
``POST /api/v1/enterprises/<id>/review``): every move follows ``core.models.ENTERPRISE_STATUS_MOVES``,
rejecting needs a reason, and the change, its audit event and the notices to the enterprise's
users are one transaction.
"""
from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_admin import expose

from rongtong.core.attachments import attachments_of
from rongtong.core.errors import NotFound, ValidationFailed
from rongtong.core.i18n import _, lazy_gettext as _l
from rongtong.core.models import ENTERPRISE_STATUSES, Enterprise
from rongtong.core.onboarding import PENDING, review
from rongtong.core.vocabulary import describe_model
from rongtong.core.web.admin.base import SecureBaseView, acting_user, current_platform, local_time, ui_lang

PAGE_SIZE = 50


def shown_value(enterprise, name: str) -> str:
    """An enterprise column as people read it (the field vocabulary: 小型, not ``small``)."""
    return describe_model(Enterprise)[name].display(getattr(enterprise, name), ui_lang(), current_platform().calendar.tz)


class OnboardingView(SecureBaseView):
    permission = "core.enterprise.review"

    def __init__(self):
        super().__init__(name=_l("Onboarding review"), endpoint="core_onboarding", url="core/onboarding",
                         category=_l("Platform"))

    @expose("/")
    def index(self):
        return self._render()

    def _render(self, status=200, errors=None, failed_id=None):
        try:
            page = max(0, int(request.args.get("page", 0)))
        except ValueError:
            page = 0
        rows = list(Enterprise.select().where(Enterprise.status.in_(PENDING))
                    .order_by(Enterprise.created_at, Enterprise.id).offset(page * PAGE_SIZE).limit(PAGE_SIZE + 1))
        return self.render("admin/rt/onboarding.html", rows=rows[:PAGE_SIZE], page=page,
                           has_next=len(rows) > PAGE_SIZE, statuses=dict(ENTERPRISE_STATUSES), local_time=local_time,
                           show=shown_value, errors=errors or {}, failed_id=failed_id,
                           documents={e.id: list(attachments_of(e)) for e in rows[:PAGE_SIZE]}), status

    @expose("/<int:enterprise_id>/", methods=("POST",))
    def decide(self, enterprise_id):
        decision = request.form.get("decision", "")
        try:
            ent = review(enterprise_id, decision, request.form.get("reason", ""), acting_user())
        except NotFound:
            abort(404)
        except ValidationFailed as exc:
            flash(exc.message, "error")
            return self._render(status=422, errors=exc.fields, failed_id=enterprise_id)
        flash(_("%(name)s: %(status)s.", name=ent.name, status=str(dict(ENTERPRISE_STATUSES)[ent.status])), "success")
        return redirect(url_for(".index"), code=303)
