"""Settings for a deployed instance behind TLS.

Required environment: ``UKAI_SECRET_KEY``, ``UKAI_ALLOWED_HOSTS``, and
``DATABASE_URL`` for PostgreSQL. ``manage.py check --deploy`` reports nothing.
"""

from __future__ import annotations

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *

if not SECRET_KEY:
    raise ImproperlyConfigured("UKAI_SECRET_KEY must be set in production.")

DEBUG = False
SECURE_SSL_REDIRECT = env_bool("UKAI_SSL_REDIRECT", True)
# Health and metrics are probed by the load balancer and Prometheus over HTTP
# inside the zone.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^metrics$"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = int(os.environ.get("UKAI_HSTS_SECONDS", str(365 * 24 * 60 * 60)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
