"""docker/compose.yml, checked by Docker's own compose CLI where it is installed (Debian:
`apt-get install docker-compose`; Docker's plugin: `docker compose`). No engine is needed."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker" / "compose.yml"
LONG_RUNNING = ("web", "worker", "postgres", "redis")


def compose_cli() -> list[str] | None:
    if shutil.which("docker") and subprocess.run(["docker", "compose", "version"], capture_output=True).returncode == 0:
        return ["docker", "compose"]
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    return None


@pytest.fixture(scope="module")
def config() -> dict:
    cli = compose_cli()
    if cli is None:
        pytest.skip("needs Docker's compose CLI (`docker compose` or Debian's docker-compose package)")
    environment = {**os.environ, "SECRET_KEY": "compose-config-check"}
    result = subprocess.run([*cli, "-f", str(COMPOSE_FILE), "config"], capture_output=True, text=True, env=environment, timeout=60)
    assert result.returncode == 0, result.stderr
    return yaml.safe_load(result.stdout)


def test_the_whole_set_is_there(config):
    assert set(config["services"]) == {"migrate", "web", "worker", "beat", "postgres", "redis"}


def test_every_long_running_service_has_a_healthcheck(config):
    for name in LONG_RUNNING:
        test = config["services"][name]["healthcheck"]["test"]
        assert test and test[0] in ("CMD", "CMD-SHELL"), name


def test_migrations_run_once_before_web_and_workers(config):
    services = config["services"]
    assert services["migrate"]["command"] in ("docker/migrate", ["docker/migrate"])
    for name in ("web", "worker"):
        assert services[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
        assert "migrate" not in str(services[name]["command"])


def test_workers_can_be_scaled(config):
    worker = config["services"]["worker"]
    # A fixed container name or host port would stop `--scale worker=N`.
    assert "container_name" not in worker
    assert "ports" not in worker


def test_web_runs_several_processes_behind_one_port(config):
    web = config["services"]["web"]
    assert int(web["environment"]["WEB_CONCURRENCY"]) >= 2
    assert len(web["ports"]) == 1


def test_media_is_on_a_volume_for_web_and_workers(config):
    for name in ("web", "worker"):
        volumes = config["services"][name]["volumes"]
        # docker-compose 1 prints "media:/app/media:rw", the compose plugin a mapping.
        sources = [volume["source"] if isinstance(volume, dict) else volume.split(":")[0] for volume in volumes]
        assert "media" in sources, name


def test_without_a_secret_key_compose_refuses_to_start():
    cli = compose_cli()
    if cli is None:
        pytest.skip("needs Docker's compose CLI (`docker compose` or Debian's docker-compose package)")
    environment = {key: value for key, value in os.environ.items() if key != "SECRET_KEY"}
    result = subprocess.run([*cli, "-f", str(COMPOSE_FILE), "config"], capture_output=True, text=True, env=environment, timeout=60)

    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_every_command_the_containers_run_is_an_executable_script_here():
    # They are run outside Docker by tests/ops/test_start_scripts.py.
    text = COMPOSE_FILE.read_text() + (ROOT / "docker" / "Dockerfile").read_text()
    scripts = set(re.findall(r"\bdocker/[a-z-]+\b", text)) - {"docker/compose", "docker/Dockerfile"}

    expected = {"migrate", "start-web", "start-worker", "start-beat", "worker-health", "probe", "collectstatic"}
    assert scripts == {f"docker/{name}" for name in expected}
    for script in scripts:
        assert os.access(ROOT / script, os.X_OK), script


def test_one_beat_schedules_for_all_workers(config):
    assert config["services"]["beat"]["command"] in ("docker/start-beat", ["docker/start-beat"])
    assert "--beat" not in (ROOT / "docker" / "start-worker").read_text()


def test_redis_keeps_the_queue_across_a_restart(config):
    redis = config["services"]["redis"]
    command = " ".join(redis["command"]) if isinstance(redis["command"], list) else redis["command"]
    assert "--appendonly yes" in command
    assert any(":/data" in str(volume) or (isinstance(volume, dict) and volume.get("target") == "/data") for volume in redis["volumes"])
