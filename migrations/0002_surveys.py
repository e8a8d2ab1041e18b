"""Needs surveys (core.toolkit.surveys; DB1302 6.4.3 a, 6.4.4.1 a, 6.4.4.2 a, 6.4.5 a, 6.4.6 a):
surveys, invitations, answers."""
from peewee import *
from rongtong.core.fields import JSONField


def up(migrator, db):
    class Enterprise(Model):
        class Meta:
            database = db
            table_name = 'core_enterprise'

    class User(Model):
        class Meta:
            database = db
            table_name = 'core_user'

    class Survey(Model):
        owner = CharField(index=True, max_length=64)
        topic = CharField(max_length=100, default='')
        title = CharField(max_length=200)
        description = TextField(default='')
        questions = JSONField(default=list)
        status = CharField(index=True, max_length=16, default='open')
        created_by = ForeignKeyField(User, null=True, on_delete='SET NULL')
        created_at = DateTimeField()
        closed_at = DateTimeField(null=True)
        class Meta:
            database = db
            table_name = 'core_survey'
    db.create_tables([Survey])

    class SurveyAnswer(Model):
        survey = ForeignKeyField(Survey, on_delete='RESTRICT')
        enterprise = ForeignKeyField(Enterprise, on_delete='RESTRICT')
        answered_by = ForeignKeyField(User, null=True, on_delete='SET NULL')
        answers = JSONField(default=dict)
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'core_surveyanswer'
            indexes = ((('survey', 'enterprise'), True),)
    db.create_tables([SurveyAnswer])

    class SurveyInvitation(Model):
        survey = ForeignKeyField(Survey, on_delete='RESTRICT')
        enterprise = ForeignKeyField(Enterprise, on_delete='RESTRICT')
        token_hash = CharField(unique=True, max_length=64)
        sent_at = DateTimeField()
        answered_at = DateTimeField(null=True)
        class Meta:
            database = db
            table_name = 'core_surveyinvitation'
            indexes = ((('survey', 'enterprise'), True),)
    db.create_tables([SurveyInvitation])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('core_surveyinvitation'))
    migrator.migrate(migrator.drop_table('core_surveyanswer'))
    migrator.migrate(migrator.drop_table('core_survey'))
