"""Statements on the notification hot path, written once per database kind.

A notice is written inside every transition that concerns the enterprise; peewee writing the SQL
of each insert and select again costs more than running it (bench/notify_transition_cpu.py, the
same finding as core/workflow.py and core/audit.py)."""
from __future__ import annotations

from rongtong.core.db import database, is_postgres

_statements: dict = {}


def insert(model, row: dict) -> int:
    """``INSERT INTO <model's table> (<row's columns>) VALUES (...)``; returns the new id."""
    names = tuple(row)
    postgres = is_postgres()
    key = (database.obj.param, postgres, model, names)
    sql = _statements.get(key)
    if sql is None:
        fields = [model._meta.fields[name] for name in names]
        columns = ", ".join(f'"{f.column_name}"' for f in fields)
        sql = (f'INSERT INTO "{model._meta.table_name}" ({columns}) '
               f'VALUES ({", ".join([database.obj.param] * len(names))})')
        if postgres:
            sql += ' RETURNING "id"'
        _statements[key] = sql
    values = [model._meta.fields[name].db_value(value) for name, value in row.items()]
    cursor = database.execute_sql(sql, values)
    return cursor.fetchone()[0] if postgres else cursor.lastrowid

