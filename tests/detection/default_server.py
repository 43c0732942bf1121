"""`make run`'s setup in a subprocess: uvicorn with the base settings, a
SQLite file, tasks in-process and no Redis; for tests of what happens when many people use it
at once, or when it is killed."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

from tests.helpers import PASSWORD, SETTINGS_ENV_VARS

REPO = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class DefaultServer:
    def __init__(self, directory: Path, **environ: str):
        self.env = {name: value for name, value in os.environ.items() if name not in SETTINGS_ENV_VARS}
        self.env.update(
            DJANGO_SETTINGS_MODULE="stressdetector.settings.base",
            DATABASE_URL=f"sqlite:///{directory / 'db.sqlite3'}",
            MEDIA_ROOT=str(directory / "media"),
            LOG_LEVEL="WARNING",
            **environ,
        )
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None
        self.manage("migrate", "--no-input", "-v", "0")

    def manage(self, *arguments: str) -> None:
        subprocess.run([sys.executable, str(REPO / "manage.py"), *arguments], env=self.env, check=True, cwd=REPO)

    def create_user(self, username: str = "alice") -> None:
        self.manage("shell", "-c", f"from accounts.models import User; User.objects.create_user({username!r}, '', {PASSWORD!r})")

    def token(self, username: str = "alice") -> str:
        response = requests.post(f"{self.url}/api/auth/token/", data={"username": username, "password": PASSWORD}, timeout=30)
        return response.json()["token"]

    def start(self) -> None:
        # As `make run` serves it, without the reloader.
        command = [sys.executable, "-m", "uvicorn", "stressdetector.asgi:application", "--port", str(self.port)]
        command += ["--ws", "websockets", "--lifespan", "off"]
        self.process = subprocess.Popen(command, env=self.env, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 60
        while True:
            try:
                requests.get(f"{self.url}/", timeout=2)
                return
            except requests.ConnectionError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the server did not start: {self.process.stderr.read().decode()[-2000:]}") from None
                time.sleep(0.3)

    def kill(self) -> None:
        """Like a crash: no clean shutdown."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()


def wait_until_finished(session: requests.Session, urls: list[str], timeout: float = 240) -> dict[str, dict]:
    """Poll each analysis's API URL until it is done or failed; returns the finished ones."""
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
