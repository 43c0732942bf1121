"""The Celery app. Configuration comes from the CELERY_* Django settings.

With REDIS_URL set, tasks go through Redis to a worker (`make worker`); without it they run
in-process (CELERY_TASK_ALWAYS_EAGER), so a single `make run` is a working platform.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stressdetector.settings.base")

app = Celery("stressdetector")
app.config_from_object("django.conf:settings", namespace="CELERY")
# Finds the tasks.py module of every installed app (the detection app imports its subpackages'
# tasks modules, and connects their worker signals, when Django sets it up).
app.autodiscover_tasks()


@app.task(name="stressdetector.ping")
def ping() -> str:
    """Answer "pong": a cheap way to check that a worker is consuming tasks."""
    return "pong"


# Request ids in task logs, task durations in the metrics.
import stressdetector.ops.celery_hooks  # noqa: E402, F401
