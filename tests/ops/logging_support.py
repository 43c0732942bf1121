"""Capturing log lines as the deployed configuration writes them (request id filter, JSON)."""

from __future__ import annotations

import contextlib
import io
import json
import logging
from collections.abc import Iterator

from stressdetector.ops.logs import JsonFormatter
from stressdetector.ops.request_id import RequestIdFilter


@contextlib.contextmanager
def json_log_lines() -> Iterator[list[dict]]:
    """Every record logged meanwhile, from any thread, formatted as LOG_FORMAT=json does."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    saved_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    lines: list[dict] = []
    try:
        yield lines
    finally:
        root.removeHandler(handler)
        root.setLevel(saved_level)
        lines.extend(json.loads(line) for line in stream.getvalue().splitlines())
