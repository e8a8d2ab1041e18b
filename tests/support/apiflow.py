"""The workflow API client: it lives in the published test kit (:mod:`rongtong.core.testing.apiflow`)."""
from rongtong.core.testing.apiflow import Api, field_errors, visit_admin

__all__ = ["Api", "field_errors", "visit_admin"]
