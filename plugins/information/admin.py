"""Staff screens of the information plugin: articles (edited in the generated screen, moved along
the review workflow by bulk actions), pushes, consultations and their messages (read-only: the
thread is written through the API so the reply clock is kept), and the statistics page
(DB1302 6.4.1.2 d)."""
from __future__ import annotations

import datetime
import io

from flask import Response, abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_admin.actions import action

from rongtong.core.plugin import (ENTERPRISE_SCALES, AdminViewSpec, PluginHost, RongtongError, SecureBaseView,
                                  SecureModelView, acting_user, current_platform, gettext as _, get_scoped,
                                  lazy_gettext as _l, local_time, periods, tabular, utcnow)

from . import articles as art
from . import consultations as cs
from .models import (
    CONSULTATION_CATEGORIES,
    CONSULTATION_CHANNELS,
    Article,
    ArticlePush,
    Consultation,
    ConsultationMessage,
)
from .stats import consultation_stats, stats_rows

CATEGORY = _l("Information services")
# Set by the review workflow, the renderer or the system: never typed into the form.
ARTICLE_SYSTEM_FIELDS = ["status", "body_html", "published_at", "expired_at", "created_by", "reviewed_by",
                         "created_at", "updated_at"]


class ArticleView(SecureModelView):
    """Articles (DB1302 6.4.1.1 a). Status moves are bulk actions that follow the review workflow."""

    column_list = ["id", "title", "category", "status", "featured", "valid_until", "published_at", "source"]
    edit_permission = "information.article.edit"

    def on_model_change(self, form, model, is_created):
        if is_created:
            model.status = "draft"
            model.created_by = acting_user()
        elif model.status in ("published", "expired"):
            raise RongtongError(_("Published or expired articles are changed through their review workflow."))

    def _move(self, ids, to_status, permission):
        if not self.user_may(permission):
            flash(_("You may not do this."), "error")
            return
        done = 0
        for article in Article.select().where(Article.id.in_(self.scoped_ids(list(ids)))):
            try:
                art.move_article(article, to_status, acting_user(), reason=request.form.get("reason", "") or
                                 _("Returned from the admin list"), calendar=current_platform().calendar)
                done += 1
            except RongtongError as exc:
                flash(f"{article.title}: {exc.message}", "error")
        if done:
            flash(_("%(n)s article(s) moved to %(s)s.", n=done, s=to_status), "success")

    @action("submit_review", _l("Submit for review"))
    def action_review(self, ids):
        self._move(ids, "review", "information.article.edit")

    @action("publish", _l("Publish"))
    def action_publish(self, ids):
        self._move(ids, "published", "information.article.publish")

    @action("return_draft", _l("Return to draft"))
    def action_draft(self, ids):
        self._move(ids, "draft", "information.article.publish")

    @action("expire", _l("Expire"))
    def action_expire(self, ids):
        self._move(ids, "expired", "information.article.publish")


class StatsView(SecureBaseView):
    """Consultation statistics for a month, quarter, half year or year (DB1302 6.4.1.2 d)."""

    @expose("/")
    def index(self):
        platform = current_platform()
        raw = request.args.get("period") or periods.period_of(platform.calendar.local_date(utcnow()), "quarter").label
        error, stats = None, None
        try:
            stats = consultation_stats(periods.parse_period(raw), platform.calendar.tz)
        except periods.PeriodError as exc:
            error = exc.message
        return self.render("information/stats.html", period=raw, stats=stats, error=error, labels=_labels())

    @expose("/export")
    def export(self):
        """The statistics as CSV or XLSX (formulas neutralised by core.toolkit.tabular)."""
        fmt = request.args.get("format", "csv")
        if fmt not in ("csv", "xlsx"):
            abort(400)
        try:
            period = periods.parse_period(request.args.get("period", ""))
        except periods.PeriodError:
            abort(400)
        headers, rows = stats_rows(consultation_stats(period, current_platform().calendar.tz), _labels())
        buf = io.BytesIO()
        tabular.write_rows(headers, rows, fmt, buf, bom=fmt == "csv")
        return Response(buf.getvalue(), mimetype=tabular.MIMETYPES[fmt], headers={
            "Content-Disposition": f'attachment; filename="consultation-stats-{period.label}.{fmt}"'})


def _labels() -> dict:
    return {**dict(CONSULTATION_CATEGORIES), **dict(CONSULTATION_CHANNELS), **dict(ENTERPRISE_SCALES)}


class DeskView(SecureBaseView):
    """The consultation desk (DB1302 6.4.1.2 b, c): questions waiting for a reply, soonest due
    first; one page per consultation with the whole thread, a reply form, an agreed later
    deadline with its reason, and closing."""

    PAGE_SIZE = 100

    @expose("/")
    def index(self):
        waiting = list(Consultation.select().where(Consultation.status == "open")
                       .order_by(Consultation.due_at, Consultation.id).limit(self.PAGE_SIZE))
        recent = list(Consultation.select().where(Consultation.status != "open")
                      .order_by(Consultation.id.desc()).limit(20))
        return self.render("information/desk.html", waiting=waiting, recent=recent, now=utcnow(),
                           local_time=_local_time)

    def _load(self, consultation_id):
        c = get_scoped(Consultation, consultation_id, acting_user())
        if c is None:
            abort(404)
        return c

    @expose("/<int:consultation_id>/", methods=("GET", "POST"))
    def thread(self, consultation_id):
        c = self._load(consultation_id)
        if request.method == "POST":
            clock = cs.ReplyClock.of(current_platform())
            what = request.form.get("what", "")
            try:
                if what == "reply":
                    cs.add_message(clock, c, acting_user(), request.form.get("body", ""))
                elif what == "deadline":
                    try:
                        day = datetime.date.fromisoformat(request.form.get("deadline", ""))
                    except ValueError:
                        raise RongtongError(_("Give the agreed deadline as a date (YYYY-MM-DD)."))
                    cs.agree_deadline(clock, c, day, request.form.get("reason", ""), acting_user())
                elif what == "close":
                    cs.close_consultation(c, acting_user(), reason=request.form.get("reason", ""))
                else:
                    abort(400)
            except RongtongError as exc:
                details = " ".join(m for msgs in (exc.fields or {}).values() for m in msgs)
                flash(f"{exc.message} {details}".strip(), "error")
                return self._page(Consultation.get_by_id(c.id), status=exc.http_status)
            flash(_("Saved."), "success")
            return redirect(url_for(".thread", consultation_id=c.id), code=303)
        return self._page(c)

    def _page(self, c, status=200):
        return self.render("information/thread.html", c=c, messages=cs.thread(c), local_time=_local_time), status


def _local_time(moment):
    return local_time(moment) if moment else "-"


def admin_views(platform: PluginHost) -> list[AdminViewSpec]:
    return [
        AdminViewSpec(model=Article, view_class=ArticleView, permission="information.article.view", category=CATEGORY,
                      form_exclude=tuple(ARTICLE_SYSTEM_FIELDS)),
        AdminViewSpec(model=ArticlePush, permission="information.article.push", category=CATEGORY, read_only=True),
        AdminViewSpec(model=Consultation, permission="information.consultation.answer", category=CATEGORY,
                      read_only=True),
        AdminViewSpec(model=ConsultationMessage, permission="information.consultation.answer", category=CATEGORY,
                      read_only=True),
        AdminViewSpec(view_class=DeskView, slug="desk", name=_l("Consultation desk"),
                      permission="information.consultation.answer", category=CATEGORY),
        AdminViewSpec(view_class=StatsView, slug="stats", name=_l("Consultation statistics"),
                      permission="information.stats.view", category=CATEGORY),
    ]
