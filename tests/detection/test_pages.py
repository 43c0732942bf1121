"""The detection pages exist and say what is coming; the features arrive later."""

import pytest
from django.urls import reverse


@pytest.mark.parametrize(
    ("name", "heading"),
    [
        ("detection:live", "Live camera"),
    ],
)
def test_each_page_says_what_it_will_do(alice_client, name, heading):
    html = alice_client.get(reverse(name)).content.decode()

    assert f'<h1 class="h3 mb-3">{heading}</h1>' in html
    assert "Coming soon" in html

