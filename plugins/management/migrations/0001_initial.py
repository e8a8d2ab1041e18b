"""Management improvement plugin: projects and their assigned experts (DB1302 6.4.6)."""
from peewee import *
from rongtong.core.fields import JSONField


def up(migrator, db):
    class ServiceRequest(Model):
        class Meta:
            database = db
            table_name = 'core_servicerequest'

    class Survey(Model):
        class Meta:
            database = db
            table_name = 'core_survey'

    class User(Model):
        class Meta:
            database = db
            table_name = 'core_user'

    class ManagementProject(Model):
        request = ForeignKeyField(ServiceRequest, unique=True, on_delete='RESTRICT')
        area = CharField(index=True, max_length=16, default='')
        survey = ForeignKeyField(Survey, null=True, on_delete='RESTRICT')
        needs_report = JSONField(null=True)
        conclusions = TextField(default='')
        plan = JSONField(null=True)
        implementation = JSONField(null=True)
        evaluation = JSONField(null=True)
        created_at = DateTimeField()
        updated_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'management_project'
    db.create_tables([ManagementProject])

    class ManagementExpert(Model):
        project = ForeignKeyField(ManagementProject, on_delete='RESTRICT')
        expert = ForeignKeyField(User, on_delete='RESTRICT')
        lead = BooleanField(default=False)
        assigned_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'management_expert'
            indexes = ((('project', 'expert'), True),)
    db.create_tables([ManagementExpert])

def down(migrator, db):
    migrator.migrate(migrator.drop_table('management_expert'))
    migrator.migrate(migrator.drop_table('management_project'))

