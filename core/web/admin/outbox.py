"""The e-mail outbox screen (administrators only, ``core.outbox.manage``): every e-mail the
notifications wrote (:mod:`core.notify.outbox`) with its status, attempts, next attempt and last
error, and a "retry now" bulk action for pending and failed ones. Nothing else writes here: rows
are made by events and moved by the worker (``rongtong notify worker``)."""
from __future__ import annotations

from flask import flash
from flask_admin.actions import action
from flask_admin.contrib.peewee import filters as pw_filters

from rongtong.core.i18n import _, lazy_gettext as _l
from rongtong.core.models import OUTBOX_STATUSES, OutboxMessage
from rongtong.core.notify.outbox import retry_now
from rongtong.core.contract import CORE
from rongtong.core.web.admin.base import SecureModelView, acting_user, local_time
from rongtong.core.web.admin.generated import CORE_CATEGORY, default_options, make_view

PERMISSION = "core.outbox.manage"


def _time(view, context, model, name):
    return local_time(getattr(model, name))


def _subject(view, context, model, name):
    return model.notification.subject if model.notification_id else ""


class OutboxView(SecureModelView):
    allow_create = False
    allow_edit = False
    allow_delete = False
    attachments_enabled = False
    column_list = ["id", "created_at", "recipient", "notification", "status", "attempts", "next_attempt_at",
                   "sent_at", "last_error"]
    column_filters = [
        pw_filters.FilterEqual(OutboxMessage.status, _l("Status"), options=OUTBOX_STATUSES),  # labels, per request
        "recipient", "attempts", "created_at", "sent_at"]
    column_searchable_list = ["recipient"]
    column_sortable_list = ["id", "created_at", "status", "attempts", "next_attempt_at", "sent_at"]
    column_default_sort = ("id", True)
    column_formatters = {"created_at": _time, "next_attempt_at": _time, "sent_at": _time, "lease_until": _time,
                         "notification": _subject}
    column_formatters_export = column_formatters

    @action("retry_now", _l("Retry now"), _l("Send the selected e-mails again at the next worker round?"))
    def action_retry_now(self, ids):
        changed = retry_now(ids, acting_user())
        flash(_("%(count)s e-mails will be sent at the next worker round; sent ones and ones being sent "
                "were left as they are.", count=changed), "success")


def outbox_view():
    labels = {**default_options(OutboxMessage)["column_labels"], "notification": _l("Subject")}
    return make_view(OutboxMessage, CORE, PERMISSION, view_class=OutboxView, slug="outbox", category=CORE_CATEGORY,
                     options={"column_labels": labels})
