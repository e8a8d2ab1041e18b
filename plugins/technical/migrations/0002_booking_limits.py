"""Booking limits per shared device (issue 12): opening hours, working days only, the longest
booking, the booking horizon and the open bookings one enterprise may hold."""
import datetime

from peewee import BooleanField, IntegerField, TimeField


def up(migrator, db):
    migrator.migrate(
        migrator.add_column('technical_equipment', 'opens_at', TimeField(default=datetime.time(8, 30))),
        migrator.add_column('technical_equipment', 'closes_at', TimeField(default=datetime.time(17, 30))),
        migrator.add_column('technical_equipment', 'working_days_only', BooleanField(default=True)),
        migrator.add_column('technical_equipment', 'max_hours', IntegerField(default=8)),
        migrator.add_column('technical_equipment', 'horizon_days', IntegerField(default=60)),
        migrator.add_column('technical_equipment', 'max_open_bookings', IntegerField(default=2)),
    )


def down(migrator, db):
    migrator.migrate(*(migrator.drop_column('technical_equipment', name) for name in (
        'opens_at', 'closes_at', 'working_days_only', 'max_hours', 'horizon_days', 'max_open_bookings')))
