"""Training plugin: programmes, courses, sessions, registrations (waiting list, check-in),
attendee evaluations (DB1302 6.4.3)."""
from peewee import *
from rongtong.core.fields import JSONField


def up(migrator, db):
    class Enterprise(Model):
        class Meta:
            database = db
            table_name = 'core_enterprise'

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

    class TrainingProgramme(Model):
        request = ForeignKeyField(ServiceRequest, unique=True, on_delete='RESTRICT')
        survey = ForeignKeyField(Survey, null=True, on_delete='RESTRICT')
        needs_report = JSONField(null=True)
        conclusions = TextField(default='')
        plan = JSONField(null=True)
        notice = TextField(default='')
        channels = JSONField(default=list)
        published_at = DateTimeField(null=True)
        delivery = JSONField(null=True)
        evaluation = JSONField(null=True)
        created_at = DateTimeField()
        updated_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'training_programme'
    db.create_tables([TrainingProgramme])

    class TrainingCourse(Model):
        programme = ForeignKeyField(TrainingProgramme, on_delete='RESTRICT')
        topic = CharField(max_length=200)
        content = TextField()
        teachers = JSONField(default=list)
        materials = JSONField(default=list)
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'training_course'
    db.create_tables([TrainingCourse])

    class TrainingSession(Model):
        programme = ForeignKeyField(TrainingProgramme, on_delete='RESTRICT')
        title = CharField(max_length=200)
        starts_at = DateTimeField(index=True)
        ends_at = DateTimeField()
        venue = CharField(max_length=300)
        meeting_url = CharField(max_length=300, default='')
        capacity = IntegerField()
        published_at = DateTimeField(null=True)
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'training_session'
    db.create_tables([TrainingSession])

    class TrainingRegistration(Model):
        session = ForeignKeyField(TrainingSession, on_delete='RESTRICT')
        enterprise = ForeignKeyField(Enterprise, on_delete='RESTRICT')
        user = ForeignKeyField(User, on_delete='RESTRICT')
        status = CharField(max_length=16)
        note = CharField(max_length=300, default='')
        queued_at = DateTimeField()
        promoted_at = DateTimeField(null=True)
        cancelled_at = DateTimeField(null=True)
        checked_in_at = DateTimeField(null=True)
        checked_in_by = ForeignKeyField(User, null=True, on_delete='SET NULL')
        class Meta:
            database = db
            table_name = 'training_registration'
            indexes = ((('session', 'user'), True), (('session', 'status', 'queued_at'), False))
    db.create_tables([TrainingRegistration])

    class TrainingEvaluation(Model):
        registration = ForeignKeyField(TrainingRegistration, unique=True, on_delete='RESTRICT')
        satisfaction = IntegerField()
        usefulness = IntegerField()
        comment = TextField(default='')
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'training_evaluation'
    db.create_tables([TrainingEvaluation])

def down(migrator, db):
    migrator.migrate(migrator.drop_table('training_evaluation'))
    migrator.migrate(migrator.drop_table('training_registration'))
    migrator.migrate(migrator.drop_table('training_session'))
    migrator.migrate(migrator.drop_table('training_course'))
    migrator.migrate(migrator.drop_table('training_programme'))

