"""Many people at once on the default setup: `manage.py runserver` (daphne) on a SQLite file,
tasks in-process, no Redis. Uploads and URL submissions sent at the same moment must all be
accepted (202) and all finish, with no "database is locked" error."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from tests.helpers import PASSWORD, SETTINGS_ENV_VARS

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
SIMULTANEOUS = 20


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def default_server(tmp_path, image_server):
    """`make run`'s setup in a subprocess: base settings, SQLite file, no REDIS_URL."""
    env = {name: value for name, value in os.environ.items() if name not in SETTINGS_ENV_VARS}
    env.update(
        DJANGO_SETTINGS_MODULE="stressdetector.settings.base",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        MEDIA_ROOT=str(tmp_path / "media"),
        ANALYSIS_URL_ALLOWED_HOSTS="127.0.0.1",
        # This test is about the database, not the per-user hourly limit.
        ANALYSIS_CREATE_RATE="1000/hour",
        API_USER_RATE="10000/hour",
        LOG_LEVEL="WARNING",
    )
    manage = [sys.executable, str(REPO / "manage.py")]
    subprocess.run([*manage, "migrate", "--no-input", "-v", "0"], env=env, check=True, cwd=REPO)
    create_user = f"from accounts.models import User; User.objects.create_user('alice', 'alice@example.com', {PASSWORD!r})"
    subprocess.run([*manage, "shell", "-c", create_user], env=env, check=True, cwd=REPO)
    port = free_port()
    command = [*manage, "runserver", "--noreload", f"127.0.0.1:{port}"]
    server = subprocess.Popen(command, env=env, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                requests.get(f"{url}/", timeout=2)
                break
            except requests.ConnectionError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"runserver did not start: {server.stderr.read().decode()[-2000:]}") from None
                time.sleep(0.3)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def wait_for_all(session: requests.Session, urls: list[str], timeout: float = 240) -> dict[str, dict]:
    deadline = time.monotonic() + timeout
    finished: dict[str, dict] = {}
    while time.monotonic() < deadline and len(finished) < len(urls):
        for url in urls:
            if url not in finished:
                body = session.get(url, timeout=10).json()
                if body["status"] in ("done", "failed"):
                    finished[url] = body
        time.sleep(0.5)
    return finished


def test_simultaneous_uploads_and_url_submissions_are_all_accepted_and_finish(default_server, image_server, astronaut_jpeg):
    token = requests.post(f"{default_server}/api/auth/token/", data={"username": "alice", "password": PASSWORD}, timeout=30).json()["token"]
    session = requests.Session()
    session.headers["Authorization"] = f"Token {token}"

    def upload(_: int) -> requests.Response:
        return session.post(f"{default_server}/api/analyses/", files={"image": ("face.jpg", astronaut_jpeg, "image/jpeg")}, timeout=120)

    def submit_url(_: int) -> requests.Response:
        return session.post(f"{default_server}/api/analyses/", json={"url": image_server.url("/astronaut.jpg")}, timeout=120)

    with ThreadPoolExecutor(2 * SIMULTANEOUS) as pool:
        uploads = [pool.submit(upload, index) for index in range(SIMULTANEOUS)]
        submissions = [pool.submit(submit_url, index) for index in range(SIMULTANEOUS)]
        responses = [future.result() for future in uploads + submissions]

    refused = [response.text[:200] for response in responses if response.status_code != 202]
    assert [response.status_code for response in responses] == [202] * (2 * SIMULTANEOUS), refused
    urls = [response.json()["url"] for response in responses]
    finished = wait_for_all(session, urls)
    assert len(finished) == len(urls), f"{len(urls) - len(finished)} analyses never finished"
    assert [body["status"] for body in finished.values()] == ["done"] * len(urls), [body.get("error") for body in finished.values()]
    assert all(body["face_count"] >= 1 for body in finished.values())
