"""Evaluation plugin: time-limit events, surveys, committees, evaluations, complaints, improvement actions."""
from peewee import *
from rongtong.core.fields import ListField


def up(migrator, db):
    class Department(Model):
        class Meta:
            database = db
            table_name = 'core_department'

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

    class Committee(Model):
        name = CharField(max_length=200)
        kind = CharField(max_length=16)
        description = TextField(default='')
        active = BooleanField(default=True)
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'evaluation_committee'
    db.create_tables([Committee])

    class CommitteeMember(Model):
        committee = ForeignKeyField(Committee, on_delete='CASCADE')
        user = ForeignKeyField(User, null=True, on_delete='SET NULL')
        name = CharField(max_length=100)
        organisation = CharField(max_length=200, default='')
        external = BooleanField(default=False)
        role = CharField(max_length=16, default='member')
        declared_at = DateTimeField(null=True)
        has_conflict = BooleanField(default=False)
        conflict_statement = TextField(default='')
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'evaluation_committeemember'
    db.create_tables([CommitteeMember])

    class Evaluation(Model):
        committee = ForeignKeyField(Committee, on_delete='RESTRICT')
        title = CharField(max_length=200)
        methods = ListField(max_length=100)
        scope_kind = CharField(max_length=16)
        scope_service = CharField(max_length=64, default='')
        scope_period = CharField(max_length=16, default='')
        scope_institution_id = IntegerField(null=True)
        scope_institution_name = CharField(max_length=200, default='')
        status = CharField(index=True, max_length=16, default='planned')
        findings = TextField(default='')
        score = DecimalField(null=True, max_digits=5, decimal_places=2)
        started_on = DateField(null=True)
        finished_at = DateTimeField(null=True)
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'evaluation_evaluation'
    db.create_tables([Evaluation])

    class Survey(Model):
        request = ForeignKeyField(ServiceRequest, unique=True, on_delete='CASCADE')
        token_hash = CharField(unique=True, max_length=64)
        expires_at = DateTimeField()
        institution_id = IntegerField(index=True, null=True)
        institution_name = CharField(max_length=200, default='')
        staff_grade = CharField(index=True, null=True, max_length=24)
        staff_reason = TextField(default='')
        institution_grade = CharField(null=True, max_length=24)
        institution_reason = TextField(default='')
        comment = TextField(default='')
        answered_at = DateTimeField(index=True, null=True)
        answered_by = ForeignKeyField(User, null=True, on_delete='SET NULL')
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'evaluation_survey'
    db.create_tables([Survey])

    class Complaint(Model):
        case = ForeignKeyField(ServiceRequest, unique=True, on_delete='CASCADE')
        enterprise = ForeignKeyField(Enterprise, on_delete='RESTRICT')
        concerns_request = ForeignKeyField(ServiceRequest, null=True, on_delete='SET NULL', backref='+')
        concerns_evaluation = ForeignKeyField(Evaluation, null=True, on_delete='SET NULL')
        survey = ForeignKeyField(Survey, null=True, on_delete='SET NULL')
        channel = CharField(max_length=16)
        complainant = CharField(max_length=100, default='')
        contact = CharField(max_length=200, default='')
        description = TextField()
        substantiated = BooleanField(null=True)
        findings = TextField(default='')
        rectification = TextField(default='')
        rectify_deadline = DateField(null=True)
        response = TextField(default='')
        verdict = CharField(null=True, max_length=16)
        explanation = TextField(default='')
        appealed = BooleanField(default=False)
        appeal_decision = TextField(default='')
        received_at = DateTimeField(index=True)
        closed_at = DateTimeField(index=True, null=True)
        class Meta:
            database = db
            table_name = 'evaluation_complaint'
    db.create_tables([Complaint])

    class EvaluationScore(Model):
        evaluation = ForeignKeyField(Evaluation, on_delete='CASCADE')
        member = ForeignKeyField(CommitteeMember, on_delete='RESTRICT')
        criterion = CharField(max_length=100)
        score = DecimalField(max_digits=5, decimal_places=2)
        comment = TextField(default='')
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'evaluation_evaluationscore'
            indexes = ((('evaluation', 'member', 'criterion'), True),)
    db.create_tables([EvaluationScore])

    class ImprovementAction(Model):
        source = CharField(max_length=16)
        evaluation = ForeignKeyField(Evaluation, null=True, on_delete='SET NULL')
        complaint = ForeignKeyField(Complaint, null=True, on_delete='SET NULL')
        source_note = CharField(max_length=300, default='')
        finding = TextField()
        cause_analysis = TextField(default='')
        measure = TextField(default='')
        method = TextField(default='')
        owner = ForeignKeyField(User, null=True, on_delete='SET NULL')
        deadline = DateField(index=True, null=True)
        stage = CharField(index=True, max_length=16, default='plan')
        done_note = TextField(default='')
        verification = TextField(default='')
        effective = BooleanField(null=True)
        verified_at = DateTimeField(null=True)
        verified_by = ForeignKeyField(User, null=True, on_delete='SET NULL', backref='+')
        created_at = DateTimeField(index=True)
        closed_at = DateTimeField(index=True, null=True)
        class Meta:
            database = db
            table_name = 'evaluation_improvementaction'
    db.create_tables([ImprovementAction])

    class SlaEvent(Model):
        request = ForeignKeyField(ServiceRequest, on_delete='CASCADE')
        step = CharField(max_length=64)
        step_started_at = DateTimeField()
        level = CharField(index=True, max_length=16)
        step_due_at = DateTimeField(null=True)
        service_key = CharField(index=True, max_length=64)
        department = ForeignKeyField(Department, null=True, on_delete='SET NULL')
        notified = IntegerField(default=0)
        created_at = DateTimeField(index=True)
        class Meta:
            database = db
            table_name = 'evaluation_slaevent'
            indexes = ((('request', 'step', 'step_started_at', 'level'), True),)
    db.create_tables([SlaEvent])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('evaluation_slaevent'))
    migrator.migrate(migrator.drop_table('evaluation_improvementaction'))
    migrator.migrate(migrator.drop_table('evaluation_evaluationscore'))
    migrator.migrate(migrator.drop_table('evaluation_complaint'))
    migrator.migrate(migrator.drop_table('evaluation_survey'))
    migrator.migrate(migrator.drop_table('evaluation_evaluation'))
    migrator.migrate(migrator.drop_table('evaluation_committeemember'))
    migrator.migrate(migrator.drop_table('evaluation_committee'))

