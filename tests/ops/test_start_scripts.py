"""The commands the containers run (docker/*), run here outside Docker against real processes:
migrate, collectstatic, the web server (several uvicorn processes) with its probe, and a
worker with its healthcheck. Each server gets its own SQLite file, Redis and ports."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from detection.analyses.services import QUEUE_UNAVAILABLE_MESSAGE
from tests.detection.live_support import face_frame_jpeg
from tests.helpers import PASSWORD, SETTINGS_ENV_VARS
from tests.ops.support import RedisServer, free_port

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
# Loading TensorFlow and the model in a fresh process takes a while on a busy machine.
START_TIMEOUT_S = 240


@pytest.fixture
def script_env(tmp_path: Path) -> dict[str, str]:
    """The environment of a fresh deployment: base settings, a database file of its own."""
    environment = {key: value for key, value in os.environ.items() if key not in SETTINGS_ENV_VARS}
    environment.pop("DJANGO_SETTINGS_MODULE", None)
    environment.pop("PROMETHEUS_MULTIPROC_DIR", None)
    environment["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{environment['PATH']}"
    environment["DATABASE_URL"] = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    environment["MEDIA_ROOT"] = str(tmp_path / "media")
    return environment


def run_script(name: str, environment: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([ROOT / "docker" / name, *args], env=environment, capture_output=True, text=True, timeout=300)


@contextlib.contextmanager
def started(name: str, environment: dict[str, str], log: Path) -> Iterator[subprocess.Popen]:
    """A long-running script in a process group of its own, stopped (SIGTERM) at the end."""
    # The script creates (and empties) its metrics directory; keep it inside the test's own.
    environment = {**environment, "PROMETHEUS_MULTIPROC_DIR": str(log.with_suffix(".metrics"))}
    with log.open("w") as output:
        process = subprocess.Popen(
            [ROOT / "docker" / name], env=environment, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        yield process
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def get(url: str, headers: dict | None = None, data: bytes | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def wait_for(condition, what: str, log: Path, timeout: float = START_TIMEOUT_S) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError):
            if condition():
                return
        time.sleep(0.5)
    raise AssertionError(f"{what} did not happen within {timeout} s; log:\n{log.read_text()[-4000:]}")


def multipart(field: str, filename: str, content: bytes) -> tuple[bytes, str]:
    boundary = "----stressdetector-test-boundary"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; filename="{filename}"\r\n'
        f"Content-Type: image/jpeg\r\n\r\n"
    ).encode() + content + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def test_migrate_creates_the_schema_and_a_second_run_changes_nothing(script_env, tmp_path):
    first = run_script("migrate", script_env)
    second = run_script("migrate", script_env)

    assert first.returncode == 0, first.stderr
    assert second.returncode == 0, second.stderr
    assert "No migrations to apply" in second.stdout
    tables = {row[0] for row in sqlite3.connect(tmp_path / "db.sqlite3").execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"accounts_user", "detection_analysis"} <= tables


def test_collectstatic_writes_hashed_files_and_their_manifest(script_env, tmp_path):
    script_env["STATIC_ROOT"] = str(tmp_path / "static")

    result = run_script("collectstatic", script_env)

    assert result.returncode == 0, result.stderr
    manifest = json.loads((tmp_path / "static" / "staticfiles.json").read_text())
    assert manifest["paths"]


def test_the_web_server_is_ready_and_reports_redis_going_away(script_env, tmp_path):
    redis_server = RedisServer(tmp_path)
    redis_server.start()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    script_env.update(REDIS_URL=redis_server.url, PORT=str(port), HOST="127.0.0.1", WEB_CONCURRENCY="2", LOG_FORMAT="json")
    script_env.update(DJANGO_SUPERUSER_USERNAME="admin", DJANGO_SUPERUSER_EMAIL="admin@example.com", DJANGO_SUPERUSER_PASSWORD=PASSWORD)
    assert run_script("migrate", script_env).returncode == 0
    admin = subprocess.run(
        [sys.executable, "manage.py", "createsuperuser", "--no-input"],
        cwd=ROOT,
        env=script_env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert admin.returncode == 0, admin.stderr
    log = tmp_path / "web.log"
    try:
        with started("start-web", script_env, log):
            wait_for(lambda: get(f"{base}/healthz")[0] == 200, "/healthz answering", log)
            probe = [ROOT / "docker" / "probe", f"{base}/readyz"]
            # Both processes must have loaded the model; any one answers a given probe.
            wait_for(lambda: all(subprocess.run(probe, env=script_env).returncode == 0 for _ in range(4)), "/readyz 200", log)

            status, body = get(f"{base}/metrics")
            assert status == 200
            assert b'stressdetector_http_requests_total{method="GET",status="200",view="healthz"}' in body

            status, body = get(f"{base}/api/auth/token/", data=f"username=admin&password={PASSWORD}".encode())
            token = json.loads(body)["token"]

            redis_server.stop()
            status, body = get(f"{base}/readyz")
            assert status == 503
            checks = json.loads(body)["checks"]
            assert checks["database"] == "ok"
            assert checks["redis"].startswith("error:")
            assert checks["channel_layer"].startswith("error:")
            assert subprocess.run(probe, env=script_env, capture_output=True).returncode == 1

            # An upload while Redis is down: accepted, then failed with a reason, not a 500.
            content, content_type = multipart("image", "face.jpg", face_frame_jpeg())
            status, body = get(
                f"{base}/api/analyses/", data=content, headers={"Authorization": f"Token {token}", "Content-Type": content_type}
            )
            assert status == 202, body
            analysis_id = json.loads(body)["id"]
            status, body = get(f"{base}/api/analyses/{analysis_id}/", headers={"Authorization": f"Token {token}"})
            assert json.loads(body)["status"] == "failed"
            assert json.loads(body)["error"] == QUEUE_UNAVAILABLE_MESSAGE

            assert get(f"{base}/healthz")[0] == 200
        lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
        assert any(line["message"] == f"Could not queue analysis {analysis_id}" and line["request_id"] != "-" for line in lines)
    finally:
        redis_server.stop()


def test_readyz_names_an_unreachable_database(script_env, tmp_path):
    port = free_port()
    # Nothing listens on this port, so connecting to PostgreSQL is refused.
    script_env.update(DATABASE_URL=f"postgres://postgres@127.0.0.1:{free_port()}/nowhere", PORT=str(port), HOST="127.0.0.1")
    script_env["WEB_CONCURRENCY"] = "1"
    log = tmp_path / "web.log"
    with started("start-web", script_env, log):
        wait_for(lambda: get(f"http://127.0.0.1:{port}/healthz")[0] == 200, "/healthz answering", log)

        status, body = get(f"http://127.0.0.1:{port}/readyz")

    assert status == 503
    assert json.loads(body)["checks"]["database"].startswith("error: OperationalError")


def test_the_worker_answers_its_healthcheck_and_serves_task_metrics(script_env, tmp_path):
    redis_server = RedisServer(tmp_path)
    redis_server.start()
    metrics_port = free_port()
    script_env.update(REDIS_URL=redis_server.url, CELERY_METRICS_PORT=str(metrics_port), WORKER_CONCURRENCY="1")
    assert run_script("migrate", script_env).returncode == 0
    log = tmp_path / "worker.log"
    # A second worker on the same host, under a name of its own, must not take the first's.
    other_env = {**script_env, "WORKER_NAME": "other", "CELERY_METRICS_PORT": str(free_port())}
    try:
        with started("start-worker", script_env, log):
            wait_for(lambda: run_script("worker-health", script_env).returncode == 0, "the worker answering its healthcheck", log)
            call = subprocess.run(
                ["celery", "--app", "stressdetector", "call", "stressdetector.ping"],
                cwd=ROOT,
                env=script_env,
                capture_output=True,
                timeout=60,
            )
            assert call.returncode == 0

            def ping_timed() -> bool:
                status, body = get(f"http://127.0.0.1:{metrics_port}/metrics")
                sample = b'stressdetector_task_duration_seconds_count{state="SUCCESS",task="stressdetector.ping"} 1.0'
                return status == 200 and sample in body

            wait_for(ping_timed, "the ping task in the worker's metrics", log, timeout=60)
            other_log = tmp_path / "other.log"
            with started("start-worker", other_env, other_log):
                wait_for(lambda: run_script("worker-health", other_env).returncode == 0, "the other worker answering", other_log)
                assert run_script("worker-health", script_env).returncode == 0
        redis_server.stop()
        assert run_script("worker-health", script_env).returncode != 0
    finally:
        redis_server.stop()
