"""detection.analyses.services.analysis_create: validate, store the original privately, queue the task."""

import io

import pytest
from django.core.exceptions import ValidationError
from PIL import Image

from detection.analyses import services
from detection.models import Analysis
from tests.detection.conftest import pixel_bomb_png, stored_files, upload


@pytest.fixture
def queued(monkeypatch) -> list[int]:
    """Record what would be queued instead of running it."""
    ids: list[int] = []
    monkeypatch.setattr(services, "_queue_analysis", ids.append)
    return ids


def test_it_stores_an_upload_and_queues_it_after_commit(alice, astronaut_jpeg, queued, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        analysis = services.analysis_create(owner=alice, source="upload", image=upload(astronaut_jpeg))

    assert analysis.status == Analysis.Status.PENDING
    assert queued == [analysis.pk]
    assert analysis.original.name.startswith(f"analyses/{alice.pk}/")
    assert analysis.original.name.endswith(".jpg")
    assert "photo" not in analysis.original.name


def test_it_queues_nothing_if_the_transaction_rolls_back(alice, astronaut_jpeg, queued, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.analysis_create(owner=alice, source="upload", image=upload(astronaut_jpeg))

    assert queued == []
    assert len(callbacks) == 1


def test_it_applies_the_exif_orientation_and_drops_the_metadata(alice, queued):
    image = Image.new("RGB", (80, 40), (200, 10, 10))
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to display.
    exif[0x010F] = "SecretCam"  # Make.
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)

    analysis = services.analysis_create(owner=alice, source="upload", image=upload(buffer.getvalue()))

    with analysis.original.open("rb") as stored, Image.open(stored) as reopened:
        assert reopened.size == (40, 80)
        assert not reopened.getexif()
        assert b"SecretCam" not in analysis.original.read()


@pytest.mark.parametrize("image_format", ["PNG", "WEBP", "BMP", "GIF"])
def test_it_accepts_the_common_formats_and_stores_jpeg(alice, queued, image_format):
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), (0, 120, 200)).save(buffer, format=image_format)

    analysis = services.analysis_create(owner=alice, source="upload", image=upload(buffer.getvalue(), name=f"x.{image_format.lower()}"))

    with analysis.original.open("rb") as stored, Image.open(stored) as reopened:
        assert reopened.format == "JPEG"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"%PDF-1.7 definitely not an image", "not an image we can read"),
        (pixel_bomb_png(), "too large"),
        (pixel_bomb_png(8000, 8000), "too large"),
    ],
    ids=["zero bytes", "not an image", "pixel bomb", "64 megapixels"],
)
def test_it_refuses_bad_uploads_and_stores_nothing(alice, queued, media_root, content, message):
    with pytest.raises(ValidationError, match=message):
        services.analysis_create(owner=alice, source="upload", image=upload(content))

    assert not Analysis.objects.exists()
    assert stored_files(media_root) == []
    assert queued == []


def test_it_refuses_a_truncated_jpeg(alice, queued, media_root, astronaut_jpeg):
    with pytest.raises(ValidationError, match="damaged or truncated"):
        services.analysis_create(owner=alice, source="upload", image=upload(astronaut_jpeg[: len(astronaut_jpeg) // 2]))

    assert stored_files(media_root) == []


def test_it_refuses_a_file_over_the_size_limit(alice, queued, media_root, settings, astronaut_jpeg):
    settings.ANALYSIS_MAX_UPLOAD_BYTES = 1024

    with pytest.raises(ValidationError, match="larger than"):
        services.analysis_create(owner=alice, source="upload", image=upload(astronaut_jpeg))

    assert stored_files(media_root) == []


def test_it_refuses_a_tiff_even_though_pillow_reads_it(alice, queued):
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64)).save(buffer, format="TIFF")

    with pytest.raises(ValidationError, match="not an image we can read"):
        services.analysis_create(owner=alice, source="upload", image=upload(buffer.getvalue()))


def test_it_creates_a_url_analysis_without_fetching_yet(alice, queued, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        analysis = services.analysis_create(owner=alice, source="url", source_url="https://images.example.com/a.jpg")

    assert analysis.source_url == "https://images.example.com/a.jpg"
    assert not analysis.original
    assert queued == [analysis.pk]


@pytest.mark.parametrize("url", ["ftp://example.com/a.jpg", "http://10.0.0.1/a.jpg", "http://[::1]/a.jpg"])
def test_it_refuses_urls_it_can_tell_are_bad(alice, queued, url):
    with pytest.raises(ValidationError):
        services.analysis_create(owner=alice, source="url", source_url=url)

    assert not Analysis.objects.exists()


def test_it_removes_the_stored_file_if_the_row_cannot_be_saved(alice, queued, media_root, astronaut_jpeg, monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("database down")

    monkeypatch.setattr(Analysis, "save", fail)

    with pytest.raises(RuntimeError):
        services.analysis_create(owner=alice, source="upload", image=upload(astronaut_jpeg))

    assert stored_files(media_root) == []
