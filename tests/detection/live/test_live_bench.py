"""The live benchmark command, briefly, against daphne serving the test database."""

import json

import pytest
from django.core.management import CommandError, call_command

from tests.detection.live_support import live_server_url
from tests.helpers import PASSWORD

pytestmark = [pytest.mark.slow]


def test_it_logs_in_streams_frames_and_prints_a_json_summary(transactional_db, alice, capsys):
    call_command("live_bench", url=live_server_url(), username="alice", password=PASSWORD, clients=2, fps=4, seconds=1)

    lines = capsys.readouterr().out.strip().splitlines()
    summary = json.loads(lines[-1])
    assert summary["clients"] == 2
    assert summary["frames_answered"] >= 2
    assert summary["frames_sent"] == summary["frames_answered"]
    assert summary["rtt_ms_p95"] >= summary["rtt_ms_p50"] > 0
    assert summary["faces_per_frame"] >= 1
    assert lines[-2].startswith("achieved ")


def test_a_wrong_password_is_a_clear_error(transactional_db, alice):
    with pytest.raises(CommandError, match="Logging in as 'alice' failed"):
        call_command("live_bench", url=live_server_url(), username="alice", password="wrong", seconds=1)
