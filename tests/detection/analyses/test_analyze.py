"""The "Analyze image" page: upload or URL in, a pending analysis and its result page out; every
bad input is a clear message on the form, never a server error or a stray file."""

import pytest
from django.urls import reverse

from detection.analyses import services
from detection.models import Analysis
from tests.detection.conftest import pixel_bomb_png, stored_files, upload

URL = reverse("detection:analyze")


@pytest.fixture
def queued(monkeypatch) -> list[int]:
    ids: list[int] = []
    monkeypatch.setattr(services, "_queue_analysis", ids.append)
    return ids


def test_it_offers_an_upload_with_drag_and_drop_and_a_url(alice_client, settings):
    settings.ANALYSIS_MAX_UPLOAD_BYTES = 5 * 1024 * 1024

    html = alice_client.get(URL).content.decode()

    assert 'type="file"' in html
    assert 'name="url"' in html
    assert 'id="dropzone"' in html
    assert "up to 5 MB" in html
    assert 'enctype="multipart/form-data"' in html


def test_an_upload_creates_a_pending_analysis_and_shows_its_page(
    alice_client, alice, astronaut_jpeg, queued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = alice_client.post(URL, {"image": upload(astronaut_jpeg)})

    analysis = Analysis.objects.get()
    assert response.url == analysis.get_absolute_url()
    assert analysis.owner == alice
    assert analysis.source == Analysis.Source.UPLOAD
    assert queued == [analysis.pk]


def test_a_url_creates_a_pending_url_analysis(alice_client, queued, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = alice_client.post(URL, {"url": "https://images.example.com/face.jpg"})

    analysis = Analysis.objects.get()
    assert response.url == analysis.get_absolute_url()
    assert analysis.source == Analysis.Source.URL
    assert queued == [analysis.pk]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Choose an image file or give the address of one."),
        ({"url": "not a url at all"}, "Enter a valid URL."),
        ({"url": "ftp://example.com/a.jpg"}, "Only http:// and https://"),
        ({"url": "http://192.168.1.10/cam.jpg"}, "private or local network"),
        ({"url": "http://169.254.169.254/latest/meta-data/"}, "private or local network"),
    ],
)
def test_it_explains_what_is_wrong_with_the_form(alice_client, queued, data, message):
    response = alice_client.post(URL, data)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Analysis.objects.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The submitted file is empty."),
        (b"<html>hello</html>", "not an image we can read"),
        (pixel_bomb_png(), "megapixels"),
    ],
    ids=["zero bytes", "not an image", "pixel bomb"],
)
def test_it_explains_why_an_upload_was_refused_and_keeps_no_file(alice_client, queued, media_root, content, message):
    response = alice_client.post(URL, {"image": upload(content, name="x.jpg")})

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Analysis.objects.exists()
    assert stored_files(media_root) == []


def test_it_refuses_a_truncated_jpeg(alice_client, queued, media_root, astronaut_jpeg):
    response = alice_client.post(URL, {"image": upload(astronaut_jpeg[:5000])})

    assert "damaged or truncated" in response.content.decode()
    assert stored_files(media_root) == []


def test_it_refuses_an_oversized_file(alice_client, queued, media_root, settings, astronaut_jpeg):
    settings.ANALYSIS_MAX_UPLOAD_BYTES = 10 * 1024

    response = alice_client.post(URL, {"image": upload(astronaut_jpeg)})

    assert "The file is larger than 10.0" in response.content.decode()
    assert stored_files(media_root) == []


def test_it_refuses_a_file_and_a_url_together(alice_client, queued, astronaut_jpeg):
    response = alice_client.post(URL, {"image": upload(astronaut_jpeg), "url": "https://example.com/a.jpg"})

    assert "not both" in response.content.decode()
    assert not Analysis.objects.exists()


@pytest.mark.slow
def test_in_process_the_upload_is_analysed_before_its_page_opens(
    alice_client, astronaut_jpeg, celery_eager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = alice_client.post(URL, {"image": upload(astronaut_jpeg)})

    html = alice_client.get(response.url).content.decode()
    assert Analysis.objects.get().status == Analysis.Status.DONE
    assert "Face 1" in html
    assert "Suggestion:" in html
