"""Technical services: institutions, shared equipment, bookings, assignments (DB1302 6.4.2)."""
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

    class Institution(Model):
        name = CharField(unique=True, max_length=200)
        qualifications = TextField(default='')
        capabilities = ListField(max_length=300, default='')
        contract_start = DateField()
        contract_end = DateField(index=True)
        contact_name = CharField(max_length=100, default='')
        contact_phone = CharField(max_length=50, default='')
        contact_email = CharField(max_length=200, default='')
        description = TextField(default='')
        active = BooleanField(index=True, default=True)
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'technical_institution'
    db.create_tables([Institution])

    class Assignment(Model):
        request = ForeignKeyField(ServiceRequest, unique=True, on_delete='RESTRICT')
        institution = ForeignKeyField(Institution, on_delete='RESTRICT')
        kind = CharField(max_length=32)
        plan = TextField(default='')
        candidates = JSONField(default=list)
        planned_by = ForeignKeyField(User, null=True, on_delete='SET NULL')
        planned_at = DateTimeField()
        records = TextField(default='')
        deliverables = JSONField(default=list)
        delivered_at = DateTimeField(null=True)
        score = IntegerField(null=True)
        comment = TextField(default='')
        evaluated_at = DateTimeField(null=True)
        class Meta:
            database = db
            table_name = 'technical_assignment'
    db.create_tables([Assignment])

    class Equipment(Model):
        name = CharField(max_length=200)
        model = CharField(max_length=200, default='')
        location = CharField(max_length=200, default='')
        institution = ForeignKeyField(Institution, null=True, on_delete='SET NULL')
        description = TextField(default='')
        active = BooleanField(index=True, default=True)
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'technical_equipment'
    db.create_tables([Equipment])

    class Booking(Model):
        equipment = ForeignKeyField(Equipment, on_delete='RESTRICT')
        enterprise = ForeignKeyField(Enterprise, on_delete='RESTRICT')
        starts_at = DateTimeField()
        ends_at = DateTimeField()
        purpose = CharField(max_length=300, default='')
        status = CharField(index=True, max_length=16, default='booked')
        booked_by = ForeignKeyField(User, null=True, on_delete='SET NULL')
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'technical_booking'
            indexes = ((('equipment', 'starts_at'), False),)
    db.create_tables([Booking])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('technical_booking'))
    migrator.migrate(migrator.drop_table('technical_equipment'))
    migrator.migrate(migrator.drop_table('technical_assignment'))
    migrator.migrate(migrator.drop_table('technical_institution'))
