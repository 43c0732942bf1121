"""Deleting an analysis removes its faces and its image files."""

from django.urls import reverse

from detection.models import Analysis, DetectedFace
from tests.detection.conftest import stored_files


def delete_url(analysis) -> str:
    return reverse("detection:analysis_delete", args=[analysis.pk])


def test_it_asks_for_confirmation(alice_client, alice, make_analysis):
    analysis = make_analysis(alice)

    html = alice_client.get(delete_url(analysis)).content.decode()

    assert "Delete this analysis?" in html
    assert Analysis.objects.exists()


def test_it_deletes_the_analysis_faces_and_files(alice_client, alice, make_analysis, media_root, django_capture_on_commit_callbacks):
    analysis = make_analysis(alice, faces=2)
    assert len(stored_files(media_root)) == 2

    with django_capture_on_commit_callbacks(execute=True):
        response = alice_client.post(delete_url(analysis))

    assert response.url == reverse("detection:history")
    assert not Analysis.objects.exists()
    assert not DetectedFace.objects.exists()
    assert stored_files(media_root) == []


def test_another_user_gets_404_and_deletes_nothing(bob_client, alice, make_analysis, media_root):
    analysis = make_analysis(alice)

    assert bob_client.post(delete_url(analysis)).status_code == 404
    assert bob_client.get(delete_url(analysis)).status_code == 404
    assert Analysis.objects.filter(pk=analysis.pk).exists()
    assert len(stored_files(media_root)) == 2
