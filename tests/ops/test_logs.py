import json
import logging

import pytest
from django.core.exceptions import ImproperlyConfigured

from stressdetector.ops.logs import JsonFormatter
from tests.helpers import load_base_settings


def record(message: str, *args, exc_info=None) -> logging.LogRecord:
    return logging.LogRecord("detection.tasks", logging.ERROR, __file__, 1, message, args, exc_info)


def test_a_line_is_one_json_object_with_the_message_filled_in():
    line = JsonFormatter().format(record("Analysis %s failed", 42))

    entry = json.loads(line)
    assert "\n" not in line
    assert entry["message"] == "Analysis 42 failed"
    assert entry["logger"] == "detection.tasks"
    assert entry["level"] == "ERROR"
    assert entry["time"].endswith("+00:00")


def test_the_traceback_stays_inside_the_line():
    try:
        raise ValueError("boom")
    except ValueError:
        import sys

        line = JsonFormatter().format(record("failed", exc_info=sys.exc_info()))

    assert "\n" not in line
    assert "ValueError: boom" in json.loads(line)["exception"]


def test_log_format_json_selects_the_json_formatter(monkeypatch):
    module = load_base_settings(monkeypatch, LOG_FORMAT="json")

    assert module.LOGGING["handlers"]["console"]["formatter"] == "json"


def test_an_unknown_log_format_stops_start_up(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match="LOG_FORMAT"):
        load_base_settings(monkeypatch, LOG_FORMAT="xml")
