"""Consultations: the reason for closing one without an answer (DB1302 6.4.1.2 b; issue 12)."""
# Generated from a schema diff on 2026-12-04 21:49.
from peewee import TextField

def up(migrator, db):
    migrator.migrate(migrator.add_column('information_consultation', 'close_reason', TextField(default='')))


def down(migrator, db):
    migrator.migrate(migrator.drop_column('information_consultation', 'close_reason'))
