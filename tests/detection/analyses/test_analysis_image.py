"""Private media: images are served by a view that checks the owner; nothing else serves them."""

import pytest
from django.contrib.auth.models import Permission
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


def staff_client(**fields) -> Client:
    client = Client()
    client.force_login(User.objects.create_user("carol", "carol@example.com", PASSWORD, is_staff=True, **fields))
    return client


def test_staff_with_the_view_analysis_permission_can_see_any_image(alice, make_analysis):
    analysis = make_analysis(alice)
    staff = staff_client()
    staff_user = User.objects.get(username="carol")
    staff_user.user_permissions.add(Permission.objects.get(codename="view_analysis", content_type__app_label="detection"))

    assert staff.get(image_url(analysis, "original")).status_code == 200


def test_a_superuser_can_see_any_image(alice, make_analysis):
    analysis = make_analysis(alice)

    assert staff_client(is_superuser=True).get(image_url(analysis, "annotated")).status_code == 200


@pytest.mark.parametrize("kind", ["original", "annotated", "thumbnail"])
def test_staff_without_the_view_analysis_permission_get_404(alice, make_analysis, kind):
    analysis = make_analysis(alice)

    assert staff_client().get(image_url(analysis, kind)).status_code == 404


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


def _image(response) -> Image.Image:
    import io

    return Image.open(io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content)).convert("RGB")


def test_the_thumbnail_is_a_4_by_3_crop_centred_on_the_faces(alice_client, alice, make_analysis, tmp_path):
    from django.core.files.base import ContentFile

    # A wide image, white on the left, black elsewhere, with the "face" on the far left: a
    # centre crop would show only black.
    image = Image.new("RGB", (1200, 300), "black")
    image.paste((255, 255, 255), (0, 0, 200, 300))
    buffer = __import__("io").BytesIO()
    image.save(buffer, format="JPEG")
    analysis = make_analysis(alice, with_images=False)
    analysis.original.save("original.jpg", ContentFile(buffer.getvalue()))
    analysis.faces.update(x=20, y=100, w=100, h=100)

    thumbnail = _image(alice_client.get(image_url(analysis, "thumbnail")))

    assert thumbnail.size == (320, 240)
    assert thumbnail.getpixel((40, 120))[0] > 200  # The face's side of the image is in view.


def test_the_marked_image_downloads_with_the_face_numbers(alice_client, alice, make_analysis):
    analysis = make_analysis(alice, faces=2, width=512, height=512)
    analysis.faces.filter(index=1).update(x=300)

    plain = _image(alice_client.get(image_url(analysis, "annotated")))
    response = alice_client.get(image_url(analysis, "annotated"), {"download": 1})
    numbered = _image(response)

    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert f'filename="stress-detector-analysis-{analysis.pk}.jpg"' in response["Content-Disposition"]
    assert numbered.size == plain.size
    # A numbered disc in the emotion's colour is drawn at each face's top-left corner.
    for x, y in ((10, 10), (300, 10)):
        before, after = plain.getpixel((x + 5, y + 5)), numbered.getpixel((x + 5, y + 5))
        assert sum(abs(a - b) for a, b in zip(before, after, strict=True)) > 60


def test_another_user_cannot_download_the_marked_image(bob_client, alice, make_analysis):
    analysis = make_analysis(alice)

    assert bob_client.get(image_url(analysis, "annotated"), {"download": 1}).status_code == 404
