import re

from django.core import mail
from django.urls import reverse

from tests.helpers import PASSWORD

NEW_PASSWORD = "a-new-and-longer-passphrase"


def test_it_changes_the_password_and_stays_logged_in(alice_client, alice):
    response = alice_client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response.url == reverse("password_change_done")
    alice.refresh_from_db()
    assert alice.check_password(NEW_PASSWORD)
    assert alice_client.get(reverse("profile")).status_code == 200


def test_it_needs_the_old_password_to_change_it(alice_client, alice):
    response = alice_client.post(
        reverse("password_change"),
        {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response.status_code == 200
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD)


def test_it_resets_a_forgotten_password_by_email(client, alice):
    response = client.post(reverse("password_reset"), {"email": "alice@example.com"})

    assert response.url == reverse("password_reset_done")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["alice@example.com"]
    assert mail.outbox[0].subject == "Reset your Stress Detector password"
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", mail.outbox[0].body).group(1)

    # The link redirects once to a URL without the token, which shows the form.
    form_page = client.get(link, follow=True)
    assert form_page.context["validlink"] is True
    set_url = form_page.redirect_chain[-1][0]
    response = client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    assert response.url == reverse("password_reset_complete")
    alice.refresh_from_db()
    assert alice.check_password(NEW_PASSWORD)


def test_it_does_not_say_whether_an_email_has_an_account(client, alice):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.com"})

    assert response.url == reverse("password_reset_done")
    assert mail.outbox == []
