"""Guessing passwords and hammering the API get clear 429s with Retry-After; lock-outs end."""

from __future__ import annotations

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from tests.helpers import PASSWORD


@pytest.fixture(autouse=True)
def fresh_counters(settings):
    settings.AXES_FAILURE_LIMIT = 3
    cache.clear()  # DRF's throttles count in the cache.
    yield
    cache.clear()


def form_login(client: Client, password: str, username: str = "alice"):
    return client.post(reverse("login"), {"username": username, "password": password})


def token_login(password: str, username: str = "alice", address: str = "127.0.0.1"):
    return APIClient(REMOTE_ADDR=address).post(reverse("api:auth_token"), {"username": username, "password": password}, format="json")


def test_the_log_in_form_locks_an_account_after_repeated_failures_even_for_the_right_password(client, alice):
    assert [form_login(client, "wrong").status_code for _ in range(2)] == [200, 200]

    locked = form_login(client, "wrong")
    right_password = form_login(client, PASSWORD)

    assert locked.status_code == 429
    assert int(locked["Retry-After"]) == 15 * 60
    assert "Too many failed log-in attempts" in locked.content.decode()
    assert right_password.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_lock_out_counts_per_account_from_any_address(alice):
    for address in ("10.0.0.1", "10.0.0.2", "10.0.0.3"):
        Client(REMOTE_ADDR=address).post(reverse("login"), {"username": "alice", "password": "wrong"})

    assert form_login(Client(REMOTE_ADDR="10.0.0.4"), PASSWORD).status_code == 429


def test_the_lock_out_counts_per_address_across_accounts(alice, bob):
    client = Client(REMOTE_ADDR="10.9.9.9")
    for username in ("alice", "bob", "carol"):
        form_login(client, "wrong", username=username)

    assert form_login(client, PASSWORD, username="bob").status_code == 429


def test_a_lock_out_ends_after_the_cool_off(client, alice):
    for _ in range(3):
        form_login(client, "wrong")
    AccessAttempt.objects.update(attempt_time=dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc))

    response = form_login(client, PASSWORD)

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(alice.pk)


def test_the_token_endpoint_locks_out_with_a_429(alice):
    assert [token_login("wrong").status_code for _ in range(3)] == [400, 400, 429]

    response = token_login(PASSWORD)

    assert response.status_code == 429
    assert int(response["Retry-After"]) == 15 * 60
    assert "token" not in response.json()


def rates(monkeypatch, **rates: str) -> None:
    # DRF reads the rates once, into the throttle class.
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"user": "1000/minute", "auth": "1000/minute", **rates})


def test_the_token_endpoint_is_rate_limited_per_address(monkeypatch, alice):
    rates(monkeypatch, auth="2/minute")

    statuses = [token_login(PASSWORD).status_code for _ in range(3)]

    assert statuses == [200, 200, 429]
    assert token_login(PASSWORD, address="10.1.1.1").status_code == 200


def test_the_api_is_rate_limited_per_user(monkeypatch, alice_client, bob_client):
    rates(monkeypatch, user="5/minute")
    url = reverse("api:analysis-list")

    statuses = [alice_client.get(url).status_code for _ in range(6)]

    assert statuses == [200] * 5 + [429]
    response = alice_client.get(url)
    assert 0 < int(response["Retry-After"]) <= 60
    assert bob_client.get(url).status_code == 200
