"""The core's API resources. Each module's ``operations()`` declares its routes."""
from __future__ import annotations

from rongtong.core.web.api.resources import (attachments, catalog, enterprises, me, notifications, onboarding, requests,
                                             vocabulary)


def core_operations():
    return [*me.operations(), *catalog.operations(), *enterprises.operations(), *onboarding.operations(), *requests.operations(),
            *attachments.operations(), *notifications.operations(), *vocabulary.operations()]
