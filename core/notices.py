"""What the core tells the enterprise, and when (issue 9 §3; DB1302 5.4.1 the enterprise follows
its request, 4.4.4 onboarding decided by the platform).

Each notice goes to every active user of the request's (or applicant's) enterprise except the
person who acted, in that user's language, in-app and — when e-mail is on — by e-mail through the
outbox (:mod:`core.notify`), in the transaction of the event itself:

=========================  ========================================================================
event                      when
=========================  ========================================================================
``request.paused``         the platform paused the request (补正): the reason, i.e. what to supply
``request.returned``       the request went back to an earlier step: the reason
``request.answered``       a step advanced with evidence the enterprise may read (the answer, the
                           plan, the decision): those fields' labels and values
``request.completed``      the request is complete (with the last step's visible evidence)
``request.rejected``       the request was rejected: the reason
``enterprise.admitted``    the onboarding review admitted the enterprise
``enterprise.rejected``    the onboarding review refused it: the reason
=========================  ========================================================================

:func:`on_transition` is called by the core's ``on_transition`` hook (:mod:`core.builtin`);
:func:`enterprise_decided` by the onboarding review. Texts are English msgids translated in the
core catalog; field labels and values come from the field vocabulary
(:func:`core.vocabulary.enterprise_view`), so an internal field never reaches the enterprise.
"""
from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Callable

from flask import has_app_context
from flask_babel import force_locale

from rongtong.core.db import database
from rongtong.core.i18n import gettext as _
from rongtong.core.models import User
from rongtong.core.notify import notify
from rongtong.core.vocabulary import enterprise_view

LANGS = ("zh_Hans_CN", "en")


@dataclasses.dataclass(frozen=True)
class Notice:
    """A message to render once per recipient language: ``text(lang)`` gives (subject, body)."""

    event: str
    kind: str
    link: str
    text: Callable[[str], tuple[str, str]]


def request_link(request_id: int) -> str:
    """The enterprise's page of its request (the portal)."""
    return f"/my/requests/{request_id}"


def enterprise_users(enterprise_id, exclude=None) -> list[User]:
    """The active enterprise users of an enterprise, but ``exclude`` (a user id: the actor). The
    SQL is written by hand: this runs inside every transition that concerns the enterprise."""
    p = database.obj.param
    return list(User.raw(f'SELECT * FROM "core_user" WHERE "enterprise_id" = {p} AND "active" = {p} '
                         f'AND "roles" LIKE {p} AND "id" <> {p} ORDER BY "id"',
                         enterprise_id, User.active.db_value(True), "%enterprise%", exclude or 0))


def _locale(lang: str):
    return force_locale(lang) if has_app_context() else contextlib.nullcontext()


def send(notice: Notice, users, request=None) -> list:
    """Render ``notice`` once per language of ``users`` and notify each of them."""
    rendered, sent = {}, []
    for user in users:
        lang = user.language if user.language in LANGS else LANGS[0]
        if lang not in rendered:
            with _locale(lang):
                rendered[lang] = notice.text(lang)
        subject, body = rendered[lang]
        n = notify(user, subject, body, link=notice.link, kind=notice.kind, event=notice.event, request=request)
        if n is not None:
            sent.append(n)
    return sent


# --- Requests --------------------------------------------------------------------------------------

def _step_label(workflow, key, lang) -> str:
    try:
        return workflow.step(key).label(lang)
    except KeyError:
        return key or ""


def _service_label(registry, key, lang) -> str:
    service = registry.services.get(key) if registry is not None else None
    if service is None:
        return key
    return service.title_en if lang == "en" and service.title_en else service.title


def _evidence(workflow, step_key, data, lang, tz) -> str:
    """The enterprise-visible fields of a step's data, one "label: value" line each."""
    try:
        schema = workflow.step(step_key).schema
    except KeyError:
        return ""
    return "\n".join(f"{spec.title(lang)}: {spec.display(value, lang, tz)}"
                     for spec, value in enterprise_view(schema, data))


def transition_notice(request, transition, workflow, registry=None) -> Notice | None:
    """The notice a transition gives the enterprise, or None (nothing it needs to hear)."""
    outcome = transition.outcome
    tz = registry.config.tz if registry is not None else None
    title, reason = request.title, transition.reason or ""
    link = request_link(request.id)
    from_step = transition.from_step

    if outcome == "pause":
        def text(lang):
            return (_("Your request needs more from you: %(title)s", title=title),
                    _("The platform paused your request \"%(title)s\" at the step \"%(step)s\" until you supply "
                      "what it asks for.", title=title, step=_step_label(workflow, from_step, lang))
                    + "\n\n" + _("What to supply: %(reason)s", reason=reason) + "\n\n"
                    + _("Answer on the request page with a message and the materials, then resume the request. "
                        "The time limit does not run while it is paused."))
        return Notice("request.paused", "task", link, text)

    if outcome == "return":
        to_step = transition.to_step
        own_step = _is_enterprise_step(workflow, to_step)

        def text(lang):
            body = (_("The platform returned your request \"%(title)s\" to the step \"%(step)s\".", title=title,
                      step=_step_label(workflow, to_step, lang)) + "\n\n" + _("Reason: %(reason)s", reason=reason))
            if own_step:
                body += "\n\n" + _("You can correct what you filed and submit it again on the request page.")
            return _("Your request was returned: %(title)s", title=title), body
        return Notice("request.returned", "task", link, text)

    if outcome == "reject":
        def text(lang):
            return (_("Your request was rejected: %(title)s", title=title),
                    _("The platform rejected your request \"%(title)s\" at the step \"%(step)s\".", title=title,
                      step=_step_label(workflow, from_step, lang)) + "\n\n" + _("Reason: %(reason)s", reason=reason))
        return Notice("request.rejected", "warning", link, text)

    if outcome == "complete":
        def text(lang):
            body = _("Your request \"%(title)s\" (%(service)s) is complete.", title=title,
                     service=_service_label(registry, request.service_key, lang))
            evidence = _evidence(workflow, from_step, transition.data, lang, tz)
            if evidence:
                body += "\n\n" + evidence
            return _("Your request is complete: %(title)s", title=title), body
        return Notice("request.completed", "info", link, text)

    if outcome == "advance":
        try:
            schema = workflow.step(from_step).schema
        except KeyError:
            return None
        if not enterprise_view(schema, transition.data):
            return None
        to_step = transition.to_step

        def text(lang):
            body = (_("The step \"%(step)s\" of your request \"%(title)s\" is done:", title=title,
                      step=_step_label(workflow, from_step, lang))
                    + "\n\n" + _evidence(workflow, from_step, transition.data, lang, tz)
                    + "\n\n" + _("Next step: %(step)s", step=_step_label(workflow, to_step, lang)))
            return _("The platform answered your request: %(title)s", title=title), body
        return Notice("request.answered", "info", link, text)
    return None


def _is_enterprise_step(workflow, key) -> bool:
    try:
        return "enterprise" in workflow.step(key).roles
    except KeyError:
        return False


def _actor_of_enterprise(transition, enterprise_id) -> bool:
    if transition.actor_id is None:
        return False
    return getattr(transition.actor, "enterprise_id", None) == enterprise_id


def on_transition(request, transition, workflow, registry=None) -> list:
    """Tell the request's enterprise what the transition means for it (see the module table).
    An advance the enterprise made itself (e.g. rating its own request) is news to nobody there."""
    notice = transition_notice(request, transition, workflow, registry)
    if notice is None:
        return []
    if notice.event == "request.answered" and _actor_of_enterprise(transition, request.enterprise_id):
        return []
    return send(notice, enterprise_users(request.enterprise_id, exclude=transition.actor_id), request)


# --- Onboarding (DB1302 4.4.4) ---------------------------------------------------------------------

ENTERPRISE_LINK = "/my/enterprise"  # the portal page of the enterprise's application and its decision


def enterprise_decided(enterprise, decision: str, reason: str = "", actor=None) -> list:
    """Tell the enterprise's users that its onboarding application was admitted or refused."""
    name = enterprise.name
    if decision == "admitted":
        def text(lang):
            return (_("%(name)s has been admitted to the platform", name=name),
                    _("The platform reviewed and admitted %(name)s. You can now apply for its services.", name=name))
        notice = Notice("enterprise.admitted", "info", ENTERPRISE_LINK, text)
    elif decision == "rejected":
        def text(lang):
            return (_("The application of %(name)s was not accepted", name=name),
                    _("The platform reviewed the application of %(name)s and did not admit it.", name=name)
                    + "\n\n" + _("Reason: %(reason)s", reason=reason) + "\n\n"
                    + _("You may correct the application and apply again."))
        notice = Notice("enterprise.rejected", "warning", ENTERPRISE_LINK, text)
    else:
        return []
    return send(notice, enterprise_users(enterprise.id, exclude=getattr(actor, "id", None)))
