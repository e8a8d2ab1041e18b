"""Authentication: login, logout, password change, login throttling, and who the current user is
(issue 3 §1; DB1302 5.3.2 secure operation, 6.4.1.2 c audit of logins).

Who is the current user (Flask-Login ``request_loader``, one place for every surface):

* a request carrying ``Authorization: Bearer <token>`` is authenticated by that token only
  (:func:`core.web.tokens.user_for_token`); a bad token means anonymous, never a fallback to the
  cookie;
* otherwise the server-side session named by the cookie's ``sid`` (:mod:`core.web.sessions`).

CSRF (see :func:`core.web.app.check_csrf`): every POST/PUT/PATCH/DELETE needs a Flask-WTF token
(form field ``csrf_token`` or header ``X-CSRFToken``) — except ``/api/`` requests authenticated by a
Bearer token, which carry no ambient browser credential.

Login throttling: after ``[security] login_max_failures`` failed logins for one account, or from one
IP address, within ``login_window_minutes``, further attempts get HTTP 429 (audited as
``login_throttled``) until the window has passed. Failures are the audit trail's ``login_failed``
events, so the count survives restarts and is shared by every worker.
"""
from __future__ import annotations

import datetime
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from werkzeug.security import check_password_hash, generate_password_hash
from wtforms import HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from rongtong.core import audit
from rongtong.core.db import database
from rongtong.core.i18n import _, lazy_gettext as _l
from rongtong.core.models import AuditEvent, User, utcnow
from rongtong.core.web import sessions, tokens
from rongtong.core.web.context import current_platform
from rongtong.core.web.errors import json_error

bp = Blueprint("auth", __name__)

MIN_PASSWORD_LENGTH = 8
_DUMMY_HASH = generate_password_hash("timing-equaliser")  # unknown users cost as much as known ones


platform = current_platform


def client_ip() -> str:
    return (request.remote_addr or "")[:64]


def bearer_token() -> str | None:
    """The raw token of an ``Authorization: Bearer`` header, or None."""
    header = request.headers.get("Authorization", "")
    if header[:7].lower() == "bearer ":
        return header[7:].strip()
    return None


def is_api_path(path: str | None = None) -> bool:
    path = request.path if path is None else path
    return path == "/api" or path.startswith("/api/")


# --- Safe redirects --------------------------------------------------------------------------------

def safe_next(target: str | None) -> str | None:
    """``target`` if it is a path on this site, else None (no open redirects).

    Accepted: ``/some/path?query``. Refused: absolute URLs, scheme-relative ``//host``, backslash
    tricks (browsers read ``/\\host`` as ``//host``), control characters."""
    if not target or not isinstance(target, str) or len(target) > 2000:
        return None
    if any(ord(c) < 32 or c == "\\" for c in target):
        return None
    if not target.startswith("/") or target.startswith("//"):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def home_for(user) -> str:
    """Where a user lands after login: staff-side users at the admin, enterprise users at their requests."""
    if user.has_role("admin", "staff", "expert", "evaluator") and "admin.index" in current_app.view_functions:
        return url_for("admin.index")
    if user.enterprise_id:
        return url_for("portal.my_requests")
    return url_for("portal.home")


# --- Forms -----------------------------------------------------------------------------------------

class LoginForm(FlaskForm):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=80)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])
    next = HiddenField()


class PasswordChangeForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()])
    new_password = PasswordField(_l("New password"), validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=200)])
    confirm = PasswordField(_l("Repeat the new password"),
                            validators=[DataRequired(), EqualTo("new_password", message=_l("The two new passwords differ."))])


# --- Throttling ------------------------------------------------------------------------------------

def _window(config) -> tuple[int, datetime.timedelta]:
    return (int(config.get("security.login_max_failures", 5)),
            datetime.timedelta(minutes=int(config.get("security.login_window_minutes", 15))))


def throttle_wait(username: str, ip: str, config) -> datetime.timedelta | None:
    """None if a login attempt may proceed; else how long until the window frees up."""
    limit, window = _window(config)
    now = sessions.clock()
    since = now - window
    base = AuditEvent.select(AuditEvent.created_at).where(
        (AuditEvent.action == "login_failed") & (AuditEvent.created_at >= since))
    waits = []
    for cond in ((AuditEvent.object_type == "login") & (AuditEvent.object_id == username[:64]),
                 (AuditEvent.ip == ip) if ip else None):
        if cond is None:
            continue
        stamps = [r.created_at for r in base.where(cond).order_by(AuditEvent.created_at.desc()).limit(limit)]
        if len(stamps) >= limit:
            waits.append(stamps[-1] + window - now)
    if not waits:
        return None
    return max(max(waits), datetime.timedelta(minutes=1))


# --- Views -----------------------------------------------------------------------------------------

@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    target = safe_next(request.values.get("next"))
    if request.method == "GET":
        form.next.data = target or ""
        return render_template("auth/login.html", form=form)
    config = platform().config
    username = (form.username.data or "").strip()
    ip = client_ip()
    if not form.validate():
        return render_template("auth/login.html", form=form), 400
    wait = throttle_wait(username, ip, config)
    if wait is not None:
        minutes = max(1, int(wait.total_seconds() // 60) + (1 if wait.total_seconds() % 60 else 0))
        record_throttled(username[:64], ip)
        message = _("Too many failed login attempts. Please wait %(minutes)s minutes and try again.", minutes=minutes)
        return render_template("auth/login.html", form=form, error=message), 429
    user = User.get_or_none(User.username == username)
    if user is not None:
        password_ok = user.check_password(form.password.data)
    else:
        check_password_hash(_DUMMY_HASH, form.password.data)  # same cost as a real check
        password_ok = False
    if user is None or not password_ok or not user.active:
        reason = "unknown_user" if user is None else ("bad_password" if not password_ok else "inactive")
        audit.record("login_failed", "login", username[:64], {"reason": reason}, actor=None, ip=ip)
        return render_template("auth/login.html", form=form, error=_("Invalid username or password.")), 401
    lang = session.get("lang")
    old_sid = session.get(sessions.SID_KEY)
    with database.atomic():
        sessions.revoke(old_sid)
        sid = sessions.start(user, ip, request.headers.get("User-Agent", ""), config)
        User.update(last_login_at=utcnow()).where(User.id == user.id).execute()
        audit.record("login", "core_user", user.id, {"username": user.username}, actor=user, ip=ip)
    session.clear()  # a fresh cookie: new sid, new CSRF token (no session fixation)
    session[sessions.SID_KEY] = sid
    if lang:
        session["lang"] = lang
    return redirect(safe_next(form.next.data) or home_for(user))


@bp.route("/logout", methods=["POST"])
def logout():
    """Log out (POST with CSRF only): the server-side session is revoked, so a copy of the cookie
    is worthless afterwards."""
    sid = session.get(sessions.SID_KEY)
    user = current_user if current_user.is_authenticated else None
    with database.atomic():
        sessions.revoke(sid)
        if user is not None:
            audit.record("logout", "core_user", user.id, {}, actor=user, ip=client_ip())
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    flash(_("You have been logged out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def password():
    """Change one's own password. Every other session of the user is revoked and this browser gets
    a new session id."""
    form = PasswordChangeForm()
    if request.method == "GET":
        return render_template("auth/password.html", form=form)
    user = User.get_by_id(current_user.id)
    if not form.validate():
        return render_template("auth/password.html", form=form), 400
    if not user.check_password(form.current_password.data):
        form.current_password.errors = [_("The current password is wrong.")]
        return render_template("auth/password.html", form=form), 400
    new = form.new_password.data
    if new == form.current_password.data or new.strip().lower() == user.username.lower():
        form.new_password.errors = [_("Choose a new password that differs from the current one and from your username.")]
        return render_template("auth/password.html", form=form), 400
    ip = client_ip()
    with database.atomic():
        user.set_password(new)
        User.update(password_hash=user.password_hash).where(User.id == user.id).execute()
        sessions.revoke_all(user)
        sid = sessions.start(user, ip, request.headers.get("User-Agent", ""))
        audit.record("password_change", "core_user", user.id, {}, actor=user, ip=ip)
    lang = session.get("lang")
    session.clear()
    session[sessions.SID_KEY] = sid
    if lang:
        session["lang"] = lang
    flash(_("Your password has been changed. Other sessions have been logged out."), "success")
    return redirect(home_for(user))


# --- Wiring ----------------------------------------------------------------------------------------

def _load_user(req):
    token = bearer_token()
    if token is not None:  # the token alone decides (the API relies on this: core.web.api.auth)
        user = tokens.user_for_token(token)
        return user if user is not None and user.active else None
    return sessions.resolve(session.get(sessions.SID_KEY), platform().config)


def _unauthorized():
    if is_api_path():
        return json_error(401, "unauthenticated", _("Authentication required: log in or send an API token."))
    target = request.full_path if request.query_string else request.path
    flash(_("Please log in to continue."), "info")
    return redirect(url_for("auth.login", next=safe_next(target) or None))


def _attribute_audit():
    """Audit events recorded while handling this request name the current user and IP. (The API
    resolves its caller itself — token or session — and attributes its own events.)"""
    if request.endpoint in (None, "static") or (request.endpoint or "").endswith(".static") or is_api_path():
        return
    user = current_user._get_current_object() if current_user.is_authenticated else None
    ctx = audit.acting_as(user, client_ip())
    ctx.__enter__()
    g._rongtong_acting = ctx


def _end_attribution(exc=None):
    ctx = g.pop("_rongtong_acting", None)
    if ctx is not None:
        ctx.__exit__(None, None, None)


def init_auth(app, login_manager) -> None:
    login_manager.request_loader(_load_user)
    login_manager.unauthorized_handler(_unauthorized)
    login_manager.session_protection = None  # the server-side session is the protection
    app.register_blueprint(bp)
    app.before_request(_attribute_audit)
    app.teardown_request(_end_attribution)

    @app.context_processor
    def _auth_context():
        return {"current_user": current_user}


def record_throttled(username: str, ip: str) -> None:
    """Audit a refused (throttled) attempt — once a minute per account and address, so a flood of
    blocked attempts cannot flood the audit trail."""
    recent = (AuditEvent.select().where((AuditEvent.action == "login_throttled")
                                        & (AuditEvent.created_at >= utcnow() - datetime.timedelta(minutes=1))
                                        & (AuditEvent.object_id == username) & (AuditEvent.ip == (ip or "")))
              .exists())
    if not recent:
        audit.record("login_throttled", "login", username, {}, actor=None, ip=ip)
