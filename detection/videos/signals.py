"""The maintenance round (detection.analyses.maintenance) also requeues videos whose job went
silent: a worker or web process that died mid-video. The job resumes from its checkpoint.

A video's files (the upload and its thumbnail) follow its row out of the database, whatever
deleted it: the owner, the admin, the retention sweep or the cascade of an account's deletion,
once the deletion is committed (as detection.analyses.signals does for images).
"""

from __future__ import annotations

import datetime as dt

from django.db.models.signals import post_delete
from django.dispatch import receiver

from detection.analyses.maintenance import maintenance_round
from detection.core.files import delete_files_on_commit
from detection.models import Video
from detection.videos.services import video_recover_stuck


@receiver(maintenance_round)
def requeue_stuck_videos(sender, *, stuck_before: dt.datetime, **kwargs) -> dict:
    return {"videos_requeued": video_recover_stuck(stuck_before=stuck_before)}


@receiver(post_delete, sender=Video, dispatch_uid="detection.video_files_delete")
def video_files_delete(sender, instance: Video, using: str, **kwargs) -> None:
    delete_files_on_commit([instance.file, instance.thumbnail], using=using)
