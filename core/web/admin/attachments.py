"""Attachments in the admin: the list (staff), download (scoped exactly like the owning record:
another enterprise's file is 404) and upload for any record (DB1302 6.4.1.2 c, 5.3.2)."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import abort, flash, redirect, request, send_file, url_for
from flask_admin import expose

from rongtong.core.attachments import AttachmentRefused, get_scoped_attachment, get_scoped_owner, open_attachment, save_upload
from rongtong.core.i18n import _, lazy_gettext as _l
from rongtong.core.models import Attachment
from rongtong.core.web.admin.base import SecureModelView, acting_user, current_platform
from rongtong.core.contract import CORE
from rongtong.core.web.admin.generated import make_view
from rongtong.core.web.auth import safe_next


class AttachmentView(SecureModelView):
    """Attachments are evidence: they are never edited or deleted here."""

    attachments_enabled = False

    permission = "core.request.view"
    allow_create = False
    allow_edit = False
    allow_delete = False
    column_list = ["id", "filename", "owner_type", "owner_id", "size", "mime_type", "uploaded_by", "created_at"]
    column_filters = ["owner_type", "owner_id", "created_at"]
    column_searchable_list = ["filename"]

    @expose("/<int:attachment_id>/download/")
    def download(self, attachment_id):
        platform = current_platform()
        att = get_scoped_attachment(attachment_id, acting_user(), platform.registry)
        if att is None:
            abort(404)
        handle = open_attachment(att, platform.config)
        return send_file(handle, mimetype="application/octet-stream", as_attachment=True,
                         download_name=att.filename, max_age=0)

    @expose("/upload/", methods=("POST",))
    def upload(self):
        """Attach a file to any record the user may see: ``owner_type`` (table) + ``owner_id``."""
        platform = current_platform()
        if not self.user_may("core.attachment.upload"):
            abort(403)
        owner = get_scoped_owner(request.form.get("owner_type", ""), request.form.get("owner_id", ""),
                                 acting_user(), platform.registry)
        if owner is None:
            abort(404)
        try:
            att = save_upload(request.files.get("file"), owner, acting_user(), platform.config,
                              description=request.form.get("description", ""))
        except AttachmentRefused as exc:
            return self.render("admin/rt/message.html", title=exc.message, messages=exc.fields.get("file", []),
                               back=request.referrer if _same_site(request.referrer) else url_for(".index_view")), 422
        flash(_("The file was uploaded: %(name)s", name=att.filename), "success")
        back = request.referrer if _same_site(request.referrer) else url_for(".index_view")
        return redirect(back, code=303)


def _same_site(url):
    if not url:
        return False
    parts = urlsplit(url)
    return parts.netloc == request.host and safe_next(parts.path) is not None


def attachment_view():
    return make_view(Attachment, CORE, "core.request.view", view_class=AttachmentView, name=_l("Attachments"),
                     category=_l("Platform"))
