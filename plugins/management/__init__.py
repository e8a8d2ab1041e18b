"""Management improvement (管理提升, DB1302 6.2.6, 6.4.6 a–d): a declared service.

Everything it is -- catalog entry, intake, steps, evidence, effects, registers, permissions, demo
survey -- is in ``service.toml`` beside this file; the entry point names ``PLUGIN``.
"""
from rongtong.core.plugin import declared_service

PLUGIN = declared_service(__file__)
