"""Queueing Celery tasks so that a web request never runs them itself.

With a broker (REDIS_URL) a task goes to a worker. Without one (the default ``make run``),
Celery would run it eagerly, inside the request that queued it: a slow analysis then holds the
request, and several at once fight over the database. Here such tasks go to a small pool of
background threads in the web process instead (``INPROCESS_TASK_THREADS``; 0 keeps the eager,
in-request behaviour, which the tests use). Work lost with the process (a crash, a restart) is
picked up by the stuck-analysis recovery (the detection app's maintenance).

Tasks are queued by name (``"detection.tasks.analysis_run_task"``), so a service that queues a
task does not import the module that defines it (which imports the service back).
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor

from celery import Task
from django.conf import settings
from django.db import connections

from stressdetector.celery import app

logger = logging.getLogger(__name__)

_executor: ThreadPoolExecutor | None = None
_executor_lock = threading.Lock()


def enqueue(task: Task | str, *args) -> None:
    """Queue ``task(*args)``: on the broker, on the background pool, or (0 threads) eagerly.
    ``task`` is a task or the name it was registered under."""
    if isinstance(task, str):
        task = app.tasks[task]
    if task.app.conf.task_always_eager and settings.INPROCESS_TASK_THREADS > 0:
        _get_executor().submit(_run_in_background, task, args)
    else:
        task.delay(*args)


def enqueue_or_log(task: Task | str, *args, what: str) -> bool:
    """:func:`enqueue`, or False when the broker (Redis) cannot be reached, logged as
    "Could not queue <what>": the caller then records why its row will never run."""
    from kombu.exceptions import OperationalError

    try:
        enqueue(task, *args)
    except OperationalError:
        logger.exception("Could not queue %s", what)
        return False
    return True


def _get_executor() -> ThreadPoolExecutor:
    global _executor
    with _executor_lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(max_workers=settings.INPROCESS_TASK_THREADS, thread_name_prefix="inprocess-task")
        return _executor


def _run_in_background(task: Task, args: tuple) -> None:
    try:
        # apply() runs the task here with is_eager set, exactly as an eager delay() would.
        task.apply(args=args, throw=True)
    except Exception:
        logger.exception("In-process task %s%r failed", task.name, args)
    finally:
        # Threads of the pool outlive the task; do not leave their connections open.
        connections.close_all()
