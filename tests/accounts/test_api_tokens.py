"""API tokens: hashed at rest, expiring, listed and revocable on the profile page, and revoked
by a password change or reset and by the API's log out."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import ApiToken
from tests.helpers import PASSWORD

NEW_PASSWORD = "a-new-and-longer-passphrase"
LIST_URL = reverse("api:analysis-list")


def get_token(username: str = "alice", password: str = PASSWORD, **extra) -> str:
    response = APIClient().post(reverse("api:auth_token"), {"username": username, "password": password, **extra}, format="json")
    assert response.status_code == 200, response.content
    return response.json()["token"]


def api(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def is_refused(token: str) -> bool:
    # 403 rather than 401: the session authenticator comes first and sends no challenge.
    return api(token).get(LIST_URL).status_code in (401, 403)


def test_a_script_gets_a_token_and_uses_it(alice):
    token = get_token()

    response = api(token).get(LIST_URL)

    assert response.status_code == 200
    assert response.json()["count"] == 0


def test_the_token_is_stored_only_as_a_digest_and_expires(alice, settings):
    token = get_token()

    stored = ApiToken.objects.get(user=alice)
    assert token not in (stored.digest, stored.token_key)
    assert stored.digest != token and len(stored.digest) == 128
    assert timezone.now() + dt.timedelta(days=29) < stored.expiry <= timezone.now() + dt.timedelta(days=30)


def test_an_expired_token_is_refused(alice):
    token = get_token()
    ApiToken.objects.filter(user=alice).update(expiry=timezone.now() - dt.timedelta(seconds=1))

    assert is_refused(token)


def test_wrong_credentials_get_no_token(alice):
    response = APIClient().post(reverse("api:auth_token"), {"username": "alice", "password": "wrong"}, format="json")

    assert response.status_code == 400
    assert not ApiToken.objects.exists()


def test_changing_the_password_revokes_every_token(alice_client, alice):
    tokens = [get_token(), get_token()]

    alice_client.post(reverse("password_change"), {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    assert all(is_refused(token) for token in tokens)
    assert not ApiToken.objects.filter(user=alice).exists()


def test_resetting_the_password_revokes_every_token(client, alice):
    token = get_token()
    client.post(reverse("password_reset"), {"email": "alice@example.com"})
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", mail.outbox[0].body).group(1)
    set_url = client.get(link, follow=True).redirect_chain[-1][0]

    client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    assert is_refused(token)


def test_the_api_log_out_revokes_the_token_in_use_only(alice):
    used, other = get_token(), get_token()

    assert api(used).post(reverse("api:auth_logout")).status_code == 204

    assert is_refused(used)
    assert api(other).get(LIST_URL).status_code == 200


def test_the_profile_lists_tokens_with_when_they_were_created_and_last_used(alice_client, alice):
    token = get_token(name="nightly export")
    api(token).get(LIST_URL)

    html = alice_client.get(reverse("profile")).content.decode()

    stored = ApiToken.objects.get(user=alice)
    assert stored.last_used_at is not None
    assert "nightly export" in html
    assert stored.token_key[:8] in html
    assert token not in html
    assert reverse("api_token_revoke", args=[stored.token_key]) in html


def test_the_profile_creates_a_token_and_shows_it_once_at_the_top_after_a_redirect(alice_client, alice):
    response = alice_client.post(reverse("api_token_create"), {"name": "laptop"})

    # Post/redirect/get: reloading the page it lands on makes no second token.
    assert response.status_code == 302 and response.url == reverse("profile")
    html = alice_client.get(response.url).content.decode()
    token = re.search(r'id="new-api-token">([^<]+)<', html).group(1)
    assert api(token).get(LIST_URL).status_code == 200
    assert html.index("Your profile</h1>") < html.index('id="new-api-token"') < html.index("<form method=\"post\" novalidate")
    assert 'data-copy-target="new-api-token"' in html and "js/copy.js" in html
    reloaded = alice_client.get(reverse("profile")).content.decode()
    assert token not in reloaded
    assert ApiToken.objects.filter(user=alice).count() == 1


def test_the_token_section_links_the_api_docs(alice_client):
    html = alice_client.get(reverse("profile")).content.decode()

    assert reverse("api:redoc") in html and reverse("api:docs") in html


def test_the_profile_revokes_a_token(alice_client, alice):
    token = get_token()
    key = ApiToken.objects.get(user=alice).token_key

    response = alice_client.post(reverse("api_token_revoke", args=[key]))

    assert response.url == reverse("profile")
    assert is_refused(token)


def test_a_user_cannot_revoke_someone_elses_token(bob_client, alice):
    token = get_token()
    key = ApiToken.objects.get(user=alice).token_key

    bob_client.post(reverse("api_token_revoke", args=[key]))

    assert api(token).get(LIST_URL).status_code == 200


@pytest.mark.parametrize("url", [reverse("api_token_create"), reverse("api_token_revoke", args=["abc"])])
def test_token_pages_refuse_get(alice_client, url):
    assert alice_client.get(url).status_code == 405
