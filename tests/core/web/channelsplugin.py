"""A tiny plugin for the portal tests: it only declares a ``complaints`` option table, the way
the evaluation plugin publishes complaint channels (DB1302 5.4.2)."""
from marshmallow import Schema, fields

from rongtong.core import hookimpl

VERSION = "1.0"
TITLE = "Channels (test)"
REQUIRES = ()


class Channels(Schema):
    phone = fields.String(load_default="")
    email = fields.String(load_default="")
    hours = fields.String(load_default="")


class Options(Schema):
    complaints = fields.Nested(Channels, load_default=dict)


@hookimpl
def declare_config():
    return Options
