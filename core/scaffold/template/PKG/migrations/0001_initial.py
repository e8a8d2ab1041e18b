"""${title_en}: cases."""
from peewee import *


def up(migrator, db):
    class ServiceRequest(Model):
        class Meta:
            database = db
            table_name = 'core_servicerequest'

    class Case(Model):
        request = ForeignKeyField(ServiceRequest, null=True, on_delete='RESTRICT')
        subject = CharField(max_length=200)
        advice = TextField(default='')
        created_at = DateTimeField()

        class Meta:
            database = db
            table_name = '${name}_case'
    db.create_tables([Case])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('${name}_case'))
