"""Fixtures for the operations tests."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.ops.support import RedisServer


@pytest.fixture
def redis_server(tmp_path: Path):
    """A Redis of this test's own (skipped where redis-server is not installed)."""
    if not shutil.which("redis-server"):
        pytest.skip("needs redis-server on PATH (apt-get install redis-server)")
    server = RedisServer(tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()
