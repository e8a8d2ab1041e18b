"""Self-registration and the onboarding review through the API (DB1302 4.4.4, 6.3), the same
:mod:`core.onboarding` as the portal page and the admin screen.

* ``POST /api/v1/enterprises/applications`` — no login: an enterprise applies to join
  (multipart/form-data with one or more ``documents`` parts, the business licence...; JSON is read
  too, and then refused for want of a document). 201 with the enterprise (``applied``) and its
  first user's username; 422 naming every wrong field (a credit code already registered is refused
  without saying by whom); 429 beyond the applications allowed from one address per hour.
* ``POST /api/v1/enterprises/<id>/review`` — staff with ``core.enterprise.review``:
  ``{"decision": "admitted" | "rejected" | "under_review", "reason": ...}`` (a reason is required
  to reject); the enterprise's users are told the decision. The documents of an application are
  read with ``GET /api/v1/attachments?owner_type=core_enterprise&owner_id=<id>``.
"""
from __future__ import annotations

from flask import url_for
from marshmallow import fields, validate

from rongtong.core import onboarding
from rongtong.core.web.api.auth import api_user
from rongtong.core.web.api.resources.common import ID, platform
from rongtong.core.web.api.routing import Operation
from rongtong.core.web.api.schemas import AttachmentSchema, EnterpriseSchema, FileField, StrictSchema
from rongtong.core.web.auth import client_ip
from rongtong.core.web.context import current_lang


def _input_field(field: onboarding.Field):
    """The marshmallow field of one application input, from the core's table (the core checks
    the content again, with its own messages: credit code, e-mail, username, password)."""
    rules = [validate.Length(max=field.max_length)]
    if field.choices:
        rules.append(validate.OneOf([key for key, _label in field.choices],
                                    labels=[label for _key, label in field.choices]))
    extra = {"load_only": True} if field.kind == "password" else {}
    if field.required:
        return fields.String(required=True, validate=rules, **extra)
    return fields.String(load_default="", validate=rules, **extra)


ApplicationInputSchema = type("ApplicationInputSchema", (StrictSchema,), {
    "__module__": __name__,
    "__doc__": "An enterprise's application to join the platform (DB1302 4.4.4): the enterprise, its first user "
               "and its documents.",
    **{f.name: _input_field(f) for f in onboarding.FIELDS},
    onboarding.DOCUMENTS: fields.List(FileField(), load_default=list, load_only=True, metadata={
        "description": "multipart only: the business licence and other documents (repeat the part; at least one)"}),
})


class ApplicantSchema(StrictSchema):
    id = fields.Integer(dump_only=True)
    username = fields.String(dump_only=True)


class ApplicationSchema(StrictSchema):
    """The application as registered: the enterprise (status ``applied``), its user, its documents."""

    enterprise = fields.Nested(EnterpriseSchema, dump_only=True)
    user = fields.Nested(ApplicantSchema, dump_only=True)
    documents = fields.List(fields.Nested(AttachmentSchema), dump_only=True)


class ReviewInputSchema(StrictSchema):
    """An onboarding decision (DB1302 4.4.4): a reason is required to reject."""

    decision = fields.String(required=True, validate=validate.OneOf(list(onboarding.DECISIONS)))
    reason = fields.String(load_default="", validate=validate.Length(max=2000))


def apply(data):
    """Register the application (no login; throttled per address)."""
    documents = data.pop(onboarding.DOCUMENTS, [])
    application = onboarding.submit_application(data, documents, platform().config, ip=client_ip(),
                                                language=current_lang())
    location = url_for("api.enterprise", enterprise_id=application.enterprise.id)
    return application, 201, {"Location": location}


def review(enterprise_id, data):
    return onboarding.review(enterprise_id, data["decision"], data.get("reason", ""), api_user())


def operations():
    return [
        Operation("core", "enterprises/applications", "POST", apply, "enterprise_applications",
                  summary="Apply to join the platform (no login; the application is reviewed by staff)",
                  description="Multipart/form-data with the fields below and one or more `documents` parts. "
                              "The enterprise is created with status `applied`; its user may log in and follow "
                              "the application, and files requests once admitted. At most "
                              f"{onboarding.MAX_PER_ADDRESS} applications from one address per hour (429).",
                  tag="enterprises", request_schema=ApplicationInputSchema, response_schema=ApplicationSchema,
                  json_or_multipart=True, public=True, status=201),
        Operation("core", f"enterprises/<{ID}:enterprise_id>/review", "POST", review, "enterprise_review",
                  summary="Decide an application: admit, reject (with a reason) or put under review",
                  tag="enterprises", request_schema=ReviewInputSchema, response_schema=EnterpriseSchema,
                  permission="core.enterprise.review"),
    ]
