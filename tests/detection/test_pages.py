"""The detection pages exist and say what is coming; the features arrive later."""

import pytest
from django.urls import reverse


@pytest.mark.parametrize(
    ("name", "heading"),
    [
        ("detection:live", "Live camera"),
        ("detection:analyze", "Analyze an image"),
        ("detection:history", "History"),
        ("detection:reports", "Reports"),
    ],
)
def test_each_page_says_what_it_will_do(alice_client, name, heading):
    html = alice_client.get(reverse(name)).content.decode()

    assert f'<h1 class="h3 mb-3">{heading}</h1>' in html
    assert "Coming soon" in html


def test_the_analyze_page_states_the_upload_limit(alice_client, settings):
    settings.ANALYSIS_MAX_UPLOAD_BYTES = 5 * 1024 * 1024

    assert "up to 5 MB" in alice_client.get(reverse("detection:analyze")).content.decode()
