"""The case file (issue 9): a message thread per request, attachments sent with a message or kept
internal, notifications tied to their event and request, the e-mail outbox, and the routing of
services to departments with a round-robin pointer (DB1302 5.1.2, 6.4.1.2 c)."""
from peewee import *


def up(migrator, db):
    class Department(Model):
        class Meta:
            database = db
            table_name = 'core_department'

    class User(Model):
        class Meta:
            database = db
            table_name = 'core_user'

    class ServiceRequest(Model):
        class Meta:
            database = db
            table_name = 'core_servicerequest'

    class Notification(Model):
        class Meta:
            database = db
            table_name = 'core_notification'

    migrator.migrate(
        migrator.add_column('core_department', 'last_assignee_id', IntegerField(null=True)),
        migrator.add_column('core_attachment', 'message_id', IntegerField(null=True)),
        migrator.add_column('core_attachment', 'internal', BooleanField(default=False)),
        migrator.add_column('core_notification', 'event', CharField(max_length=64, default='')),
        migrator.add_column('core_notification', 'request_id', IntegerField(null=True)),
        migrator.add_index('core_attachment', ('message_id',), False),
        migrator.add_index('core_notification', ('user_id', 'read_at'), False),
    )

    class RequestMessage(Model):
        request = ForeignKeyField(ServiceRequest, on_delete='RESTRICT')
        author = ForeignKeyField(User, null=True, on_delete='SET NULL')
        kind = CharField(max_length=16, default='message')
        body = TextField(default='')
        internal = BooleanField(default=False)
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'core_message'
            indexes = ((('request', 'created_at'), False),)

    class OutboxMessage(Model):
        notification = ForeignKeyField(Notification, on_delete='CASCADE')
        recipient = CharField(max_length=200)
        status = CharField(max_length=16, default='pending')
        attempts = IntegerField(default=0)
        next_attempt_at = DateTimeField()
        lease_until = DateTimeField(null=True)
        last_error = CharField(max_length=300, default='')
        created_at = DateTimeField()
        sent_at = DateTimeField(null=True)
        class Meta:
            database = db
            table_name = 'core_outbox'
            indexes = ((('status', 'next_attempt_at'), False),)

    class ServiceRoute(Model):
        service_key = CharField(max_length=64, unique=True)
        department = ForeignKeyField(Department, on_delete='CASCADE')
        class Meta:
            database = db
            table_name = 'core_serviceroute'

    db.create_tables([RequestMessage, OutboxMessage, ServiceRoute])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('core_serviceroute'))
    migrator.migrate(migrator.drop_table('core_outbox'))
    migrator.migrate(migrator.drop_table('core_message'))
