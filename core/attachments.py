"""Attachments: files linked to any record (business plans, reports, deliverables, evidence of a
step), stored under ``[attachments] directory`` by SHA-256 (DB1302 5.3.2: platform data kept
safe; 6.4.1.2 c: records of every service kept).

One function API for every surface (admin, REST API, CLI):

    save_upload(file_storage, owner, user, config)   -> Attachment   (raises AttachmentRefused)
    get_scoped_attachment(pk, user, registry)        -> Attachment or None (404 for the caller)
    open_attachment(attachment, config)              -> binary file object

An attachment is scoped exactly like the record it belongs to: whoever may not see the owner may not
see, list or download its files. An ``internal`` attachment (a staff working file of the case file,
DB1302 6.4.1.2 c) is seen only by staff and by the expert or evaluator assigned to its request
(:func:`sees_internal`): to anyone else it does not exist. A refused file (too large, wrong type, empty) raises
:class:`AttachmentRefused` with a message naming the ``file`` field, and nothing is stored.
"""
from __future__ import annotations

import hashlib
import mimetypes
import os
import tempfile
from pathlib import Path

import peewee

from rongtong.core import audit
from rongtong.core.db import database
from rongtong.core.errors import NotFound, ValidationFailed
from rongtong.core.i18n import gettext as _
from rongtong.core.models import Attachment
from rongtong.core.security import get_scoped
from rongtong.core.security import is_staff

CHUNK = 64 * 1024
DEFAULT_MAX_BYTES = 10 * 1024 * 1024


class AttachmentRefused(ValidationFailed):
    """The uploaded file breaks the size or type limits (HTTP 422); nothing was stored."""


def storage_dir(config) -> Path:
    return Path(config.get("attachments.directory", "attachments")).expanduser().resolve()


def max_bytes(config) -> int:
    return int(config.get("attachments.max_bytes", DEFAULT_MAX_BYTES))


def allowed_extensions(config) -> set[str]:
    return {e.lower().lstrip(".") for e in config.get("attachments.allowed_extensions", []) or []}


def path_of(content_hash: str, config) -> Path:
    """Where a file with this SHA-256 lives: ``<dir>/ab/cd/abcd...``."""
    return storage_dir(config) / content_hash[:2] / content_hash[2:4] / content_hash


def clean_filename(name: str) -> str:
    """The file's own name without any directory part (kept in Unicode: Chinese names are normal)."""
    name = (name or "").replace("\\", "/").split("/")[-1].strip().replace("\x00", "")
    return name[:255]


def check_filename(filename: str, config) -> str:
    """The extension (lower case) if the name is acceptable; raises AttachmentRefused otherwise."""
    if not filename:
        raise AttachmentRefused(_("No file was uploaded."), {"file": [_("Choose a file to upload.")]})
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    allowed = allowed_extensions(config)
    if allowed and ext not in allowed:
        raise AttachmentRefused(
            _("Files of this type are not accepted."),
            {"file": [_("File type .%(ext)s is not accepted (allowed: %(allowed)s).",
                        ext=ext or "?", allowed=", ".join(sorted(allowed)))]})
    return ext


def owner_type_of(owner) -> str:
    return owner._meta.table_name


def save_upload(file_storage, owner, user, config, description: str = "", *, message=None,
                internal: bool = False) -> Attachment:
    """Store an uploaded file (a werkzeug ``FileStorage`` or anything with ``filename`` and
    ``stream``/``read``) for ``owner`` (a saved model instance) and record it, with its audit event,
    in one transaction. ``message``: the thread message it was sent with; ``internal``: staff only.
    Raises :class:`AttachmentRefused`; then nothing is stored."""
    if owner is None or owner.get_id() is None:
        raise NotFound(_("Record not found."))
    filename = clean_filename(getattr(file_storage, "filename", "") or "")
    check_filename(filename, config)
    limit = max_bytes(config)
    directory = storage_dir(config)
    directory.mkdir(parents=True, exist_ok=True)
    stream = getattr(file_storage, "stream", file_storage)
    digest = hashlib.sha256()
    size = 0
    fd, tmp_name = tempfile.mkstemp(prefix=".upload-", dir=directory)
    new_file = None
    try:
        with os.fdopen(fd, "wb") as tmp:
            while True:
                chunk = stream.read(CHUNK)
                if not chunk:
                    break
                size += len(chunk)
                if size > limit:
                    raise AttachmentRefused(
                        _("The file is too large."),
                        {"file": [_("The file is larger than %(limit)s bytes.", limit=limit)]})
                digest.update(chunk)
                tmp.write(chunk)
        if size == 0:
            raise AttachmentRefused(_("The file is empty."), {"file": [_("The file is empty.")]})
        content_hash = digest.hexdigest()
        target = path_of(content_hash, config)
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(tmp_name, target)
            new_file = target
        mime = (getattr(file_storage, "mimetype", None) or mimetypes.guess_type(filename)[0]
                or "application/octet-stream")
        with database.atomic():
            att = Attachment.create(owner_type=owner_type_of(owner), owner_id=str(owner.get_id()),
                                    filename=filename, content_hash=content_hash, size=size,
                                    mime_type=mime[:100], description=(description or "")[:300],
                                    uploaded_by=user if getattr(user, "id", None) else None,
                                    message_id=getattr(message, "id", message), internal=bool(internal))
            audit.record_create(att, user)
        new_file = None  # committed: keep it
        return att
    finally:
        if os.path.exists(tmp_name):
            os.unlink(tmp_name)
        if new_file is not None and new_file.exists():
            new_file.unlink()  # the row was never written: store nothing


def owner_model(owner_type: str, registry):
    """The model class whose table is ``owner_type`` among the registered models, or None."""
    for model in registry.models:
        if model._meta.table_name == owner_type:
            return model
    return None


def get_scoped_owner(owner_type: str, owner_id, user, registry):
    """The owning record if ``user`` may see it (same row scope as the record itself), else None."""
    model = owner_model(owner_type, registry)
    if model is None:
        return None
    return get_scoped(model, owner_id, user)


def sees_internal(user, owner) -> bool:
    """Whether ``user`` reads the internal (staff-only) part of ``owner``'s case file: staff and
    admins, and the expert or evaluator ``owner`` (a request) is assigned to."""
    if user is None or not getattr(user, "is_authenticated", False) or not getattr(user, "active", False):
        return False
    if is_staff(user):
        return True
    assignee = getattr(owner, "assignee_id", None)
    return assignee is not None and assignee == user.id and user.has_role("expert", "evaluator")


def get_scoped_attachment(pk, user, registry) -> Attachment | None:
    """One attachment if ``user`` may see the record it belongs to (and, for an internal one, its
    internal part); None otherwise (answer 404)."""
    try:
        att = Attachment.get_or_none(Attachment.id == int(pk))
    except (TypeError, ValueError):
        return None
    if att is None:
        return None
    owner = get_scoped_owner(att.owner_type, att.owner_id, user, registry)
    if owner is None or (att.internal and not sees_internal(user, owner)):
        return None
    return att


def attachments_of(owner, viewer=None) -> peewee.ModelSelect:
    """The attachments of one record, newest first (the caller has already checked the owner's
    scope). With ``viewer``: without the internal ones unless the viewer :func:`sees_internal`."""
    query = (Attachment.select()
             .where((Attachment.owner_type == owner_type_of(owner)) & (Attachment.owner_id == str(owner.get_id())))
             .order_by(Attachment.id.desc()))
    if viewer is not None and not sees_internal(viewer, owner):
        query = query.where(Attachment.internal == False)  # noqa: E712
    return query


def open_attachment(attachment: Attachment, config):
    """The stored file, opened for binary reading. Raises NotFound if the file is missing on disk."""
    path = path_of(attachment.content_hash, config)
    try:
        return open(path, "rb")
    except FileNotFoundError:
        raise NotFound(_("The file of this attachment is missing from storage."))
