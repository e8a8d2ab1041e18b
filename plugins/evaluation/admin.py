"""Staff screens of the evaluation plugin: generated registers (surveys, complaints, committees,
evaluations, improvement actions, time-limit events) and two custom pages — the time-limit board
(DB1302 5.4.1) and the supervision report with charts and CSV/XLSX export (5.4, 7)."""
from __future__ import annotations

import io

from flask import Response, request, url_for
from flask_admin import expose
from markupsafe import Markup
from werkzeug.utils import secure_filename

from rongtong.core.plugin import (AdminViewSpec, PluginHost, SecureBaseView, _, acting_user, audit, current_platform,
                                  lazy_gettext as _l, local_time, periods, tabular, utcnow)

from . import charts, reports, sla
from .models import (
    Committee, CommitteeMember, Complaint, Evaluation, EvaluationScore, ImprovementAction, SlaEvent, Survey,
)

CATEGORY = _l("Evaluation and supervision")


def _request_link(field):
    """A list column linking to the core's request page (where staff act on the workflow)."""

    def format_(view, context, model, name):
        pk = getattr(model, f"{field}_id", None)
        if pk is None:
            return ""
        return Markup('<a href="{}">#{}</a>').format(url_for("core_request.page", request_id=pk), pk)

    return format_


class BoardView(SecureBaseView):
    """Due soon and overdue by department and service; on-time rates of this quarter by service,
    department and service institution (DB1302 5.4.1)."""

    @expose("/")
    def index(self):
        platform = current_platform()
        data = sla.board(platform)
        period = periods.period_of(platform.calendar.local_date(utcnow()), "quarter")
        on_time = reports.requests_on_time(platform, period)
        names = reports.display_names(platform.registry)
        titles = {"service": _("By service"), "department": _("By department"),
                  "institution": _("By service institution")}
        chart = {dim: charts.bars([(names.get(dim, {}).get(k, k), v["on_time_rate"]) for k, v in on_time["by_" + dim].items()],
                                  maximum=1, percent=True, title=title)
                 for dim, title in titles.items()}
        return self.render("evaluation/board.html", board=data, on_time=on_time, period=period, charts=chart,
                           local_time=local_time, names=names)


class ReportView(SecureBaseView):
    """The supervision report of a period, with charts; CSV and XLSX export (audited)."""

    @expose("/")
    def index(self):
        platform = current_platform()
        default = periods.period_of(platform.calendar.local_date(utcnow()), "quarter").label
        text = request.args.get("period", default)
        try:
            period = periods.parse_period(text)
        except periods.PeriodError as exc:
            return self.render("evaluation/report.html", error=exc.message, period_text=text, report=None), 422
        report = reports.supervision(platform, period)
        fmt = request.args.get("format")
        if fmt in ("csv", "xlsx"):
            return self._export(report, fmt)
        sat = report["satisfaction"]
        names = reports.display_names(platform.registry)
        service, grade = names["service"], names["grade"]
        chart = {
            "requests": charts.bars([(service.get(k, k), v["on_time_rate"]) for k, v in report["requests"]["by_service"].items()],
                                    maximum=1, percent=True, title=_("Requests finished within their time limit")),
            "staff": charts.bars([(service.get(k, k), v["satisfaction_rate"]) for k, v in sat["staff"].get("by_service", {}).items()],
                                 maximum=1, percent=True, title=_("Platform staff, by service")),
            "department": charts.bars([(k, v["satisfaction_rate"]) for k, v in sat["staff"].get("by_department", {}).items()],
                                      maximum=1, percent=True, title=_("Platform staff, by department")),
            "institution": charts.bars([(k, v["satisfaction_rate"]) for k, v in sat["institution"].get("by_institution", {}).items()],
                                       maximum=1, percent=True, title=_("Service institutions")),
            "grades": charts.bars([(grade.get(k, k), n) for k, n in sat["staff"]["grades"].items()], title=_("Grades given to the platform staff")),
        }
        return self.render("evaluation/report.html", report=report, charts=chart, period_text=period.label, error=None,
                           names=names)

    def _export(self, report, fmt):
        buf = io.BytesIO()
        reports.write(report, fmt, buf, bom=(fmt == "csv"))
        # an export is an event about no record: named by hand (DB1302 5.3.2)
        audit.record("export", "evaluation_report", report["period"], {"format": fmt, "report": "supervision"},
                     acting_user())
        name = secure_filename(f"supervision-{report['period']}.{fmt}")
        return Response(buf.getvalue(), mimetype=tabular.MIMETYPES[fmt],
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})


def admin_views(platform: PluginHost) -> list[AdminViewSpec]:
    return [
        AdminViewSpec(view_class=BoardView, slug="board", name=_l("Time-limit board"), permission="evaluation.sla.view",
                      category=CATEGORY),
        AdminViewSpec(view_class=ReportView, slug="report", name=_l("Supervision report"),
                      permission="evaluation.report.view", category=CATEGORY),
        AdminViewSpec(model=SlaEvent, permission="evaluation.sla.view", category=CATEGORY,
                      name=_l("Time-limit events"), read_only=True,
                      options={"column_formatters": {"request": _request_link("request")}}),
        AdminViewSpec(model=Survey, permission="evaluation.survey.view", category=CATEGORY,
                      name=_l("Satisfaction surveys"), read_only=True,
                      options={"column_exclude_list": ("token_hash",),
                               "column_formatters": {"request": _request_link("request")},
                               "column_details_exclude_list": ("token_hash",), "column_export_exclude_list": ("token_hash",)}),
        AdminViewSpec(model=Complaint, permission="evaluation.complaint.view", category=CATEGORY,
                      name=_l("Complaints"), read_only=True,
                      options={"column_formatters": {"case": _request_link("case"),
                                                     "concerns_request": _request_link("concerns_request")}}),
        AdminViewSpec(model=Committee, permission="evaluation.committee.manage", category=CATEGORY,
                      name=_l("Evaluation committees")),
        AdminViewSpec(model=CommitteeMember, permission="evaluation.committee.manage", category=CATEGORY,
                      name=_l("Committee members")),
        AdminViewSpec(model=Evaluation, permission="evaluation.evaluation.manage", category=CATEGORY,
                      name=_l("Evaluations")),
        AdminViewSpec(model=EvaluationScore, permission="evaluation.evaluation.manage", category=CATEGORY,
                      name=_l("Evaluation scores"), options={"can_edit": False, "can_delete": False}),
        AdminViewSpec(model=ImprovementAction, permission="evaluation.improvement.manage", category=CATEGORY,
                      name=_l("Improvement actions"), options={"can_delete": False}),
    ]
