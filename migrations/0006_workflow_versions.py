"""Declared services (issue 11 §4): the workflow versions made from their files, so a request
keeps running on the version it started under after the file changed."""
from peewee import *


def up(migrator, db):
    class WorkflowVersion(Model):
        workflow_key = CharField(max_length=64)
        version = IntegerField()
        checksum = CharField(max_length=64)
        definition = TextField()
        source = CharField(max_length=500, default='')
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'core_workflowversion'
            indexes = ((('workflow_key', 'version'), True),)

    db.create_tables([WorkflowVersion])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('core_workflowversion'))
