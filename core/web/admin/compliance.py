"""The admin page "合规证据" (``/admin/core/compliance/``; staff, ``core.compliance.view``): every
clause of DB1302 with its evidence from live data in a period, or as a gap
(:mod:`core.compliance`), and the same report as CSV or XLSX (``?format=csv``)."""
from __future__ import annotations

import io

from flask import Response, request
from flask_admin import expose

from rongtong.core import audit, compliance
from rongtong.core.db import database
from rongtong.core.i18n import lazy_gettext as _l
from rongtong.core.models import utcnow
from rongtong.core.toolkit.periods import PeriodError, parse_period, period_of
from rongtong.core.toolkit.tabular import MIMETYPES
from rongtong.core.web.admin.base import SecureBaseView, acting_user, current_platform, ui_lang
from rongtong.core.web.admin.generated import CORE_CATEGORY

PERMISSION = "core.compliance.view"
DOWNLOADS = ("csv", "xlsx")


class ComplianceView(SecureBaseView):
    """``/admin/core/compliance/?period=2026-Q4[&format=csv|xlsx]``."""

    permission = PERMISSION

    def __init__(self):
        super().__init__(name=_l("Compliance evidence"), endpoint="core_compliance", url="core/compliance",
                         category=CORE_CATEGORY)

    @expose("/")
    def index(self):
        platform = current_platform()
        raw = (request.args.get("period") or "").strip()
        fmt = (request.args.get("format") or "").strip()
        errors = {}
        try:
            period = parse_period(raw) if raw else period_of(platform.calendar.local_date(utcnow()), "quarter")
        except PeriodError as exc:
            errors = exc.fields
            period = None
        if fmt and fmt not in DOWNLOADS:
            errors["format"] = [str(_l("Choose CSV or XLSX."))]
        if errors:
            return self.render("admin/rt/compliance.html", report=None, period=raw, errors=errors, lang=ui_lang()), 422
        report = compliance.build(platform, period)
        if fmt:
            return self._download(report, fmt)
        return self.render("admin/rt/compliance.html", report=report, period=period.label, errors={}, lang=ui_lang(),
                           headers=compliance.table(report, ui_lang())[0], text_of=compliance.text_of,
                           no_evidence=compliance.NO_EVIDENCE, status=compliance.STATUS)

    def _download(self, report, fmt):
        buffer = io.BytesIO()
        compliance.write(report, fmt, buffer, ui_lang())
        with database.atomic():
            audit.record("export", "compliance", report.period.label, {"format": fmt}, actor=acting_user())
        return Response(buffer.getvalue(), mimetype=MIMETYPES[fmt], headers={
            "Content-Disposition": f'attachment; filename="compliance-{report.period.label}.{fmt}"'})
