"""Personal pages and API answers are never cached, and an idle browser session ends."""

import pytest
from django.conf import settings
from django.urls import reverse

from accounts.middleware import SESSION_REFRESH_SECONDS


def test_signed_in_pages_are_not_stored(alice_client):
    response = alice_client.get(reverse("profile"))

    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_api_answers_to_a_token_are_not_stored(alice_api):
    response = alice_api.get("/api/v1/me/")

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_a_view_marked_public_keeps_its_caching(alice_client):
    response = alice_client.get(reverse("palette"))

    assert response["Cache-Control"].startswith("public")


@pytest.mark.django_db
def test_anonymous_pages_are_left_alone(client):
    response = client.get(reverse("home"))

    assert "no-store" not in response.get("Cache-Control", "")


def test_a_session_ends_after_the_idle_time(alice_client):
    response = alice_client.get(reverse("profile"))

    assert settings.SESSION_COOKIE_AGE == settings.SESSION_IDLE_MINUTES * 60
    assert response.cookies["sessionid"]["max-age"] == settings.SESSION_COOKIE_AGE


def test_each_request_pushes_the_expiry_back_at_most_once_a_minute(alice_client):
    alice_client.get(reverse("profile"))
    again_at_once = alice_client.get(reverse("profile"))
    session = alice_client.session
    session["_refreshed_at"] -= SESSION_REFRESH_SECONDS
    session.save()

    a_minute_later = alice_client.get(reverse("profile"))

    assert "sessionid" not in again_at_once.cookies
    assert a_minute_later.cookies["sessionid"]["max-age"] == settings.SESSION_COOKIE_AGE
