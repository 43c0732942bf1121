"""The Celery app. Configuration comes from the CELERY_* Django settings.

With REDIS_URL set, tasks go through Redis to a worker (`make worker`); without it they run
in-process (CELERY_TASK_ALWAYS_EAGER), so a single `make run` is a working platform.
"""

import os

from celery import Celery
from celery.signals import worker_ready

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stressdetector.settings.base")

app = Celery("stressdetector")
app.config_from_object("django.conf:settings", namespace="CELERY")
# Finds the tasks.py module of every installed app.
app.autodiscover_tasks()


@app.task(name="stressdetector.ping")
def ping() -> str:
    """Answer "pong": a cheap way to check that a worker is consuming tasks."""
    return "pong"


@worker_ready.connect
def recover_stuck_work_on_start(sender, **kwargs) -> None:
    """A worker that starts may be replacing one that died mid-task: look for stuck analyses."""
    from detection.tasks import maintenance_task

    maintenance_task.delay()


# Request ids in task logs, task durations in the metrics.
import stressdetector.ops.celery_hooks  # noqa: E402, F401
