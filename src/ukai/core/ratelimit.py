"""Counting a client's requests per time window, in the shared ``ratelimit`` cache (never the database).

Every web process of a machine counts in the same files (settings ``CACHES``), so a limit
holds whichever gunicorn worker answers.
"""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.core.cache import caches


def rate_limit_count(*, scope: str, client_address: str, window_seconds: int) -> int:
    """Count one more request of ``client_address`` in ``scope`` this window; return the count.

    The client is stored as a keyed hash of its address; each module decides its limit and
    its message from the count.
    """
    window = int(time.time() // window_seconds)
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{client_address}".encode()).hexdigest()[:24]
    key = f"{scope}:rate:{digest}:{window}"
    timeout = window_seconds * 2
    cache = caches["ratelimit"]
    cache.add(key, 0, timeout=timeout)
    try:
        return int(cache.incr(key))
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, timeout=timeout)
        return 1
