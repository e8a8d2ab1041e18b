"""``rongtong serve``: gunicorn with the app factory, bind and workers from config or flags."""
from __future__ import annotations

import os

from gunicorn.app.base import BaseApplication

from rongtong.core.config import load_config
from rongtong.core.web.app import create_app


def serve(config, config_path, bind=None, workers=None):
    bind = bind or config.get("server.bind", "127.0.0.1:8000")
    workers = workers or config.get("server.workers", 2)
    if config_path:
        os.environ["RONGTONG_CONFIG"] = str(config_path)

    class RongtongApplication(BaseApplication):
        def load_config(self):
            self.cfg.set("bind", bind)
            self.cfg.set("workers", workers)
            self.cfg.set("accesslog", "-")

        def load(self):
            return create_app(load_config(config_path))

    RongtongApplication().run()


def wsgi_app():
    """WSGI entry for external servers: ``gunicorn 'rongtong.core.serving:wsgi_app()'``."""
    return create_app()
