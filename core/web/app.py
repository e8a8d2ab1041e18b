"""``create_app(config)``: Flask + Flask-Babel + Flask-Login + Flask-WTF CSRF, the plugin manager
(one per app, inside :class:`core.platform.Platform`), the staff admin, the REST API and the portal
(issue 3 §1).

Security decisions made here, once for every surface:

* Sessions are server-side (:mod:`core.web.sessions`); the cookie is HttpOnly, SameSite=Lax and
  Secure when ``site.https`` is true.
* CSRF: :func:`check_csrf` runs before every view. Every POST/PUT/PATCH/DELETE must carry a Flask-WTF
  token (form field ``csrf_token`` or header ``X-CSRFToken``; templates call ``csrf_token()``),
  except requests under ``/api/`` that carry ``Authorization: Bearer`` — those are authenticated by
  the token alone (see :mod:`core.web.auth`), and a browser never attaches such a header on its
  own. A session-authenticated API write therefore needs the ``X-CSRFToken`` header.
  Views or blueprints with their own CSRF protection (e.g. Flask-Admin ``SecureForm``) may be
  excluded with ``app.extensions["csrf"].exempt(blueprint_or_view)``.
* Language: ``?lang=en`` / ``?lang=zh_Hans_CN`` on any page switches and is remembered in the
  session; then the user's preference (``User.language``); then ``locale`` from config (Chinese).
* Debug (tracebacks) only when ``site.debug`` is true; errors render generic pages or JSON.
"""
from __future__ import annotations

import datetime
import os
import secrets

from flask import Flask, abort, current_app, request, session
from flask_babel import Babel
from flask_login import LoginManager, current_user
from flask_wtf.csrf import CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix

from rongtong.core.checks import check_schema
from rongtong.core.config import Config, load_config
from rongtong.core.errors import PluginError
from rongtong.core.i18n import translation_directories
from rongtong.core.platform import Platform
from rongtong.core.registry import unique
from rongtong.core.routing import warn_about_config
from rongtong.core.vocabulary import describe_model, overdue_text
from rongtong.core.web import admin, api, auth, errors, headers, portal
from rongtong.core.web.context import EXTENSION, LANGS, current_lang, current_platform

__all__ = ["create_app", "current_lang", "current_platform", "LANGS"]  # the accessors live in core.web.context


def create_app(config: Config | None = None, platform: Platform | None = None, entry_points: dict | None = None) -> Flask:
    platform = platform or Platform(config or load_config(), entry_points)
    check_schema(platform)  # an enabled plugin without its tables is refused in one line (core/checks.py)
    config = platform.config
    # The instance path is given because Flask cannot find one for a package inside the ``rongtong``
    # namespace; the platform keeps nothing there (files go where ``[attachments]`` says).
    app = Flask("rongtong.core", template_folder="templates", static_folder="static",
                instance_path=os.path.abspath("instance"))
    app.extensions[EXTENSION] = platform
    app.config.update(
        SECRET_KEY=config.get("site.secret_key") or secrets.token_hex(32),
        DEBUG=bool(config.get("site.debug")),
        SESSION_COOKIE_NAME="rongtong_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=bool(config.get("site.https")),
        BABEL_DEFAULT_LOCALE=config.get("locale", "zh_Hans_CN"),
        BABEL_DEFAULT_TIMEZONE=config.get("timezone", "Asia/Shanghai"),
        MAX_CONTENT_LENGTH=int(config.get("attachments.max_bytes", 10 * 1024 * 1024)) + 64 * 1024,
        WTF_CSRF_TIME_LIMIT=None,
        WTF_CSRF_CHECK_DEFAULT=False,  # check_csrf below decides, with the Bearer exemption
    )
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = ";".join(translation_directories(platform.registry.plugins))
    app.debug = bool(config.get("site.debug"))
    app.json.ensure_ascii = False
    Babel(app, locale_selector=_select_locale, timezone_selector=lambda: config.get("timezone"))
    csrf = CSRFProtect(app)
    app.before_request(refuse_control_characters)
    app.before_request(_remember_language)
    app.before_request(check_csrf)

    login = LoginManager(app)
    login.login_view = "auth.login"

    headers.init_headers(app)
    errors.init_errors(app)
    auth.init_auth(app, login)
    _init_templates(app, platform)
    api.init_api(app, platform)
    admin.init_admin(app, platform)
    warn_about_config(config)  # departments named in [routing] that do not exist (a warning: they are rows)

    portal.init_portal(app, platform)

    blueprints = platform.registry.call("register_blueprints")
    unique("blueprint", ((o, bp.name) for o, bp in blueprints), reserved=app.blueprints.keys())
    for _owner, bp in blueprints:
        app.register_blueprint(bp)
    links = platform.registry.call("register_portal_links")
    unique("portal link", ((o, link.endpoint) for o, link in links))
    for owner, link in links:
        if link.endpoint not in app.view_functions:
            raise PluginError(f"plugin {owner!r}: portal link to unknown endpoint {link.endpoint!r}")
    app.jinja_env.globals["portal_links"] = sorted((link for _o, link in links), key=lambda l: (l.order, l.endpoint))
    app.extensions["csrf"] = csrf
    hops = int(config.get("server.trusted_proxies", 0) or 0)
    if hops:  # behind a reverse proxy: take the client's address (login throttling, audit) from it
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    return app


def check_csrf():
    """CSRF for every state-changing request, except Bearer-token API calls (see module doc)."""
    if not current_app.config.get("WTF_CSRF_ENABLED", True):
        return
    if request.method not in current_app.config["WTF_CSRF_METHODS"]:
        return
    path = request.path
    if (path == "/api" or path.startswith("/api/")) and request.headers.get("Authorization", "")[:7].lower() == "bearer ":
        return
    current_app.extensions["csrf"].protect(apply_exemptions=True)


def refuse_control_characters():
    """A NUL byte in a query or form value is never legitimate and PostgreSQL cannot store it:
    answer 400 up front instead of failing half-way (every surface; JSON bodies are the API's)."""
    sources = [request.args] + ([request.form] if request.mimetype in FORM_TYPES else [])
    for values in sources:
        for key, value in values.items(multi=True):
            if "\x00" in key or "\x00" in value:
                abort(400)


FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _remember_language():
    lang = request.args.get("lang")
    if lang in LANGS and session.get("lang") != lang:
        session["lang"] = lang


def _select_locale():
    lang = request.args.get("lang")
    if lang in LANGS:
        return lang
    if session.get("lang") in LANGS:
        return session["lang"]
    user = current_user
    if getattr(user, "is_authenticated", False) and getattr(user, "language", None) in LANGS:
        return user.language
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def _init_templates(app: Flask, platform: Platform) -> None:
    tz = platform.config.tz

    def localtime(value, fmt="%Y-%m-%d %H:%M"):
        """A stored naive-UTC timestamp shown in the site's time zone."""
        if value is None:
            return ""
        if isinstance(value, datetime.datetime):
            return value.replace(tzinfo=datetime.timezone.utc).astimezone(tz).strftime(fmt)
        return str(value)

    def label(obj, attr="title"):
        """The English or Chinese label of a workflow, step, service or department."""
        if obj is None:
            return ""
        en = getattr(obj, f"{attr}_en", "")
        return en if current_lang() == "en" and en else getattr(obj, attr, "")

    def column_text(row, name: str) -> str:
        """A model column's value as a person reads it, from the field vocabulary (issue 9 §1):
        ``{{ column_text(consultation, 'channel') }}`` gives 在线 / Online, never ``online`` —
        choice labels, 是/否, times in the site's zone, amounts with their unit."""
        spec = describe_model(type(row)).get(name)
        value = getattr(row, name, None)
        return spec.display(value, current_lang(), tz) if spec is not None else str(value if value is not None else "")

    app.jinja_env.filters["localtime"] = localtime
    app.jinja_env.globals["overdue_text"] = overdue_text  # "超期 3 个工作日", never a negative count
    app.jinja_env.globals["column_text"] = column_text
    app.jinja_env.globals.update(label=label, current_lang=current_lang, site_name=platform.config.get("site.name", "Rongtong"),
                                 has_endpoint=lambda endpoint: endpoint in app.view_functions)
