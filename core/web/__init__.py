"""Web surfaces: the app factory, auth, the staff admin (Flask-Admin), the REST API, the portal."""
from rongtong.core.web.app import create_app

__all__ = ["create_app"]
