"""The plugin contract's value types: what ``register_*`` hooks return (see core/hookspecs.py).

Plain frozen dataclasses with no behaviour beyond checking themselves, so every layer may import
them: the registry merges them, the web surfaces build screens and routes from them, and plugins get
them from the public plugin API (:mod:`rongtong.core.plugin`).
"""
from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

CORE = "core"  # the core's own owner name: it registers through the same hooks as a plugin


@dataclasses.dataclass(frozen=True)
class ServiceEntry:
    """A catalog entry (DB1302 4.1.4 fee type and standard; 5.4.1 published time limit).

    ``time_limit_days`` is the promise published in the service guide and the number the request
    clock uses; when None it is the sum of the workflow's step limits.

    ``department`` is the key of the department that serves it by default (DB1302 5.1.2): the
    last word after the admin screen "服务与部门" and ``[routing] services`` in config (see
    :func:`core.routing.department_for`). Empty: no default, the request waits unrouted.
    """

    key: str
    title: str
    title_en: str
    workflow: str
    fee_type: str = "free"  # "free" (public welfare) or "paid"
    fee_standard: str = ""
    description: str = ""
    description_en: str = ""
    time_limit_days: int | None = None
    category: str = ""
    department: str = ""

    def __post_init__(self):
        if self.fee_type not in ("free", "paid"):
            raise ValueError(f"service {self.key}: fee_type must be 'free' or 'paid'")
        if self.fee_type == "paid" and not self.fee_standard:
            raise ValueError(f"service {self.key}: a paid service needs a fee_standard (DB1302 4.1.4)")


@dataclasses.dataclass(frozen=True)
class Permission:
    key: str
    title: str
    title_en: str = ""
    roles: tuple[str, ...] = ()


@dataclasses.dataclass(frozen=True)
class AdminViewSpec:
    """An admin screen. Give ``model`` for a generated view, or ``view_class`` for a custom one
    (a subclass of ``core.web.admin.SecureModelView`` or ``SecureBaseView``)."""

    model: Any = None
    view_class: Any = None
    name: Any = None
    permission: str | None = None
    category: Any = None
    slug: str | None = None
    options: dict = dataclasses.field(default_factory=dict)


@dataclasses.dataclass(frozen=True)
class ApiResource:
    """A REST resource under ``/api/v1/``. ``view`` is a Flask view function; it may raise
    ``core.errors`` exceptions, which become the standard JSON error responses."""

    path: str
    view: Callable
    methods: tuple[str, ...] = ("GET",)
    endpoint: str | None = None
    summary: str = ""
    tag: str = ""
    request_schema: Any = None
    response_schema: Any = None
    many: bool = False
    permission: str | None = None


@dataclasses.dataclass(frozen=True)
class PortalLink:
    """A public portal page in the main menu (e.g. the information plugin's articles)."""

    endpoint: str
    title: str
    title_en: str
    order: int = 100
