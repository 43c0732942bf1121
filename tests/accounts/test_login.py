from django.urls import reverse

from tests.helpers import PASSWORD


def test_it_shows_the_form(client, db):
    response = client.get(reverse("login"))

    assert response.status_code == 200
    assert b"Forgot your password?" in response.content


def test_it_logs_in_with_username_and_password(client, alice):
    response = client.post(reverse("login"), {"username": "alice", "password": PASSWORD})

    assert response.status_code == 302
    assert response.url == reverse("home")
    assert int(client.session["_auth_user_id"]) == alice.pk


def test_it_rejects_a_wrong_password(client, alice):
    response = client.post(reverse("login"), {"username": "alice", "password": "wrong"})

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert b"correct username and password" in response.content


def test_it_returns_to_the_page_that_asked_for_login(client, alice):
    response = client.post(reverse("login"), {"username": "alice", "password": PASSWORD, "next": reverse("detection:history")})

    assert response.url == reverse("detection:history")


def test_it_logs_out_with_a_post(alice_client):
    response = alice_client.post(reverse("logout"))

    assert response.status_code == 302
    assert "_auth_user_id" not in alice_client.session
    assert alice_client.get(reverse("profile")).status_code == 302


def test_it_does_not_log_out_on_a_get(alice_client):
    response = alice_client.get(reverse("logout"))

    assert response.status_code == 405
    assert "_auth_user_id" in alice_client.session
