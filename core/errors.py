"""Errors the core raises for user mistakes.

Every one of them carries a message fit to show a user as it is; surfaces (CLI, HTTP) turn them into
exit code 2 or a 4xx response, never a traceback.
"""


class RongtongError(Exception):
    """Base of every error meant for a user, not a developer."""

    exit_code = 1
    http_status = 400
    code = "error"

    def __init__(self, message, fields=None):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class ConfigError(RongtongError):
    """The configuration file or environment is wrong (exit 2)."""

    exit_code = 2
    code = "config_error"


class PluginError(RongtongError):
    """A plugin is unknown, broken, or clashes with another (exit 2)."""

    exit_code = 2
    code = "plugin_error"


class ValidationFailed(RongtongError):
    """Input data failed validation; ``fields`` maps field name to messages (HTTP 422)."""

    exit_code = 2
    http_status = 422
    code = "invalid"


class PermissionDenied(RongtongError):
    """The actor may not do this (HTTP 403)."""

    http_status = 403
    code = "forbidden"


class NotFound(RongtongError):
    """The object does not exist or is outside the caller's scope (HTTP 404)."""

    http_status = 404
    code = "not_found"


class Conflict(RongtongError):
    """Someone else changed the object first (optimistic locking; HTTP 409)."""

    http_status = 409
    code = "conflict"


class WorkflowError(RongtongError):
    """The requested transition is not allowed in the request's current state (HTTP 409)."""

    http_status = 409
    code = "invalid_transition"


class PlatformError(RongtongError):
    """A platform used after a newer platform of the same process took over the database binding
    for another database (see :mod:`core.platform`)."""

    code = "platform_replaced"
