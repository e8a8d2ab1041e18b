"""The caller's notifications (issue 9 §3): read them, newest first, and mark them read. Only one's
own: another user's notification is a 404, as if it did not exist."""
from __future__ import annotations

from rongtong.core.errors import NotFound
from rongtong.core.i18n import gettext as _
from rongtong.core.models import Notification
from rongtong.core.notify import mark_read, unread_count
from rongtong.core.web.api.auth import api_user
from rongtong.core.web.api.resources.common import ID, keyset_page
from rongtong.core.web.api.routing import Operation, query
from rongtong.core.web.api.schemas import MarkedReadSchema, NotificationPageSchema, NotificationQuerySchema, NotificationSchema

PERMISSION = "core.notification.view"


def _mine(user):
    return Notification.select().where(Notification.user == user.id)


def list_notifications():
    user, args = api_user(), query()
    q = _mine(user)
    if args.get("unread") is True:
        q = q.where(Notification.read_at.is_null())
    elif args.get("unread") is False:
        q = q.where(Notification.read_at.is_null(False))
    items, next_cursor = keyset_page(q, Notification.id, args["limit"], args.get("cursor"))
    return {"items": items, "next_cursor": next_cursor, "unread": unread_count(user)}


def read_one(notification_id):
    user = api_user()
    row = _mine(user).where(Notification.id == notification_id).first()
    if row is None:
        raise NotFound(_("Notification not found."))
    mark_read(user, row.id)
    return _mine(user).where(Notification.id == row.id).get()


def read_all():
    user = api_user()
    marked = mark_read(user)
    return {"marked": marked, "unread": unread_count(user)}


def operations():
    return [
        Operation("core", "notifications", "GET", list_notifications, "notifications",
                  summary="The caller's notifications (newest first, cursor pages; ?unread=true)", tag="notifications",
                  query_schema=NotificationQuerySchema, response_schema=NotificationPageSchema, permission=PERMISSION),
        Operation("core", f"notifications/<{ID}:notification_id>/read", "POST", read_one, "notification_read",
                  summary="Mark one of the caller's notifications read (another user's is a 404)",
                  tag="notifications", response_schema=NotificationSchema, permission=PERMISSION),
        Operation("core", "notifications/read", "POST", read_all, "notifications_read",
                  summary="Mark all of the caller's notifications read", tag="notifications",
                  response_schema=MarkedReadSchema, permission=PERMISSION),
    ]
