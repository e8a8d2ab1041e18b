"""The plugin's tables (each name starts with ``${name}_``). After changing a model, write a
migration: ``rongtong db new --plugin ${name} "what changed"``."""
import peewee

from rongtong.core.plugin import AuditedModel, ServiceRequest, lazy_gettext as _l, utcnow


class Case(AuditedModel):
    """One case per request, filled in step by step (steps.py). An :class:`AuditedModel`: the core
    audits every create, change and delete, naming who made it."""

    verbose_name = _l("${title_en} cases")

    request = peewee.ForeignKeyField(ServiceRequest, unique=True, on_delete="RESTRICT", verbose_name=_l("Request"))
    subject = peewee.CharField(max_length=200, verbose_name=_l("Subject"))
    need = peewee.TextField(default="", verbose_name=_l("Need"))
    advice = peewee.TextField(default="", verbose_name=_l("Advice"))
    satisfied = peewee.BooleanField(null=True, verbose_name=_l("Satisfied"))
    created_at = peewee.DateTimeField(default=utcnow, verbose_name=_l("Created at"))
    updated_at = peewee.DateTimeField(default=utcnow, verbose_name=_l("Updated at"))

    class Meta:
        table_name = "${name}_case"


MODELS = [Case]
