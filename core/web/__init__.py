"""Web surfaces: the app factory (:mod:`core.web.app`), auth, the staff admin (Flask-Admin), the REST
API, the portal. This package module imports nothing: the web kernel's modules live in it, and
importing one of them must not build the whole app (``from rongtong.core.web.app import create_app``)."""
