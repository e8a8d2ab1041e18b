"""Routing (issue 9 §4, DB1302 5.1.2): indexes for the staff inbox's queues — mine, my
department's, my department's unassigned — each read in step-deadline order with a LIMIT, so a
department with 100,000 open requests answers at once (bench/inbox_department.py). Named
explicitly (see core.models.QUEUE_INDEXES): a generated name would pass PostgreSQL's 63 characters."""
from peewee import *

INDEXES = {
    'core_servicerequest_queue_mine': ('assignee_id', 'status', 'step_due_at'),
    'core_servicerequest_queue_department': ('department_id', 'status', 'step_due_at'),
    'core_servicerequest_queue_unassigned': ('department_id', 'assignee_id', 'status', 'step_due_at'),
}


def up(migrator, db):
    for name, columns in INDEXES.items():
        db.execute_sql('CREATE INDEX "%s" ON "core_servicerequest" (%s)' % (name, ', '.join('"%s"' % c for c in columns)))


def down(migrator, db):
    for name in reversed(list(INDEXES)):
        db.execute_sql('DROP INDEX "%s"' % name)
