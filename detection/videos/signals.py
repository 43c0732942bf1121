"""The maintenance round (detection.analyses.maintenance) also requeues videos whose job went
silent: a worker or web process that died mid-video. The job resumes from its checkpoint."""

from __future__ import annotations

import datetime as dt

from django.dispatch import receiver

from detection.analyses.maintenance import maintenance_round
from detection.videos.services import video_recover_stuck


@receiver(maintenance_round)
def requeue_stuck_videos(sender, *, stuck_before: dt.datetime, **kwargs) -> dict:
    return {"videos_requeued": video_recover_stuck(stuck_before=stuck_before)}
