"""The status endpoint the result page polls."""

from django.urls import reverse

from detection.models import Analysis


def test_it_reports_the_status(alice_client, alice, make_analysis):
    analysis = make_analysis(alice, status=Analysis.Status.PROCESSING)

    data = alice_client.get(reverse("detection:analysis_status", args=[analysis.pk])).json()

    assert data == {"id": analysis.pk, "status": "processing", "status_display": "Processing", "is_finished": False}


def test_it_says_when_the_analysis_is_finished(alice_client, alice, make_analysis):
    analysis = make_analysis(alice)

    assert alice_client.get(reverse("detection:analysis_status", args=[analysis.pk])).json()["is_finished"] is True


def test_another_user_gets_404(bob_client, alice, make_analysis):
    analysis = make_analysis(alice, status=Analysis.Status.PENDING)

    assert bob_client.get(reverse("detection:analysis_status", args=[analysis.pk])).status_code == 404
