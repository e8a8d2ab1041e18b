"""Core schema: enterprises, departments, users, sessions, tokens, requests, transitions,
audit trail (append-only guards), attachments, notifications."""
from peewee import *
from rongtong.core.fields import JSONField
from rongtong.core.fields import ListField


def up(migrator, db):
    class Department(Model):
        key = CharField(unique=True, max_length=50)
        name = CharField(max_length=100)
        name_en = CharField(max_length=100, default='')
        duties = TextField(default='')
        class Meta:
            database = db
            table_name = 'core_department'
    db.create_tables([Department])

    class Enterprise(Model):
        name = CharField(max_length=200)
        credit_code = CharField(unique=True, max_length=18)
        scale = CharField(index=True, max_length=16)
        kind = CharField(index=True, max_length=16)
        industry = CharField(index=True, max_length=100, default='')
        region = CharField(index=True, max_length=100, default='')
        contact_name = CharField(max_length=100, default='')
        contact_phone = CharField(max_length=50, default='')
        contact_email = CharField(max_length=200, default='')
        address = CharField(max_length=300, default='')
        description = TextField(default='')
        status = CharField(index=True, max_length=16, default='applied')
        status_reason = TextField(default='')
        reviewed_at = DateTimeField(null=True)
        created_at = DateTimeField(index=True)
        updated_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'core_enterprise'
    db.create_tables([Enterprise])

    class User(Model):
        username = CharField(unique=True, max_length=80)
        display_name = CharField(max_length=100, default='')
        email = CharField(max_length=200, default='')
        phone = CharField(max_length=50, default='')
        password_hash = CharField(default='')
        roles = ListField(max_length=200, default='')
        department = ForeignKeyField(Department, null=True, on_delete='SET NULL')
        is_department_head = BooleanField(default=False)
        enterprise = ForeignKeyField(Enterprise, null=True, on_delete='RESTRICT')
        post = CharField(max_length=100, default='')
        qualifications = TextField(default='')
        active = BooleanField(index=True, default=True)
        language = CharField(max_length=16, default='zh_Hans_CN')
        created_at = DateTimeField()
        last_login_at = DateTimeField(null=True)
        class Meta:
            database = db
            table_name = 'core_user'
    db.create_tables([User])

    class ApiToken(Model):
        user = ForeignKeyField(User, on_delete='CASCADE')
        name = CharField(max_length=100, default='')
        prefix = CharField(max_length=12)
        token_hash = CharField(unique=True, max_length=64)
        created_at = DateTimeField()
        last_used_at = DateTimeField(null=True)
        revoked = BooleanField(default=False)
        class Meta:
            database = db
            table_name = 'core_apitoken'
    db.create_tables([ApiToken])

    class Attachment(Model):
        owner_type = CharField(max_length=64)
        owner_id = CharField(max_length=64)
        filename = CharField()
        content_hash = CharField(max_length=64)
        size = IntegerField()
        mime_type = CharField(max_length=100, default='application/octet-stream')
        description = CharField(max_length=300, default='')
        uploaded_by = ForeignKeyField(User, null=True, on_delete='SET NULL')
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'core_attachment'
            indexes = ((('owner_type', 'owner_id'), False),)
    db.create_tables([Attachment])

    class AuditEvent(Model):
        id = BigIntegerField(primary_key=True)
        created_at = DateTimeField()
        actor_id = IntegerField(index=True, null=True)
        actor_name = CharField(max_length=100, default='')
        action = CharField(max_length=32)
        object_type = CharField(max_length=64, default='')
        object_id = CharField(max_length=64, default='')
        data = TextField(default='{}')
        ip = CharField(max_length=64, default='')
        prev_hash = CharField(max_length=64)
        hash = CharField(max_length=64)
        class Meta:
            database = db
            table_name = 'core_auditevent'
            indexes = ((('object_type', 'object_id'), False), (('action', 'created_at'), False))
    db.create_tables([AuditEvent])

    class Notification(Model):
        user = ForeignKeyField(User, on_delete='CASCADE')
        kind = CharField(max_length=32, default='info')
        subject = CharField(max_length=200)
        body = TextField(default='')
        link = CharField(max_length=300, default='')
        dedupe_key = CharField(unique=True, null=True, max_length=200)
        created_at = DateTimeField(index=True)
        read_at = DateTimeField(null=True)
        emailed_at = DateTimeField(null=True)
        class Meta:
            database = db
            table_name = 'core_notification'
    db.create_tables([Notification])

    class ServiceRequest(Model):
        enterprise = ForeignKeyField(Enterprise, on_delete='RESTRICT')
        service_key = CharField(index=True, max_length=64)
        workflow_key = CharField(max_length=64)
        workflow_version = IntegerField(default=1)
        current_step = CharField(index=True, null=True, max_length=64)
        status = CharField(index=True, max_length=16, default='open')
        assignee = ForeignKeyField(User, null=True, on_delete='SET NULL')
        department = ForeignKeyField(Department, null=True, on_delete='SET NULL')
        created_by = ForeignKeyField(User, null=True, on_delete='SET NULL')
        title = CharField(max_length=200)
        description = TextField(default='')
        data = JSONField(default=dict)
        opened_at = DateTimeField(index=True)
        closed_at = DateTimeField(null=True)
        step_started_at = DateTimeField(null=True)
        due_at = DateTimeField(index=True, null=True)
        step_due_at = DateTimeField(index=True, null=True)
        paused_at = DateTimeField(null=True)
        version = IntegerField(default=1)
        class Meta:
            database = db
            table_name = 'core_servicerequest'
            indexes = ((('status', 'step_due_at'), False), (('enterprise', 'status'), False))
    db.create_tables([ServiceRequest])

    class Transition(Model):
        request = ForeignKeyField(ServiceRequest, on_delete='RESTRICT')
        from_step = CharField(null=True, max_length=64)
        to_step = CharField(null=True, max_length=64)
        outcome = CharField(max_length=16)
        actor = ForeignKeyField(User, null=True, on_delete='SET NULL')
        reason = TextField(default='')
        data = JSONField(default=dict)
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'core_transition'
            indexes = ((('request', 'created_at'), False),)
    db.create_tables([Transition])

    class UserSession(Model):
        sid = CharField(unique=True, max_length=64)
        user = ForeignKeyField(User, on_delete='CASCADE')
        created_at = DateTimeField()
        last_seen_at = DateTimeField()
        revoked_at = DateTimeField(null=True)
        ip = CharField(max_length=64, default='')
        user_agent = CharField(max_length=300, default='')
        class Meta:
            database = db
            table_name = 'core_usersession'
    db.create_tables([UserSession])

    # The audit trail is append-only: the database itself refuses UPDATE and DELETE.
    from rongtong.core.audit import install_guards
    install_guards(db)


def down(migrator, db):
    migrator.migrate(migrator.drop_table('core_usersession'))
    migrator.migrate(migrator.drop_table('core_transition'))
    migrator.migrate(migrator.drop_table('core_servicerequest'))
    migrator.migrate(migrator.drop_table('core_notification'))
    migrator.migrate(migrator.drop_table('core_auditevent'))
    migrator.migrate(migrator.drop_table('core_attachment'))
    migrator.migrate(migrator.drop_table('core_apitoken'))
    migrator.migrate(migrator.drop_table('core_user'))
    migrator.migrate(migrator.drop_table('core_enterprise'))
    migrator.migrate(migrator.drop_table('core_department'))
