"""DRF's rate throttles, failing open when their cache (Redis) is unreachable.

The counts live in the cache. If Redis goes away the platform keeps serving (analyses then fail
with a reason of their own), so a throttle that cannot count lets the request through rather
than turning it into a server error. Log-in lock-outs (django-axes) and the hourly analysis
limit count in the database and are unaffected.
"""

from __future__ import annotations

import logging

from redis.exceptions import RedisError
from rest_framework import throttling

logger = logging.getLogger(__name__)


class _FailOpen:
    def allow_request(self, request, view) -> bool:
        try:
            return super().allow_request(request, view)
        except (RedisError, OSError):
            logger.warning("Throttle %s skipped: its cache is unreachable", type(self).__name__, exc_info=True)
            return True


class UserRateThrottle(_FailOpen, throttling.UserRateThrottle):
    pass


class ScopedRateThrottle(_FailOpen, throttling.ScopedRateThrottle):
    pass
