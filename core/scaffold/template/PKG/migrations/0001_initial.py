"""${title_en}: cases."""
from peewee import *


def up(migrator, db):
    class ServiceRequest(Model):
        class Meta:
            database = db
            table_name = 'core_servicerequest'

    class Case(Model):
        request = ForeignKeyField(ServiceRequest, unique=True, on_delete='RESTRICT')
        subject = CharField(max_length=200)
        need = TextField(default='')
        advice = TextField(default='')
        satisfied = BooleanField(null=True)
        created_at = DateTimeField()
        updated_at = DateTimeField()

        class Meta:
            database = db
            table_name = '${name}_case'
    db.create_tables([Case])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('${name}_case'))
