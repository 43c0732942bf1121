"""The admin lists every analysis for staff, with faces inline and images through the private view."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from tests.helpers import PASSWORD


@pytest.fixture
def admin_client_(db) -> Client:
    client = Client()
    client.force_login(User.objects.create_superuser("root", "root@example.com", PASSWORD))
    return client


def test_staff_see_everyones_analyses_with_thumbnails(admin_client_, alice, bob, make_analysis):
    mine, theirs = make_analysis(alice), make_analysis(bob)

    html = admin_client_.get(reverse("admin:detection_analysis_changelist")).content.decode()

    for analysis in (mine, theirs):
        assert reverse("detection:analysis_image", args=[analysis.pk, "thumbnail"]) in html


def test_an_analysis_shows_its_faces_inline(admin_client_, alice, make_analysis):
    analysis = make_analysis(alice, faces=2, dominant="fear")

    response = admin_client_.get(reverse("admin:detection_analysis_change", args=[analysis.pk]))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Detected faces" in html
    assert reverse("detection:analysis_image", args=[analysis.pk, "annotated"]) in html
