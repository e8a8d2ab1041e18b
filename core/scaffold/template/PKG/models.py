"""The plugin's tables (each name starts with ``${name}_``). After changing a model, write a
migration: ``rongtong db new --plugin ${name} "what changed"``."""
import peewee

from rongtong.core.plugin import BaseModel, ServiceRequest, lazy_gettext as _l, utcnow


class Case(BaseModel):
    """One case per request: what staff found and advised (enterprises read their own)."""

    verbose_name = _l("${title_en} cases")

    request = peewee.ForeignKeyField(ServiceRequest, null=True, on_delete="RESTRICT", verbose_name=_l("Request"))
    subject = peewee.CharField(max_length=200, verbose_name=_l("Subject"))
    advice = peewee.TextField(default="", verbose_name=_l("Advice"))
    created_at = peewee.DateTimeField(default=utcnow, verbose_name=_l("Created at"))

    class Meta:
        table_name = "${name}_case"


MODELS = [Case]
