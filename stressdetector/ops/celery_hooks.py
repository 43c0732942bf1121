"""Celery signal handlers: a task runs under the request id of the request that queued it, and
its duration goes to the metrics. Connected by importing this module (stressdetector/celery.py).
"""

from __future__ import annotations

import logging
import os
import time

from celery.signals import before_task_publish, setup_logging, task_postrun, task_prerun, worker_init

from stressdetector.ops.metrics import TASK_SECONDS
from stressdetector.ops.request_id import current_request_id, request_id_var

# The message header that carries the request id to the worker.
REQUEST_ID_TASK_HEADER = "request_id"

logger = logging.getLogger(__name__)

# Per running task (by id): the request id token to reset and when it started.
_running: dict[str, tuple[object, float]] = {}


@setup_logging.connect
def keep_django_logging(**kwargs) -> None:
    """Connected so that Celery leaves logging alone: Django's LOGGING (plain or JSON lines,
    with request ids) applies in the worker too."""


@before_task_publish.connect
def add_request_id_header(headers: dict | None = None, **kwargs) -> None:
    request_id = current_request_id()
    if request_id and headers is not None:
        headers.setdefault(REQUEST_ID_TASK_HEADER, request_id)


@task_prerun.connect
def start_task(task_id: str, task, **kwargs) -> None:
    # On a worker the id comes in the message; an in-process task already runs in the request.
    request_id = getattr(task.request, REQUEST_ID_TASK_HEADER, None) or current_request_id()
    _running[task_id] = (request_id_var.set(request_id), time.perf_counter())


@task_postrun.connect
def finish_task(task_id: str, task, state: str | None = None, **kwargs) -> None:
    started = _running.pop(task_id, None)
    if started is None:
        return
    token, began = started
    TASK_SECONDS.labels(task.name, state or "UNKNOWN").observe(time.perf_counter() - began)
    request_id_var.reset(token)


@worker_init.connect
def serve_worker_metrics(**kwargs) -> None:
    """With CELERY_METRICS_PORT set, the worker's main process serves its pool's metrics
    (PROMETHEUS_MULTIPROC_DIR) on that port, for Prometheus on the internal network."""
    port = os.environ.get("CELERY_METRICS_PORT")
    if not port:
        return
    from prometheus_client import REGISTRY, CollectorRegistry, start_http_server
    from prometheus_client.multiprocess import MultiProcessCollector

    registry = REGISTRY
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        MultiProcessCollector(registry)
    start_http_server(int(port), registry=registry)
    logger.info("Worker metrics on port %s", port)
