"""Private media: images are served by a view that checks the owner; nothing else serves them."""

import pytest
from django.test import Client
from django.urls import reverse
from PIL import Image

from accounts.models import User
from tests.helpers import PASSWORD


def image_url(analysis, kind: str) -> str:
    return reverse("detection:analysis_image", args=[analysis.pk, kind])


@pytest.mark.parametrize("kind", ["original", "annotated", "thumbnail"])
def test_the_owner_gets_each_image(alice_client, alice, make_analysis, kind):
    analysis = make_analysis(alice)

    response = alice_client.get(image_url(analysis, kind))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert "private" in response["Cache-Control"]


def test_the_thumbnail_is_small(alice_client, alice, make_analysis):
    import io

    analysis = make_analysis(alice)

    response = alice_client.get(image_url(analysis, "thumbnail"))

    assert max(Image.open(io.BytesIO(response.content)).size) <= 320


@pytest.mark.parametrize("kind", ["original", "annotated", "thumbnail"])
def test_another_user_gets_404(bob_client, alice, make_analysis, kind):
    analysis = make_analysis(alice)

    assert bob_client.get(image_url(analysis, kind)).status_code == 404


def test_staff_can_see_any_image(alice, make_analysis):
    analysis = make_analysis(alice)
    staff = Client()
    staff.force_login(User.objects.create_user("carol", "carol@example.com", PASSWORD, is_staff=True))

    assert staff.get(image_url(analysis, "original")).status_code == 200


def test_an_anonymous_visitor_is_sent_to_log_in(client, alice, make_analysis):
    analysis = make_analysis(alice)

    response = client.get(image_url(analysis, "original"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_an_unknown_kind_or_a_missing_image_is_404(alice_client, alice, make_analysis):
    analysis = make_analysis(alice, faces=0)

    assert alice_client.get(image_url(analysis, "secret")).status_code == 404
    assert alice_client.get(image_url(analysis, "annotated")).status_code == 404


def test_media_files_have_no_public_url(alice_client, alice, make_analysis):
    analysis = make_analysis(alice)

    assert alice_client.get(f"/media/{analysis.original.name}").status_code == 404
