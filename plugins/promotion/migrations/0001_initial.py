"""Promotion plugin: quality enterprises, products, annual plans, activities, registrations, negotiations (DB1302 6.4.5)."""
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

    class Survey(Model):
        class Meta:
            database = db
            table_name = 'core_survey'

    class User(Model):
        class Meta:
            database = db
            table_name = 'core_user'

    class AnnualPlan(Model):
        year = IntegerField(unique=True)
        title = CharField(max_length=200)
        budget = DecimalField(max_digits=14, decimal_places=2)
        notes = TextField(default='')
        class Meta:
            database = db
            table_name = 'promotion_annualplan'
    db.create_tables([AnnualPlan])

    class PlannedActivity(Model):
        plan = ForeignKeyField(AnnualPlan, on_delete='CASCADE')
        month = SmallIntegerField()
        kind = CharField(max_length=20)
        title = CharField(max_length=200)
        budget = DecimalField(max_digits=14, decimal_places=2)
        class Meta:
            database = db
            table_name = 'promotion_plannedactivity'
    db.create_tables([PlannedActivity])

    class Activity(Model):
        request = ForeignKeyField(ServiceRequest, unique=True, on_delete='RESTRICT')
        kind = CharField(null=True, max_length=20)
        title = CharField(max_length=200, default='')
        planned = ForeignKeyField(PlannedActivity, null=True, on_delete='SET NULL')
        needs_conclusions = TextField(default='')
        survey = ForeignKeyField(Survey, null=True, on_delete='SET NULL')
        invited = JSONField(default=list)
        starts_on = DateField(null=True)
        capacity = IntegerField(null=True)
        budget = DecimalField(null=True, max_digits=14, decimal_places=2)
        goals = TextField(default='')
        notice = TextField(default='')
        channels = JSONField(default=list)
        registration_deadline = DateField(null=True)
        experts = JSONField(default=list)
        venue = CharField(max_length=200, default='')
        equipment = JSONField(default=list)
        media = JSONField(default=list)
        held_on = DateField(null=True)
        attendance = IntegerField(null=True)
        event_notes = TextField(default='')
        analysis = TextField(default='')
        effect_score = SmallIntegerField(null=True)
        effect_evaluation = TextField(default='')
        improvements = TextField(default='')
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'promotion_activity'
    db.create_tables([Activity])

    class Negotiation(Model):
        activity = ForeignKeyField(Activity, on_delete='CASCADE')
        enterprise = ForeignKeyField(Enterprise, on_delete='RESTRICT')
        counterpart = CharField(max_length=200)
        subject = CharField(max_length=300)
        amount = DecimalField(null=True, max_digits=14, decimal_places=2)
        status = CharField(index=True, max_length=12, default='negotiating')
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'promotion_negotiation'
    db.create_tables([Negotiation])

    class NegotiationFollowUp(Model):
        negotiation = ForeignKeyField(Negotiation, on_delete='CASCADE')
        followed_on = DateField()
        progress = TextField()
        problems = TextField(default='')
        coordination = TextField(default='')
        recorded_by = ForeignKeyField(User, null=True, on_delete='SET NULL')
        class Meta:
            database = db
            table_name = 'promotion_negotiationfollowup'
    db.create_tables([NegotiationFollowUp])

    class QualityEnterprise(Model):
        enterprise = ForeignKeyField(Enterprise, unique=True, on_delete='RESTRICT')
        criteria = ListField(max_length=200)
        profile = TextField()
        selected_on = DateField()
        active = BooleanField(index=True, default=True)
        class Meta:
            database = db
            table_name = 'promotion_qualityenterprise'
    db.create_tables([QualityEnterprise])

    class Product(Model):
        owner = ForeignKeyField(QualityEnterprise, on_delete='CASCADE')
        name = CharField(max_length=200)
        category = CharField(max_length=100, default='')
        description = TextField(default='')
        class Meta:
            database = db
            table_name = 'promotion_product'
    db.create_tables([Product])

    class Registration(Model):
        activity = ForeignKeyField(Activity, on_delete='CASCADE')
        enterprise = ForeignKeyField(Enterprise, on_delete='RESTRICT')
        contact_name = CharField(max_length=100)
        contact_phone = CharField(max_length=50, default='')
        note = TextField(default='')
        status = CharField(index=True, max_length=10, default='pending')
        decision_reason = TextField(default='')
        decided_by = ForeignKeyField(User, null=True, on_delete='SET NULL')
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'promotion_registration'
            indexes = ((('activity', 'enterprise'), True),)
    db.create_tables([Registration])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('promotion_registration'))
    migrator.migrate(migrator.drop_table('promotion_product'))
    migrator.migrate(migrator.drop_table('promotion_qualityenterprise'))
    migrator.migrate(migrator.drop_table('promotion_negotiationfollowup'))
    migrator.migrate(migrator.drop_table('promotion_negotiation'))
    migrator.migrate(migrator.drop_table('promotion_activity'))
    migrator.migrate(migrator.drop_table('promotion_plannedactivity'))
    migrator.migrate(migrator.drop_table('promotion_annualplan'))

