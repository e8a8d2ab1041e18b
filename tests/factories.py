"""Test data builders: they live in the published test kit (:mod:`rongtong.core.testing.factories`)."""
from rongtong.core.testing.factories import PASSWORD, credit_code, enterprise, make_people, user

__all__ = ["PASSWORD", "credit_code", "enterprise", "make_people", "user"]
