"""Information services: articles, pushes, consultations and their messages (DB1302 6.4.1)."""
from peewee import *
from rongtong.core.fields import JSONField
from rongtong.core.fields import ListField


def up(migrator, db):
    class Enterprise(Model):
        class Meta:
            database = db
            table_name = 'core_enterprise'

    class ServiceRequest(Model):
        class Meta:
            database = db
            table_name = 'core_servicerequest'

    class User(Model):
        class Meta:
            database = db
            table_name = 'core_user'

    class Article(Model):
        title = CharField(max_length=200)
        category = CharField(index=True, max_length=32)
        source = CharField(max_length=200, default='')
        source_url = CharField(max_length=500, default='')
        summary = TextField(default='')
        body = TextField(default='')
        body_html = TextField(default='')
        interpretation = TextField(default='')
        featured = BooleanField(index=True, default=False)
        status = CharField(index=True, max_length=16, default='draft')
        valid_until = DateField(index=True, null=True)
        target_industries = JSONField(default=list)
        target_scales = ListField(max_length=100, default='')
        published_at = DateTimeField(index=True, null=True)
        expired_at = DateTimeField(null=True)
        created_by = ForeignKeyField(User, null=True, on_delete='SET NULL')
        reviewed_by = ForeignKeyField(User, null=True, on_delete='SET NULL')
        created_at = DateTimeField()
        updated_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'information_article'
            indexes = ((('status', 'valid_until'), False),)
    db.create_tables([Article])

    class ArticlePush(Model):
        article = ForeignKeyField(Article, on_delete='RESTRICT')
        channel = CharField(max_length=16)
        pushed_at = DateTimeField(index=True)
        pushed_by = ForeignKeyField(User, null=True, on_delete='SET NULL')
        enterprises = IntegerField(default=0)
        recipients = IntegerField(default=0)
        note = CharField(max_length=300, default='')
        class Meta:
            database = db
            table_name = 'information_articlepush'
    db.create_tables([ArticlePush])

    class Consultation(Model):
        enterprise = ForeignKeyField(Enterprise, on_delete='RESTRICT')
        request = ForeignKeyField(ServiceRequest, unique=True, null=True, on_delete='RESTRICT')
        channel = CharField(index=True, max_length=16, default='online')
        category = CharField(index=True, max_length=32, default='other')
        subject = CharField(max_length=200)
        question = TextField()
        status = CharField(index=True, max_length=16, default='open')
        asked_by = ForeignKeyField(User, null=True, on_delete='SET NULL')
        opened_at = DateTimeField(index=True)
        clock_started_at = DateTimeField(null=True)
        due_at = DateTimeField(index=True, null=True)
        agreed_deadline = DateField(null=True)
        agreed_reason = TextField(default='')
        last_reply_at = DateTimeField(null=True)
        closed_at = DateTimeField(null=True)
        class Meta:
            database = db
            table_name = 'information_consultation'
    db.create_tables([Consultation])

    class ConsultationMessage(Model):
        consultation = ForeignKeyField(Consultation, on_delete='RESTRICT')
        side = CharField(max_length=16)
        author = ForeignKeyField(User, null=True, on_delete='SET NULL')
        body = TextField()
        created_at = DateTimeField(index=True)
        clock_started_at = DateTimeField(null=True)
        due_at = DateTimeField(null=True)
        on_time = BooleanField(null=True)
        reply_seconds = IntegerField(null=True)
        class Meta:
            database = db
            table_name = 'information_consultationmessage'
            indexes = ((('consultation', 'created_at'), False),)
    db.create_tables([ConsultationMessage])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('information_consultationmessage'))
    migrator.migrate(migrator.drop_table('information_consultation'))
    migrator.migrate(migrator.drop_table('information_articlepush'))
    migrator.migrate(migrator.drop_table('information_article'))
