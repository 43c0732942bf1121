"""Shared test helpers: which external services are here, and loading settings in isolation."""

from __future__ import annotations

import functools
import importlib.util
import re
from pathlib import Path
from types import ModuleType

import pytest
from django.conf import settings
from django.db import connection

PASSWORD = "correct-horse-battery-staple"

BASE_SETTINGS_FILE = Path(__file__).resolve().parent.parent / "stressdetector" / "settings" / "base.py"

# Every variable stressdetector/settings/base.py reads, so a test can start from a clean slate
# even when CI exports DATABASE_URL and REDIS_URL.
SETTINGS_ENV_VARS = (
    "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS", "DATABASE_URL", "CONN_MAX_AGE",
    "REDIS_URL", "CELERY_TASK_ALWAYS_EAGER", "CELERY_TASK_EAGER_PROPAGATES", "EMAIL_URL",
    "DEFAULT_FROM_EMAIL", "STATIC_ROOT", "MEDIA_ROOT", "TIME_ZONE", "ANALYSIS_MAX_UPLOAD_BYTES",
    "ANALYSIS_URL_ALLOWED_HOSTS", "ML_WEIGHTS_DIR", "TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN",
    "TWILIO_FROM_NUMBER", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_PROXY_SSL_HEADER", "LOG_LEVEL", "TWILIO_TIMEOUT_SECONDS", "TWILIO_API_BASE_URL",
    "LIVE_MAX_FRAME_BYTES", "LIVE_MAX_FPS", "LIVE_SAVE_SECONDS", "LIVE_INFERENCE_THREADS",
    "LOG_FORMAT", "DATABASE_CONNECT_TIMEOUT", "REDIS_CONNECT_TIMEOUT", "REDIS_SOCKET_TIMEOUT",
    "CELERY_TASK_SOFT_TIME_LIMIT", "CELERY_TASK_TIME_LIMIT", "CELERY_WORKER_MAX_MEMORY_PER_CHILD",
    "METRICS_TOKEN", "METRICS_ALLOWED_NETWORKS", "READY_CHECK_TIMEOUT",
    "SQLITE_BUSY_TIMEOUT_SECONDS", "INPROCESS_TASK_THREADS", "MAINTENANCE_INTERVAL_SECONDS",
    "ANALYSIS_STUCK_AFTER_SECONDS", "MEDIA_SWEEP_GRACE_SECONDS", "API_TOKEN_TTL_DAYS", "LOGIN_FAILURE_LIMIT",
    "LOGIN_LOCKOUT_MINUTES", "API_USER_RATE", "API_TOKEN_RATE", "ANALYSIS_CREATE_PER_HOUR",
)  # fmt: skip


def load_base_settings(monkeypatch: pytest.MonkeyPatch, **environ: str) -> ModuleType:
    """Execute a fresh copy of the base settings with exactly these environment variables.

    The running Django settings are untouched; the copy is a plain module to inspect.
    """
    for name in SETTINGS_ENV_VARS:
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    spec = importlib.util.spec_from_file_location("settings_under_test", BASE_SETTINGS_FILE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@functools.cache
def redis_unavailable_reason() -> str | None:
    """None when Redis at REDIS_URL answers; otherwise why tests that need it cannot run."""
    import redis

    if not settings.REDIS_URL:
        return "needs Redis: REDIS_URL is not set"
    try:
        redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        return f"needs Redis: REDIS_URL={settings.REDIS_URL} does not answer ({exc})"
    return None


def postgres_unavailable_reason() -> str | None:
    if connection.vendor != "postgresql":
        return f"needs PostgreSQL: DATABASE_URL is not a postgres:// URL (the suite runs on {connection.vendor})"
    return None


def assert_meets_the_csp(html: str) -> None:
    """The page needs nothing the Content-Security-Policy forbids: no inline script, style or handler."""
    scripts = re.findall(r"<script\b([^>]*)>", html)
    inline = [attributes for attributes in scripts if "src=" not in attributes and 'type="application/json"' not in attributes]
    assert inline == [], "inline <script>"
    assert " style=" not in html, "inline style attribute"
    assert "<style" not in html
    assert not re.search(r"\son[a-z]+=", html), "inline event handler"
