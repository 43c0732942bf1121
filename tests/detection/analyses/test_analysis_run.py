"""detection.analyses.services.analysis_run: the task body. Runs the real model on real images."""

import pytest
from django.core.files.base import ContentFile

from detection.analyses import fetch, services
from detection.analyses.services import TransientAnalysisError, analysis_run
from detection.models import Analysis
from ml.emotions import EMOTIONS
from tests.detection.conftest import ASTRONAUT_FACE_CENTRE, face_contains, stored_files

pytestmark = pytest.mark.slow


def pending_upload(owner, content: bytes) -> Analysis:
    analysis = Analysis(owner=owner, source=Analysis.Source.UPLOAD)
    analysis.original.save("original.jpg", ContentFile(content), save=False)
    analysis.save()
    return analysis


def pending_url(owner, url: str) -> Analysis:
    return Analysis.objects.create(owner=owner, source=Analysis.Source.URL, source_url=url)


def test_it_finds_the_astronauts_face_and_stores_the_result(alice, astronaut_jpeg):
    analysis = analysis_run(analysis_id=pending_upload(alice, astronaut_jpeg).pk)

    assert analysis.status == Analysis.Status.DONE
    faces = list(analysis.faces.all())
    assert analysis.face_count == len(faces) >= 1
    assert any(face_contains(face, ASTRONAUT_FACE_CENTRE) for face in faces)
    face = faces[0]
    assert set(face.probabilities) == set(EMOTIONS)
    assert sum(face.probabilities.values()) == pytest.approx(1, abs=1e-3)
    assert face.dominant_emotion == max(face.probabilities, key=face.probabilities.get)
    assert 0 <= face.stress <= 1
    assert analysis.dominant_emotion in EMOTIONS
    assert analysis.stress == pytest.approx(max(f.stress for f in faces))
    assert (analysis.width, analysis.height) == (512, 512)
    assert analysis.model_version
    assert analysis.timings["total"] > 0
    assert analysis.annotated.name.startswith(f"analyses/{alice.pk}/")
    assert analysis.started_at <= analysis.finished_at


def test_an_image_without_a_face_is_done_with_no_faces(alice, blank_png):
    analysis = analysis_run(analysis_id=pending_upload(alice, blank_png).pk)

    assert analysis.status == Analysis.Status.DONE
    assert analysis.face_count == 0
    assert analysis.stress is None
    assert analysis.dominant_emotion == ""
    assert not analysis.annotated


def test_running_it_twice_changes_nothing(alice, astronaut_jpeg, media_root):
    analysis = pending_upload(alice, astronaut_jpeg)
    first = analysis_run(analysis_id=analysis.pk)
    files = stored_files(media_root)

    second = analysis_run(analysis_id=analysis.pk)

    assert second.finished_at == first.finished_at
    assert second.faces.count() == first.face_count
    assert stored_files(media_root) == files


def test_it_restarts_an_analysis_left_processing_by_a_dead_worker(alice, astronaut_jpeg):
    analysis = pending_upload(alice, astronaut_jpeg)
    Analysis.objects.filter(pk=analysis.pk).update(status=Analysis.Status.PROCESSING)

    analysis = analysis_run(analysis_id=analysis.pk)

    assert analysis.status == Analysis.Status.DONE
    assert analysis.faces.count() == analysis.face_count >= 1


def test_it_fetches_a_url_and_stores_it_like_an_upload(alice, image_server):
    analysis = analysis_run(analysis_id=pending_url(alice, image_server.url("/astronaut.jpg")).pk)

    assert analysis.status == Analysis.Status.DONE
    assert analysis.original.name.startswith(f"analyses/{alice.pk}/")
    assert analysis.face_count >= 1


def test_it_decodes_the_body_whatever_the_content_type_says(alice, image_server):
    analysis = analysis_run(analysis_id=pending_url(alice, image_server.url("/blank-as-html")).pk)

    assert analysis.status == Analysis.Status.DONE


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/page.html", "did not return an image we can read"),
        ("/missing.jpg", "answered 404"),
        ("/empty", "empty body"),
        ("/loop-a", "redirects in a loop"),
        ("/to-metadata", "private or local network"),
        ("/endless", "larger than"),
    ],
)
def test_a_bad_url_fails_with_the_reason_and_leaves_no_file(alice, image_server, media_root, settings, path, reason):
    settings.ANALYSIS_MAX_UPLOAD_BYTES = 1024 * 1024

    analysis = analysis_run(analysis_id=pending_url(alice, image_server.url(path)).pk)

    assert analysis.status == Analysis.Status.FAILED
    assert reason in analysis.error
    assert analysis.finished_at is not None
    assert stored_files(media_root) == []


def test_a_private_address_fails(alice, settings):
    settings.ANALYSIS_URL_ALLOWED_HOSTS = []

    analysis = analysis_run(analysis_id=pending_url(alice, "http://localhost:9/a.jpg").pk)

    assert analysis.status == Analysis.Status.FAILED
    assert "private or local network" in analysis.error


def test_a_timeout_goes_back_to_pending_when_it_may_be_retried(alice, image_server, monkeypatch):
    monkeypatch.setattr(fetch, "READ_TIMEOUT_S", 0.2)
    analysis = pending_url(alice, image_server.url("/slow"))

    with pytest.raises(TransientAnalysisError, match="too long"):
        analysis_run(analysis_id=analysis.pk, retry_transient=True)

    analysis.refresh_from_db()
    assert analysis.status == Analysis.Status.PENDING


def test_a_timeout_fails_on_the_last_attempt(alice, image_server, monkeypatch):
    monkeypatch.setattr(fetch, "READ_TIMEOUT_S", 0.2)

    analysis = analysis_run(analysis_id=pending_url(alice, image_server.url("/slow")).pk)

    assert analysis.status == Analysis.Status.FAILED
    assert "too long" in analysis.error


def test_an_unexpected_error_fails_the_analysis_instead_of_leaving_it_processing(alice, astronaut_jpeg, monkeypatch):
    def broken(image):
        raise RuntimeError("model exploded")

    monkeypatch.setattr(services, "analyze_image", broken)

    analysis = analysis_run(analysis_id=pending_upload(alice, astronaut_jpeg).pk)

    assert analysis.status == Analysis.Status.FAILED
    assert "unexpectedly" in analysis.error


def test_a_deleted_analysis_raises_does_not_exist(alice):
    with pytest.raises(Analysis.DoesNotExist):
        analysis_run(analysis_id=12345)


def test_a_finished_analysis_is_checked_against_the_stress_alert_rule(alice, astronaut_jpeg, monkeypatch):
    checked = []
    monkeypatch.setattr(services, "alerts_check_analysis", lambda *, analysis: checked.append(analysis.pk))
    analysis = pending_upload(alice, astronaut_jpeg)

    analysis_run(analysis_id=analysis.pk)
    analysis_run(analysis_id=analysis.pk)

    assert checked == [analysis.pk]


def test_a_failing_alert_check_does_not_fail_the_analysis(alice, astronaut_jpeg, monkeypatch):
    def broken(*, analysis):
        raise RuntimeError("twilio exploded")

    monkeypatch.setattr(services, "alerts_check_analysis", broken)

    analysis = analysis_run(analysis_id=pending_upload(alice, astronaut_jpeg).pk)

    assert analysis.status == Analysis.Status.DONE
