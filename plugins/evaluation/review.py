"""The review of a complaint the complainant did not accept (DB1302 5.4.2, 7.1).

Who reviews: someone who did not handle the case. The *handlers* are everyone who moved the case
so far (the transitions' actors: whoever registered it, received, verified, rectified, answered it
or recorded the verdict for the complainant). The *reviewer* is chosen when the case enters the
review step (:func:`assign_reviewer`, called by the verdict's reaction in the same transaction):

1. the case's assignee, when that person may review it (staff recording the verdict may hand the
   case to a reviewer of their choice with it);
2. else a member of an active evaluation committee (:class:`~.models.Committee`, the body of
   DB1302 7.1) who is an active platform user holding a role of the review step, has not declared a
   conflict of interest and did not handle the case -- the one with the fewest reviews open,
   then the earliest seated;
3. else, with no committee seated, any active user holding a role of the review step who did not
   handle the case (the same order).

The case is handed to the reviewer (the ``assign`` audit event, as the core writes it) and the
reviewer is told. When nobody may review, the verdict is still recorded and the people who manage
the committees are told to seat or assign one. The review step's own reaction
(:func:`refuse_handler`) refuses a handler whatever their role (an administrator included).
"""
from __future__ import annotations

from rongtong.core.plugin import (PermissionDenied, ServiceRequest, Transition, User, audit, gettext as _,
                                  has_permission, lazy_gettext as _l, notify, notify_many)

from .models import Committee, CommitteeMember

REVIEW_STEP = "appeal"
MANAGE_COMMITTEES = "evaluation.committee.manage"


def case_link(case_id: int) -> str:
    return f"/admin/core/request/{case_id}/"


def handlers(case: ServiceRequest) -> set[int]:
    """Ids of everyone who moved the case so far (DB1302 5.4.2: the review is by someone else)."""
    rows = Transition.select(Transition.actor).where((Transition.request == case.id) & Transition.actor.is_null(False))
    return {row.actor_id for row in rows}


def may_review(user, step, handled: set[int]) -> bool:
    return (user is not None and user.active and user.id not in handled and not user.is_enterprise_user
            and user.has_role(*step.roles))


def open_reviews(user_id: int) -> int:
    return (ServiceRequest.select().where((ServiceRequest.assignee == user_id) & (ServiceRequest.status == "open")
                                          & (ServiceRequest.current_step == REVIEW_STEP)).count())


def committee_members() -> list[User]:
    """Platform users seated on an active committee without a declared conflict, in seating order."""
    rows = (CommitteeMember.select(CommitteeMember, User).join(User).switch(CommitteeMember).join(Committee)
            .where((Committee.active == True) & (CommitteeMember.has_conflict == False))  # noqa: E712
            .order_by(CommitteeMember.id))
    return list(dict.fromkeys(row.user for row in rows))


def holding_roles(roles) -> list[User]:
    """Active users holding one of ``roles`` (the role list is a text column: narrowed in SQL,
    checked exactly here)."""
    condition = None
    for role in roles:
        condition = User.roles.contains(role) if condition is None else condition | User.roles.contains(role)
    rows = User.select().where((User.active == True) & condition).order_by(User.id)  # noqa: E712
    return [u for u in rows if u.has_role(*roles)]


def candidates(step, handled: set[int]) -> list[User]:
    """Who may review, the preferred first (see the module's docstring)."""
    seated = [u for u in committee_members() if may_review(u, step, handled)]
    if not seated:
        seated = [u for u in holding_roles(step.roles) if may_review(u, step, handled)]
    order = {u.id: i for i, u in enumerate(seated)}
    return sorted(seated, key=lambda u: (open_reviews(u.id), order[u.id]))


def assign_reviewer(event) -> User | None:
    """The case has entered the review: hand it to its reviewer and tell them (or, when nobody may
    review, tell those who manage the committees). Returns the reviewer."""
    case, step = event.request, event.workflow.step(REVIEW_STEP)
    handled = handlers(case)
    current = User.get_or_none(User.id == case.assignee_id) if case.assignee_id else None
    reviewer = current if may_review(current, step, handled) else next(iter(candidates(step, handled)), None)
    if reviewer is None:
        _tell_managers(case, event)
        return None
    if reviewer.id != case.assignee_id:
        ServiceRequest.update(assignee=reviewer.id).where(ServiceRequest.id == case.id).execute()
        audit.record("assign", "core_servicerequest", case.id, {
            "from": case.assignee_id, "to": reviewer.id, "step": REVIEW_STEP,
            # "" for nobody: the staff page's timeline prints the pair as it is
            "changes": {"assignee": [str(current) if current else "", str(reviewer)]}}, event.actor)
        case.assignee = reviewer
    notify(reviewer, _l("Complaint to review: #%(id)s %(title)s", id=case.id, title=case.title),
           _l("The complainant did not accept the handling of complaint #%(id)s. You review it for the "
              "evaluation committee.", id=case.id),
           link=case_link(case.id), kind="complaint", event="complaint.review", request=case)
    return reviewer


def _tell_managers(case: ServiceRequest, event) -> None:
    registry = event.platform.registry
    managers = [u for u in holding_roles(("admin", "staff", "evaluator", "expert"))
                if has_permission(u, MANAGE_COMMITTEES, registry)]
    notify_many(managers, _l("No reviewer for complaint #%(id)s", id=case.id),
                _l("Complaint #%(id)s awaits its review, but no evaluator who did not handle it is "
                   "available. Seat one on the evaluation committee and assign the case to them.", id=case.id),
                link=case_link(case.id), kind="complaint", event="complaint.review_unassigned", request=case)


def refuse_handler(event) -> None:
    """DB1302 5.4.2: whoever moved the case before its review (this review's own transition
    excluded) does not review it, whatever their role."""
    actor = event.actor
    if actor is None:
        return
    handled = (Transition.select().where((Transition.request == event.request.id) & (Transition.actor == actor.id)
                                         & (Transition.id != event.transition.id)).exists())
    if handled:
        raise PermissionDenied(_("You handled this complaint: its review is someone else's."))
