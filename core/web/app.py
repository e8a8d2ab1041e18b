"""``create_app(config)``: Flask + Flask-Babel + Flask-Login + Flask-WTF CSRF, the plugin manager
(one per app), the staff admin and the REST API."""
from __future__ import annotations

import secrets

from flask import Flask, g, request
from flask_babel import Babel
from flask_login import LoginManager, current_user
from flask_wtf.csrf import CSRFProtect

from core.config import Config, load_config
from core.plugins import unique
from core.platform import Platform


def current_platform() -> Platform:
    from flask import current_app

    return current_app.extensions["rongtong"]


def create_app(config: Config | None = None, platform: Platform | None = None, entry_points: dict | None = None) -> Flask:
    platform = platform or Platform(config or load_config(), entry_points)
    config = platform.config
    app = Flask("core", template_folder="templates", static_folder="static")
    app.extensions["rongtong"] = platform
    app.config.update(
        SECRET_KEY=config.get("site.secret_key") or secrets.token_hex(32),
        DEBUG=bool(config.get("site.debug")),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=bool(config.get("site.https")),
        BABEL_DEFAULT_LOCALE=config.get("locale", "zh_Hans_CN"),
        BABEL_DEFAULT_TIMEZONE=config.get("timezone", "Asia/Shanghai"),
        MAX_CONTENT_LENGTH=int(config.get("attachments.max_bytes", 10 * 1024 * 1024)) + 64 * 1024,
        WTF_CSRF_TIME_LIMIT=None,
    )
    Babel(app, locale_selector=_select_locale, timezone_selector=lambda: config.get("timezone"))
    CSRFProtect(app)
    login = LoginManager(app)
    login.login_view = "auth.login"

    from core.web import auth

    auth.init_auth(app, login)

    from core.web import api

    api.init_api(app, platform)

    from core.web import admin

    admin.init_admin(app, platform)

    from core.web import portal

    portal.init_portal(app, platform)

    blueprints = platform.registry.call("register_blueprints")
    unique("blueprint", ((o, bp.name) for o, bp in blueprints), reserved=app.blueprints.keys())
    for _owner, bp in blueprints:
        app.register_blueprint(bp)
    return app


def _select_locale():
    from flask import current_app

    lang = request.args.get("lang")
    if lang in ("en", "zh_Hans_CN"):
        return lang
    user = current_user
    if getattr(user, "is_authenticated", False) and getattr(user, "language", None):
        return user.language
    return current_app.config["BABEL_DEFAULT_LOCALE"]
