"""A Content-Security-Policy on every page, and pages that meet it: no inline script or style."""

import pytest
from django.urls import reverse

from tests.helpers import assert_meets_the_csp

PAGES = [
    ("home", []), ("login", []), ("signup", []), ("password_reset", []), ("profile", []), ("password_change", []),
    ("detection:analyze", []), ("detection:history", []), ("detection:reports", []), ("detection:live", []),
    ("detection:alerts", []),
]  # fmt: skip


def policy(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part for part in (p.strip() for p in header.split(";")) if part}


@pytest.mark.parametrize(("name", "args"), PAGES)
def test_every_page_sends_the_policy_and_meets_it(alice_client, name, args):
    response = alice_client.get(reverse(name, args=args))

    directives = policy(response)
    assert directives["script-src"] == "script-src 'self'"
    assert directives["style-src"] == "style-src 'self'"
    assert directives["object-src"] == "object-src 'none'"
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert_meets_the_csp(response.content.decode())


def test_an_api_response_sends_the_policy_too(alice_client):
    assert "default-src 'self'" in alice_client.get(reverse("api:analysis-list"))["Content-Security-Policy"]


@pytest.mark.parametrize("name", ["api:redoc", "api:docs"])
def test_the_api_docs_meet_their_own_policy_with_nothing_from_elsewhere(client, db, name):
    response = client.get(reverse(name))

    directives = policy(response)
    # ReDoc and Swagger UI style elements from script: allowed on these views only.
    assert directives["style-src"] == "style-src 'self' 'unsafe-inline'"
    assert directives["script-src"] == "script-src 'self'"
    html = response.content.decode()
    assert "fonts.googleapis.com" not in html and "https://" not in html
    assert "unsafe-inline" not in directives.get("script-src", "")
    assert "<style" not in html and "<script>" not in html
    assert 'rel="icon"' in html
