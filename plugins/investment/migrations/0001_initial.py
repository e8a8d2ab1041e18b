"""Investment plugin: investors, projects, verification items, votes, follow-ups (DB1302 6.4.4.1)."""
from peewee import *
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

    class Investor(Model):
        name = CharField(max_length=200)
        kind = CharField(max_length=16, default='institution')
        industries = ListField(max_length=500, default='')
        stages = ListField(max_length=100, default='')
        ticket_min = DecimalField(null=True, max_digits=14, decimal_places=2)
        ticket_max = DecimalField(null=True, max_digits=14, decimal_places=2)
        regions = ListField(max_length=500, default='')
        contact_name = CharField(max_length=100, default='')
        contact_phone = CharField(max_length=50, default='')
        contact_email = CharField(max_length=200, default='')
        description = TextField(default='')
        active = BooleanField(index=True, default=True)
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'investment_investor'
    db.create_tables([Investor])

    class Project(Model):
        request = ForeignKeyField(ServiceRequest, unique=True, on_delete='RESTRICT')
        investor = ForeignKeyField(Investor, null=True, on_delete='RESTRICT')
        target = ForeignKeyField(Enterprise, null=True, on_delete='RESTRICT')
        needs_summary = TextField(default='')
        survey = ForeignKeyField(Survey, null=True, on_delete='SET NULL')
        prospects_score = SmallIntegerField(null=True)
        risk_score = SmallIntegerField(null=True)
        return_score = SmallIntegerField(null=True)
        expected_return_pct = DecimalField(null=True, max_digits=7, decimal_places=2)
        due_diligence_report = TextField(default='')
        agreed_amount = DecimalField(null=True, max_digits=14, decimal_places=2)
        agreement_terms = TextField(default='')
        signed_on = DateField(null=True)
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'investment_project'
    db.create_tables([Project])

    class CheckItem(Model):
        project = ForeignKeyField(Project, on_delete='CASCADE')
        item = CharField(max_length=200)
        verified = BooleanField(default=False)
        evidence = TextField(default='')
        class Meta:
            database = db
            table_name = 'investment_checkitem'
    db.create_tables([CheckItem])

    class FollowUp(Model):
        project = ForeignKeyField(Project, on_delete='CASCADE')
        period = CharField(max_length=10)
        revenue = DecimalField(null=True, max_digits=14, decimal_places=2)
        profit = DecimalField(null=True, max_digits=14, decimal_places=2)
        employees = IntegerField(null=True)
        note = TextField(default='')
        recorded_by = ForeignKeyField(User, null=True, on_delete='SET NULL')
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'investment_followup'
            indexes = ((('project', 'period'), True),)
    db.create_tables([FollowUp])

    class Vote(Model):
        project = ForeignKeyField(Project, on_delete='CASCADE')
        voter = CharField(max_length=100)
        vote = CharField(max_length=8)
        comment = TextField(default='')
        class Meta:
            database = db
            table_name = 'investment_vote'
            indexes = ((('project', 'voter'), True),)
    db.create_tables([Vote])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('investment_vote'))
    migrator.migrate(migrator.drop_table('investment_followup'))
    migrator.migrate(migrator.drop_table('investment_checkitem'))
    migrator.migrate(migrator.drop_table('investment_project'))
    migrator.migrate(migrator.drop_table('investment_investor'))

