"""Enterprise onboarding review (DB1302 4.4.4: enterprises are admitted after review by the
platform's management).

Lists enterprises that applied or are under review; staff with ``core.enterprise.review`` move one
to under review, admit it or reject it. Every move follows ``core.models.ENTERPRISE_STATUS_MOVES``,
rejecting needs a reason, and the change, its audit event and the notices to the enterprise's
users (admitted, or refused with the reason: :func:`core.notices.enterprise_decided`) are one
transaction.
"""
from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_admin import expose

from rongtong.core import audit, notices
from rongtong.core.db import database
from rongtong.core.i18n import _, lazy_gettext as _l
from rongtong.core.models import ENTERPRISE_STATUS_MOVES, ENTERPRISE_STATUSES, Enterprise, utcnow
from rongtong.core.vocabulary import describe_model
from rongtong.core.web.admin.base import SecureBaseView, acting_user, current_platform, local_time, ui_lang
from rongtong.core.errors import NotFound, ValidationFailed

PENDING = ("applied", "under_review")
DECISIONS = ("under_review", "admitted", "rejected")
PAGE_SIZE = 50


def review(enterprise_id: int, decision: str, reason: str, actor) -> Enterprise:
    """Apply one onboarding decision (DB1302 4.4.4). Raises ValidationFailed with field messages."""
    reason = (reason or "").strip()
    if decision not in DECISIONS:
        raise ValidationFailed(_("Unknown decision."), {"decision": [_("Choose admit, reject or under review.")]})
    if decision == "rejected" and not reason:
        raise ValidationFailed(_("A reason is required to reject an application."),
                               {"reason": [_("A reason is required to reject an application.")]})
    with database.atomic():
        ent = Enterprise.get_or_none(Enterprise.id == enterprise_id)
        if ent is None:
            raise NotFound(_("Enterprise not found."))
        if decision not in ENTERPRISE_STATUS_MOVES.get(ent.status, set()):
            names = dict(ENTERPRISE_STATUSES)
            raise ValidationFailed(_("An enterprise in status %(status)s cannot become %(decision)s.",
                                     status=str(names.get(ent.status, ent.status)),
                                     decision=str(names.get(decision, decision))), {"decision": [_("Not allowed now.")]})
        before = ent.snapshot()
        ent.status = decision
        ent.status_reason = reason
        ent.reviewed_at = utcnow()
        ent.save()
        audit.record("review", "core_enterprise", ent.id,
                     {"from": before["status"], "to": decision, "reason": reason,
                      "changes": audit.diff(before, ent.snapshot())}, actor)
        notices.enterprise_decided(ent, decision, reason, actor)
    return ent


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
                           show=shown_value, errors=errors or {}, failed_id=failed_id), status

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
