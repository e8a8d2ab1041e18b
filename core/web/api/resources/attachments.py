"""Attachments through the API (issue 3 §2): list, upload (multipart), read and download the files
of any record, scoped exactly like that record — another enterprise's file is a 404 (DB1302 5.3.2;
6.4.1.2 c records of every service). Storage and limits are :mod:`core.attachments`'."""
from __future__ import annotations

from flask import send_file, url_for

from rongtong.core.attachments import attachments_of, get_scoped_attachment, get_scoped_owner, open_attachment, save_upload
from rongtong.core.errors import NotFound
from rongtong.core.i18n import gettext as _
from rongtong.core.web.api.auth import api_user
from rongtong.core.web.api.resources.common import ID, platform
from rongtong.core.web.api.routing import Operation, query
from rongtong.core.web.api.schemas import AttachmentQuerySchema, AttachmentSchema

MAX_LISTED = 200


def _owner(owner_type, owner_id):
    owner = get_scoped_owner(owner_type, owner_id, api_user(), platform().registry)
    if owner is None:
        raise NotFound(_("Record not found."))
    return owner


def _attachment(attachment_id):
    att = get_scoped_attachment(attachment_id, api_user(), platform().registry)
    if att is None:
        raise NotFound(_("Attachment not found."))
    return att


def list_attachments():
    args = query()
    return list(attachments_of(_owner(args["owner_type"], args["owner_id"]), api_user()).limit(MAX_LISTED))


def upload_attachment(data):
    owner = _owner(data["owner_type"], data["owner_id"])
    att = save_upload(data["file"], owner, api_user(), platform().config, description=data["description"])
    return att, 201, {"Location": url_for("api.attachment", attachment_id=att.id)}


def get_attachment(attachment_id):
    return _attachment(attachment_id)


def download_attachment(attachment_id):
    att = _attachment(attachment_id)
    handle = open_attachment(att, platform().config)
    # Always a download, never rendered inline: an uploaded HTML file cannot run on this site.
    return send_file(handle, mimetype="application/octet-stream", as_attachment=True, download_name=att.filename,
                     max_age=0)


def operations():
    one = f"attachments/<{ID}:attachment_id>"
    return [
        Operation("core", "attachments", "GET", list_attachments, "attachments",
                  summary="The files of one record (404 if the record is outside the caller's scope)",
                  tag="attachments", query_schema=AttachmentQuerySchema, response_schema=AttachmentSchema,
                  many=True, permission="core.request.view"),
        Operation("core", "attachments", "POST", upload_attachment, "attachments",
                  summary="Attach a file to a record (multipart/form-data; size and type limits from config)",
                  tag="attachments", request_schema=AttachmentSchema, response_schema=AttachmentSchema,
                  multipart=True, permission="core.attachment.upload", status=201),
        Operation("core", one, "GET", get_attachment, "attachment", summary="One attachment's details",
                  tag="attachments", response_schema=AttachmentSchema, permission="core.request.view"),
        Operation("core", f"{one}/download", "GET", download_attachment, "attachment_download",
                  summary="Download the file", tag="attachments", raw="application/octet-stream",
                  permission="core.request.view"),
    ]
