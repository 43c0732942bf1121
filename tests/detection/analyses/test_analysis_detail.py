"""The result page: images, every face with its chart, stress level and suggestion, and a page
that waits for itself while the analysis runs."""

import pytest
from django.urls import reverse

from detection.models import Analysis
from tests.helpers import assert_meets_the_csp


def detail_url(analysis: Analysis) -> str:
    return reverse("detection:analysis_detail", args=[analysis.pk])


def test_it_shows_the_images_faces_charts_stress_and_suggestion(alice_client, alice, make_analysis):
    analysis = make_analysis(alice, faces=2, dominant="sad", stress=0.75, width=512, height=512)

    html = alice_client.get(detail_url(analysis)).content.decode()

    assert reverse("detection:analysis_image", args=[analysis.pk, "original"]) in html
    assert reverse("detection:analysis_image", args=[analysis.pk, "annotated"]) in html
    assert html.count("data-face-chart=") == 2
    assert 'id="faces-data"' in html
    assert "chart.umd.min.js" in html
    assert "High stress" in html
    assert "Suggestion:" in html
    assert "reach out to a friend" in html
    assert "70% sure" in html
    assert html.count('class="face-crop') == 2


def test_it_says_clearly_when_no_face_was_found(alice_client, alice, make_analysis):
    analysis = make_analysis(alice, faces=0)

    html = alice_client.get(detail_url(analysis)).content.decode()

    assert "No face found" in html
    assert "data-face-chart" not in html


def test_it_shows_why_an_analysis_failed(alice_client, alice, make_analysis):
    error = "The address answered 404 Not Found instead of an image."
    analysis = make_analysis(alice, status=Analysis.Status.FAILED, with_images=False, error=error)

    html = alice_client.get(detail_url(analysis)).content.decode()

    assert "The analysis failed" in html
    assert "answered 404 Not Found" in html


def test_a_pending_analysis_shows_its_progress_and_polls_for_the_result(alice_client, alice, make_analysis):
    analysis = make_analysis(alice, status=Analysis.Status.PENDING)

    html = alice_client.get(detail_url(analysis)).content.decode()

    assert 'id="analysis-progress"' in html
    assert reverse("detection:analysis_status", args=[analysis.pk]) in html
    assert "Waiting for a worker" in html
    assert "js/analysis.js" in html


def test_another_user_gets_404(bob_client, alice, make_analysis):
    analysis = make_analysis(alice)

    assert bob_client.get(detail_url(analysis)).status_code == 404


def test_faces_are_numbered_left_to_right_on_the_cards_and_the_image(alice_client, alice, make_analysis):
    analysis = make_analysis(alice, faces=2, width=512, height=512)
    # Detection order puts the largest face first; here it is on the right.
    analysis.faces.filter(index=0).update(x=400, dominant_emotion="sad")
    analysis.faces.filter(index=1).update(x=20, dominant_emotion="happy")

    response = alice_client.get(detail_url(analysis))
    html = response.content.decode()

    assert [(face.number, face.x) for face in response.context["faces"]] == [(1, 20), (2, 400)]
    assert html.index('data-face-number="1"') < html.index('data-face-number="2"')
    assert '<circle cx="20" cy="10"' in html  # Number 1 drawn at the left face's corner.
    assert 'class="emotion-fill-happy"' in html
    assert "?download=1" in html


def test_a_face_below_the_threshold_is_shown_as_uncertain(alice_client, alice, make_analysis, settings):
    settings.EMOTION_UNCERTAIN_BELOW = 0.4
    analysis = make_analysis(alice, dominant="happy", stress=0.1)
    analysis.faces.update(confidence=0.31)

    html = alice_client.get(detail_url(analysis)).content.decode()

    assert "Uncertain" in html
    assert "hard to read" in html
    assert "31%" in html
    assert "Enjoy it" not in html


def test_a_stressed_face_that_looks_happy_gets_stress_advice(alice_client, alice, make_analysis):
    analysis = make_analysis(alice, dominant="happy", stress=0.61)

    html = alice_client.get(detail_url(analysis)).content.decode()

    assert "High stress · 61%" in html
    assert "Enjoy it" not in html
    assert "a lot of tension" in html


def test_the_model_version_is_not_shown_to_users(alice_client, alice, make_analysis):
    analysis = make_analysis(alice)

    assert "test-model" not in alice_client.get(detail_url(analysis)).content.decode()
@pytest.mark.parametrize("status", [Analysis.Status.DONE, Analysis.Status.PENDING, Analysis.Status.FAILED])
def test_the_result_page_meets_the_policy(alice_client, alice, make_analysis, status):
    analysis = make_analysis(alice, status=status, faces=2)

    response = alice_client.get(analysis.get_absolute_url())

    assert "Content-Security-Policy" in response
    assert_meets_the_csp(response.content.decode())
