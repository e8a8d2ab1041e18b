"""Platform construction and operation (平台建设与运营, DB1302 4.1.3, 4.2, 4.3, 5.1.3, 5.2, 5.3.1,
5.3.4–5.3.6): the platform's own registers, a declared plugin.

Everything it is -- the registers, their fields, what the portal publishes, the demo rows -- is in
``service.toml`` beside this file; the entry point names ``PLUGIN``.
"""
from rongtong.core.plugin import declared_service

PLUGIN = declared_service(__file__)
