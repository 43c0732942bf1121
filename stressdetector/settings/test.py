"""Settings for the test suite: the base settings, made fast and self-contained.

DATABASE_URL and REDIS_URL are still read from the environment, so the same suite runs on the
embedded defaults and, in CI, against PostgreSQL and Redis.
"""

import os
import uuid

from stressdetector.settings.base import *  # noqa: F403

# Hashing passwords properly is slow on purpose; tests create many users.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

# Tests render templates without running collectstatic first.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Serve static files from the finders, so tests need no collectstatic run (and WhiteNoise does
# not warn about a missing STATIC_ROOT).
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True

# Tests that run tasks in-process want them finished when the request returns.
INPROCESS_TASK_THREADS = 0
# No maintenance thread in the test process; tests call detection.analyses.maintenance directly.
MAINTENANCE_INTERVAL_SECONDS = 0

# Tests sign up many accounts from 127.0.0.1; the test of the limit sets its own.
SIGNUP_PER_HOUR_PER_ADDRESS = 1000

# Each run of the suite keeps its cache keys (throttle counters, rate limits) apart from every
# other run's on the same Redis: user ids start again at 1 in each new test database, so the
# counters a run left behind made the next run's requests 429. Processes the suite starts (a
# Celery worker, a served app) inherit the run's prefix through the environment.
TEST_RUN_KEY_PREFIX = os.environ.setdefault("STRESSDETECTOR_TEST_RUN", f"test-{uuid.uuid4().hex[:12]}")
CACHES["default"]["KEY_PREFIX"] = TEST_RUN_KEY_PREFIX  # noqa: F405
