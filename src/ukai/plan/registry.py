"""The registry of indicator collectors: ``@collector_registry.register("id")``.

Modules add their collectors here as they land; an indicator stores the collector's
id as a plain field, validated against this registry.
"""

from __future__ import annotations

from ukai.core.plugins import Registry

from .base import Collector

collector_registry: Registry[Collector] = Registry("plan-collector")
