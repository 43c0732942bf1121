"""The video job's Celery task: takes an id, calls one service.

acks_late with reject_on_worker_lost: a worker killed mid-video leaves the message on the broker,
another worker gets it, and ``video_run`` resumes from the last stored chunk (it gives up, with a
reason, after ``VIDEO_MAX_ATTEMPTS`` starts).
"""

from __future__ import annotations

import logging

from celery import shared_task

from detection.models import Video
from detection.videos.services import VIDEO_RUN_TASK, video_run

logger = logging.getLogger(__name__)


@shared_task(name=VIDEO_RUN_TASK, acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def video_run_task(video_id: int) -> None:
    try:
        video = video_run(video_id=video_id)
    except Video.DoesNotExist:
        logger.info("Video %s was deleted before it could run", video_id)
    else:
        logger.info("Video %s: %s, %s person(s)", video_id, video.status, video.person_count)
