import pytest
from django.urls import reverse

PRIVATE_PAGES = [
    "detection:live",
    "detection:analyze",
    "detection:history",
    "detection:reports",
    "profile",
    "password_change",
    "password_change_done",
]
PUBLIC_PAGES = ["home", "login", "signup", "password_reset", "password_reset_done", "password_reset_complete"]


@pytest.mark.django_db
@pytest.mark.parametrize("name", PRIVATE_PAGES)
def test_a_visitor_is_sent_to_log_in(client, name):
    url = reverse(name)

    response = client.get(url)

    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={url}"


@pytest.mark.parametrize("name", PRIVATE_PAGES)
def test_a_logged_in_user_sees_the_page(alice_client, name):
    assert alice_client.get(reverse(name)).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_a_visitor_sees_the_public_pages(client, name):
    assert client.get(reverse(name)).status_code == 200


@pytest.mark.django_db
def test_the_admin_needs_a_login(client):
    response = client.get(reverse("admin:index"))

    assert response.status_code == 302
    assert reverse("admin:index") in response.url
