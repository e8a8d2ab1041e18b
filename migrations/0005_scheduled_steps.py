"""Scheduled step clocks (DB1302 5.4.1: the promise and the clock agree): the date a step waits
for (a promotion event, a training session, a meeting), stored on the transition that enters it
(``core.workflow.Step.schedule_from``, ``compute_clock``)."""
from peewee import DateField


def up(migrator, db):
    migrator.migrate(
        migrator.add_column('core_transition', 'scheduled_for', DateField(null=True)),
    )


def down(migrator, db):
    migrator.migrate(
        migrator.drop_column('core_transition', 'scheduled_for'),
    )
