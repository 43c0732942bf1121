import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from tests.helpers import PASSWORD

URL = reverse("signup")


def signup_data(**overrides) -> dict:
    data = {
        "username": "carol",
        "email": "carol@example.com",
        "display_name": "Carol",
        "phone_number": "+44 7911 123457",
        "password1": PASSWORD,
        "password2": PASSWORD,
    }
    return {**data, **overrides}


def test_it_shows_the_form(client):
    response = client.get(URL)

    assert response.status_code == 200
    assert b'name="username"' in response.content
    assert b'name="phone_number"' in response.content


@pytest.mark.django_db
def test_it_creates_an_account_and_logs_in(client):
    response = client.post(URL, signup_data())

    assert response.status_code == 302
    assert response.url == reverse("home")
    user = User.objects.get(username="carol")
    assert user.check_password(PASSWORD)
    assert user.display_name == "Carol"
    assert user.sms_alerts_enabled is False
    assert int(client.session["_auth_user_id"]) == user.pk


@pytest.mark.django_db
def test_it_stores_the_phone_number_in_e164(client):
    client.post(URL, signup_data(phone_number="+44 (0)7911-123457"))

    assert User.objects.get(username="carol").phone_number == "+447911123457"


@pytest.mark.django_db
def test_the_phone_number_is_optional(client):
    client.post(URL, signup_data(phone_number=""))

    assert User.objects.get(username="carol").phone_number == ""


def assert_rejected(response, field: str, message: str) -> None:
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert "_auth_user_id" not in response.wsgi_request.session


def test_it_rejects_a_taken_username(client, alice):
    response = client.post(URL, signup_data(username="Alice"))

    assert_rejected(response, "username", "already exists")
    assert User.objects.count() == 1


def test_it_rejects_a_taken_email(client, alice):
    response = client.post(URL, signup_data(email="ALICE@example.com"))

    assert_rejected(response, "email", "already exists")
    assert User.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("password123", "too common"),
        ("84736251", "entirely numeric"),
        ("k9#x", "too short"),
        ("k9#xQ2!mZ7r", "at least 12 characters"),
        ("carol@example.com", "too similar"),
    ],
)
def test_it_rejects_a_weak_password_under_the_password_field(client, password, message):
    response = client.post(URL, signup_data(password1=password, password2=password))

    assert_rejected(response, "password1", message)
    assert not response.context["form"].has_error("password2")
    assert not User.objects.exists()


@pytest.mark.django_db
def test_it_rejects_passwords_that_do_not_match(client):
    response = client.post(URL, signup_data(password2=PASSWORD + "!"))

    assert_rejected(response, "password2", "didn’t match")
    assert not User.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("phone_number", ["12345", "+1 555 0100 9999 99", "not a phone", "+44 7911"])
def test_it_rejects_a_bad_phone_number(client, phone_number):
    response = client.post(URL, signup_data(phone_number=phone_number))

    assert_rejected(response, "phone_number", "valid phone number")
    assert not User.objects.exists()


@pytest.mark.django_db
def test_it_requires_an_email(client):
    response = client.post(URL, signup_data(email=""))

    assert_rejected(response, "email", "required")
    assert not User.objects.exists()


@pytest.mark.django_db
def test_it_shows_errors_next_to_the_fields(client):
    response = client.post(URL, signup_data(phone_number="12345"))

    html = response.content.decode()
    assert 'id="id_phone_number_error"' in html
    assert 'aria-invalid="true"' in html


@pytest.mark.django_db
def test_it_needs_a_csrf_token():
    client = Client(enforce_csrf_checks=True)

    response = client.post(URL, signup_data())

    assert response.status_code == 403
    assert not User.objects.exists()


def test_it_sends_a_logged_in_user_home(alice_client):
    response = alice_client.get(URL)

    assert response.status_code == 302
    assert response.url == reverse("home")


@pytest.mark.django_db
def test_one_address_may_create_only_so_many_accounts_an_hour(settings):
    settings.SIGNUP_PER_HOUR_PER_ADDRESS = 2
    address = "198.51.100.23"

    statuses = [
        Client(REMOTE_ADDR=address).post(URL, signup_data(username=name, email=f"{name}@example.com")).status_code
        for name in ("dave", "erin", "frank")
    ]
    refused = Client(REMOTE_ADDR=address).post(URL, signup_data(username="grace", email="grace@example.com"))
    elsewhere = Client(REMOTE_ADDR="198.51.100.24").post(URL, signup_data(username="heidi", email="heidi@example.com"))

    assert statuses == [302, 302, 429]
    assert refused.status_code == 429
    assert "Too many accounts" in refused.content.decode()
    assert elsewhere.status_code == 302
    assert sorted(User.objects.values_list("username", flat=True)) == ["dave", "erin", "heidi"]
