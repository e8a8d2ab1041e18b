"""Financing plugin: banks, loan products, cases, expert scores, meetings, funds and their use (DB1302 6.4.4.2)."""
from peewee import *
from rongtong.core.fields import JSONField
from rongtong.core.fields import ListField


def up(migrator, db):
    class Attachment(Model):
        class Meta:
            database = db
            table_name = 'core_attachment'

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

    class Bank(Model):
        name = CharField(max_length=200)
        branch = CharField(max_length=200, default='')
        region = CharField(max_length=100, default='')
        contact_name = CharField(max_length=100, default='')
        contact_phone = CharField(max_length=50, default='')
        active = BooleanField(default=True)
        class Meta:
            database = db
            table_name = 'financing_bank'
    db.create_tables([Bank])

    class Case(Model):
        request = ForeignKeyField(ServiceRequest, unique=True, on_delete='RESTRICT')
        kind = CharField(null=True, max_length=8)
        amount = DecimalField(null=True, max_digits=14, decimal_places=2)
        purpose = TextField(default='')
        stage = CharField(max_length=16, default='')
        needs_summary = TextField(default='')
        survey = ForeignKeyField(Survey, null=True, on_delete='SET NULL')
        plan = TextField(default='')
        bp_summary = TextField(default='')
        bp_market = TextField(default='')
        bp_product = TextField(default='')
        bp_team = TextField(default='')
        bp_financials = TextField(default='')
        bp_attachment = ForeignKeyField(Attachment, null=True, on_delete='SET NULL')
        roadshow_plan = TextField(default='')
        loan_preparation = TextField(default='')
        classification = CharField(null=True, max_length=16)
        evaluation_comment = TextField(default='')
        recommended = JSONField(default=list)
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'financing_case'
    db.create_tables([Case])

    class ExpertScore(Model):
        case = ForeignKeyField(Case, on_delete='CASCADE')
        expert = ForeignKeyField(User, on_delete='RESTRICT')
        score = SmallIntegerField(null=True)
        comment = TextField(default='')
        scored_at = DateTimeField(null=True)
        class Meta:
            database = db
            table_name = 'financing_expertscore'
            indexes = ((('case', 'expert'), True),)
    db.create_tables([ExpertScore])

    class Fund(Model):
        case = ForeignKeyField(Case, on_delete='CASCADE')
        amount = DecimalField(max_digits=14, decimal_places=2)
        received_on = DateField(index=True)
        source_kind = CharField(max_length=16)
        source_name = CharField(max_length=200)
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'financing_fund'
    db.create_tables([Fund])

    class FundUse(Model):
        fund = ForeignKeyField(Fund, on_delete='CASCADE')
        used_on = DateField()
        amount = DecimalField(max_digits=14, decimal_places=2)
        purpose = CharField(max_length=300)
        class Meta:
            database = db
            table_name = 'financing_funduse'
    db.create_tables([FundUse])

    class LoanProduct(Model):
        bank = ForeignKeyField(Bank, on_delete='RESTRICT')
        name = CharField(max_length=200)
        min_amount = DecimalField(null=True, max_digits=14, decimal_places=2)
        max_amount = DecimalField(null=True, max_digits=14, decimal_places=2)
        max_term_months = IntegerField(null=True)
        rate_note = CharField(max_length=200, default='')
        collateral = CharField(max_length=200, default='')
        industries = ListField(max_length=500, default='')
        scales = ListField(max_length=100, default='')
        active = BooleanField(default=True)
        class Meta:
            database = db
            table_name = 'financing_loanproduct'
    db.create_tables([LoanProduct])

    class Meeting(Model):
        case = ForeignKeyField(Case, on_delete='CASCADE')
        kind = CharField(max_length=16)
        held_on = DateField()
        venue = CharField(max_length=200, default='')
        participants = JSONField(default=list)
        outcome = TextField()
        class Meta:
            database = db
            table_name = 'financing_meeting'
    db.create_tables([Meeting])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('financing_meeting'))
    migrator.migrate(migrator.drop_table('financing_loanproduct'))
    migrator.migrate(migrator.drop_table('financing_funduse'))
    migrator.migrate(migrator.drop_table('financing_fund'))
    migrator.migrate(migrator.drop_table('financing_expertscore'))
    migrator.migrate(migrator.drop_table('financing_case'))
    migrator.migrate(migrator.drop_table('financing_bank'))

