"""Every way a video is deleted removes its files: the owner, the admin, the retention sweep and
the deletion of the account."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.services import user_delete
from detection.analyses.maintenance import retention_sweep
from detection.models import Video
from detection.videos.services import video_delete
from tests.detection.conftest import stored_files
from tests.helpers import PASSWORD


@pytest.fixture
def video_with_files(make_video):
    """A finished video whose upload and thumbnail are real files in MEDIA_ROOT."""

    def make(owner, **fields) -> Video:
        video = make_video(owner, [(0.0, 1, "happy", 0.9, 0.95)], **fields)
        video.file.save("clip.mp4", ContentFile(b"\x00\x00\x00\x18ftypmp42" + bytes(64)), save=False)
        video.thumbnail.save("thumb.jpg", ContentFile(b"\xff\xd8\xff" + bytes(32)), save=False)
        video.save(update_fields=["file", "thumbnail"])
        assert default_storage.exists(video.file.name) and default_storage.exists(video.thumbnail.name)
        return video

    return make


def test_the_owner_deleting_a_video_removes_its_files(alice, video_with_files, media_root, django_capture_on_commit_callbacks):
    video, kept = video_with_files(alice), video_with_files(alice)

    with django_capture_on_commit_callbacks(execute=True):
        video_delete(video=video)

    assert stored_files(media_root) == sorted([kept.file.name, kept.thumbnail.name])


def test_bulk_deleting_videos_in_the_admin_removes_their_files(alice, bob, video_with_files, media_root,
                                                              django_capture_on_commit_callbacks):
    client = Client()
    client.force_login(User.objects.create_superuser("root", "root@example.com", PASSWORD))
    videos = [video_with_files(alice), video_with_files(bob)]

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("admin:detection_video_changelist"),
                    {"action": "delete_selected", "_selected_action": [v.pk for v in videos], "post": "yes"})

    assert not Video.objects.exists()
    assert stored_files(media_root) == []


def test_deleting_an_account_removes_its_video_files_and_folder(alice, bob, video_with_files, media_root,
                                                                django_capture_on_commit_callbacks):
    video_with_files(alice)
    bobs = video_with_files(bob)

    with django_capture_on_commit_callbacks(execute=True):
        user_delete(user=alice)

    assert stored_files(media_root) == sorted([bobs.file.name, bobs.thumbnail.name])
    assert not (media_root / "videos" / str(alice.pk)).exists()


def test_retention_deletes_videos_past_it_with_their_files(alice, bob, video_with_files, media_root,
                                                          django_capture_on_commit_callbacks):
    alice.retention_days = 30
    alice.save(update_fields=["retention_days"])
    now = timezone.now()
    video_with_files(alice, created_at=now - dt.timedelta(days=31))
    recent = video_with_files(alice, created_at=now - dt.timedelta(days=29))
    bobs_old = video_with_files(bob, created_at=now - dt.timedelta(days=400))  # Bob keeps everything.

    with django_capture_on_commit_callbacks(execute=True):
        deleted = retention_sweep(now=now)

    assert deleted == 1  # Alice's old video (rows counted: analyses, videos, live sessions, alerts).
    assert set(Video.objects.values_list("pk", flat=True)) == {recent.pk, bobs_old.pk}
    assert stored_files(media_root) == sorted([recent.file.name, recent.thumbnail.name,
                                               bobs_old.file.name, bobs_old.thumbnail.name])
