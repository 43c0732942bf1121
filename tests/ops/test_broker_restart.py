"""A broker restart loses no analysis (issue 21, item 4): analyses left pending without a
message on the queue (Redis restarted without persistence) are queued again as soon as a worker
reconnects, not when the stuck-analysis sweep finds them minutes later."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from tests.ops.support import RedisServer
from tests.ops.test_start_scripts import ROOT, run_script, script_env, started, wait_for  # noqa: F401 (script_env: fixture)

pytestmark = pytest.mark.slow

CREATE_PENDING = """
import io, sys, django
django.setup()
from django.core.files.base import ContentFile
from PIL import Image
from accounts.models import User
from detection.models import Analysis
user, _ = User.objects.get_or_create(username="alice")
buffer = io.BytesIO()
Image.new("RGB", (64, 48), (128, 128, 128)).save(buffer, format="JPEG")
for _ in range(int(sys.argv[1])):
    analysis = Analysis(owner=user, source="upload")
    analysis.original.save("original.jpg", ContentFile(buffer.getvalue()), save=False)
    analysis.save()
"""

COUNT_BY_STATUS = """
import django
django.setup()
from detection.models import Analysis
print(dict(Analysis.objects.values_list("status").annotate(n=__import__("django.db.models", fromlist=["Count"]).Count("id"))))
"""


def django_python(environment: dict[str, str], code: str, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=ROOT,
        env={**environment, "DJANGO_SETTINGS_MODULE": "stressdetector.settings.base"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout.strip()


def test_pending_analyses_lost_with_a_redis_restart_run_once_a_worker_reconnects(script_env, tmp_path):  # noqa: F811
    redis_server = RedisServer(tmp_path)
    redis_server.start()
    # The stuck-analysis sweep would find them only after an hour: it is not what runs them here.
    script_env.update(REDIS_URL=redis_server.url, WORKER_CONCURRENCY="1", ANALYSIS_STUCK_AFTER_SECONDS="3600")
    assert run_script("migrate", script_env).returncode == 0
    log = tmp_path / "worker.log"
    try:
        with started("start-worker", script_env, log):
            wait_for(lambda: run_script("worker-health", script_env).returncode == 0, "the worker answering its healthcheck", log)
            redis_server.stop()
            # Pending rows whose messages Redis lost with its restart.
            django_python(script_env, CREATE_PENDING, "5")
            redis_server.start()

            deadline = time.monotonic() + 180
            while (counts := django_python(script_env, COUNT_BY_STATUS)) != "{'done': 5}" and time.monotonic() < deadline:
                time.sleep(1)
        assert counts == "{'done': 5}", log.read_text()[-3000:]
    finally:
        redis_server.stop()
