"""Fixtures for the whole suite: users, private media, and the external services.

Tests that need Redis or PostgreSQL say so with ``@pytest.mark.redis`` / ``@pytest.mark.postgres``
or the ``requires_redis`` / ``requires_postgres`` fixtures. Without the service they are skipped,
with the reason in the summary; `.ci/run` provides both, so CI runs them.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import User
from tests.helpers import PASSWORD, postgres_unavailable_reason, redis_unavailable_reason


def pytest_report_header(config: pytest.Config) -> list[str]:
    database = settings.DATABASES["default"]
    redis_url = settings.REDIS_URL or "not set: tests marked 'redis' will be skipped"
    return [
        f"database: {database['ENGINE'].rsplit('.', 1)[-1]} {database['NAME']}",
        f"redis: {redis_url}",
    ]


def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("redis") and (reason := redis_unavailable_reason()):
        pytest.skip(reason)
    if item.get_closest_marker("postgres") and (reason := postgres_unavailable_reason()):
        pytest.skip(reason)


@pytest.fixture
def requires_redis() -> str:
    """Skip unless Redis at REDIS_URL answers; returns the URL."""
    if reason := redis_unavailable_reason():
        pytest.skip(reason)
    return settings.REDIS_URL


@pytest.fixture
def requires_postgres(db) -> None:
    """Skip unless the suite runs on PostgreSQL."""
    if reason := postgres_unavailable_reason():
        pytest.skip(reason)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path: Path) -> Path:
    """Keep uploaded files of each test in its own temporary directory."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


# --- Users: alice owns things, bob is another user who must not see them. ---------------------


@pytest.fixture
def alice(db) -> User:
    return User.objects.create_user("alice", "alice@example.com", PASSWORD, display_name="Alice Liddell", phone_number="+447911123456")


@pytest.fixture
def bob(db) -> User:
    return User.objects.create_user("bob", "bob@example.com", PASSWORD)


@pytest.fixture
def alice_client(alice: User) -> Client:
    client = Client()
    client.force_login(alice)
    return client


@pytest.fixture
def bob_client(bob: User) -> Client:
    client = Client()
    client.force_login(bob)
    return client


@pytest.fixture
def alice_api(alice: User) -> APIClient:
    """An API client authenticated as alice (DRF's force_authenticate: no CSRF, no token)."""
    client = APIClient()
    client.force_authenticate(alice)
    return client


@pytest.fixture
def bob_api(bob: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(bob)
    return client


# --- Celery ----------------------------------------------------------------------------------


@pytest.fixture
def celery_eager() -> Iterator:
    """Run Celery tasks in-process for one test, as the embedded default (no REDIS_URL) does."""
    from stressdetector.celery import app

    saved = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager = app.conf.task_eager_propagates = True
    yield app
    app.conf.task_always_eager, app.conf.task_eager_propagates = saved


@pytest.fixture
def redis_celery_worker(requires_redis: str) -> Iterator:
    """A real Celery worker, in a thread of this process, consuming tasks through Redis.

    Tasks run in another thread: a test whose tasks touch the database needs
    ``transactional_db`` so that the worker sees its rows.
    """
    from celery.contrib.testing.worker import start_worker

    from stressdetector.celery import app

    saved = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        with start_worker(app, pool="solo", concurrency=1, perform_ping_check=False, shutdown_timeout=10):
            yield app
    finally:
        app.conf.task_always_eager = saved
