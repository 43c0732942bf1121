"""Every way an analysis is deleted removes its image files, and the sweep removes files that
no analysis refers to."""

from __future__ import annotations

import datetime as dt
import os
import time

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from detection.analyses.maintenance import media_sweep
from detection.models import Analysis
from tests.detection.conftest import stored_files
from tests.helpers import PASSWORD


@pytest.fixture
def superuser_client(db) -> Client:
    client = Client()
    client.force_login(User.objects.create_superuser("root", "root@example.com", PASSWORD))
    return client


def test_deleting_one_analysis_in_the_admin_removes_its_files(
    superuser_client, alice, make_analysis, media_root, django_capture_on_commit_callbacks
):
    analysis, kept = make_analysis(alice), make_analysis(alice)

    with django_capture_on_commit_callbacks(execute=True):
        response = superuser_client.post(reverse("admin:detection_analysis_delete", args=[analysis.pk]), {"post": "yes"})

    assert response.status_code == 302
    assert stored_files(media_root) == sorted([kept.original.name, kept.annotated.name])


def test_bulk_deleting_analyses_in_the_admin_removes_their_files(
    superuser_client, alice, bob, make_analysis, media_root, django_capture_on_commit_callbacks
):
    analyses = [make_analysis(alice), make_analysis(bob), make_analysis(alice, faces=0)]

    with django_capture_on_commit_callbacks(execute=True):
        superuser_client.post(
            reverse("admin:detection_analysis_changelist"),
            {"action": "delete_selected", "_selected_action": [a.pk for a in analyses], "post": "yes"},
        )

    assert not Analysis.objects.exists()
    assert stored_files(media_root) == []


def test_deleting_a_user_in_the_admin_removes_their_analyses_files(
    superuser_client, alice, bob, make_analysis, media_root, django_capture_on_commit_callbacks
):
    make_analysis(alice)
    make_analysis(alice)
    bobs = make_analysis(bob)

    with django_capture_on_commit_callbacks(execute=True):
        superuser_client.post(reverse("admin:accounts_user_delete", args=[alice.pk]), {"post": "yes"})

    assert not User.objects.filter(pk=alice.pk).exists()
    assert stored_files(media_root) == sorted([bobs.original.name, bobs.annotated.name])


def test_deleting_a_user_in_code_removes_their_files(alice, make_analysis, media_root, django_capture_on_commit_callbacks):
    make_analysis(alice)

    with django_capture_on_commit_callbacks(execute=True):
        alice.delete()

    assert stored_files(media_root) == []


def test_a_rolled_back_deletion_keeps_the_files(alice, make_analysis, media_root, django_capture_on_commit_callbacks):
    from django.db import transaction

    analysis = make_analysis(alice)

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        analysis.delete()
        raise RuntimeError("roll back")

    assert len(stored_files(media_root)) == 2


def age(media_root, name: str, seconds: float) -> None:
    past = time.time() - seconds
    os.utime(media_root / name, (past, past))


def test_the_sweep_removes_old_files_no_analysis_refers_to(alice, make_analysis, media_root):
    analysis = make_analysis(alice)
    old_orphan, young_orphan = "analyses/1/old-orphan.jpg", "analyses/1/young-orphan.jpg"
    for name in (old_orphan, young_orphan):
        (media_root / name).parent.mkdir(parents=True, exist_ok=True)
        (media_root / name).write_bytes(b"x")
    for name in (old_orphan, analysis.original.name, analysis.annotated.name):
        age(media_root, name, 2 * 3600)

    removed = media_sweep(modified_before=timezone.now() - dt.timedelta(hours=1))

    assert removed == [old_orphan]
    assert stored_files(media_root) == sorted([analysis.original.name, analysis.annotated.name, young_orphan])


def test_the_sweep_media_command_lists_and_removes_orphans(alice, make_analysis, media_root, capsys):
    make_analysis(alice)
    orphan = media_root / "analyses" / "7" / "orphan.jpg"
    orphan.parent.mkdir(parents=True)
    orphan.write_bytes(b"x")

    call_command("sweep_media", "--grace-seconds", "0", "--dry-run")
    assert orphan.exists()
    assert "Would remove 1 file." in capsys.readouterr().out

    call_command("sweep_media", "--grace-seconds", "0")
    assert not orphan.exists()
    assert len(stored_files(media_root)) == 2
