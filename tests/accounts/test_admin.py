import datetime as dt

from django.contrib.admin.models import CHANGE, LogEntry
from django.urls import reverse

from accounts.models import User
from tests.helpers import PASSWORD


def test_the_user_admin_shows_the_profile_fields(admin_client, alice):
    response = admin_client.get(reverse("admin:accounts_user_change", args=[alice.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="display_name"' in html
    assert 'name="phone_number"' in html
    assert 'name="sms_alerts_enabled"' in html


def test_the_user_list_shows_phone_numbers(admin_client, alice):
    response = admin_client.get(reverse("admin:accounts_user_changelist"))

    assert "+447911123456" in response.content.decode()


def test_staff_can_add_a_user_with_profile_fields(admin_client):
    response = admin_client.post(
        reverse("admin:accounts_user_add"),
        {
            "username": "dave",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "usable_password": "true",
            "email": "dave@example.com",
            "display_name": "Dave",
            "phone_number": "+14155552671",
        },
    )

    assert response.status_code == 302
    assert User.objects.get(username="dave").phone_number == "+14155552671"


def test_a_user_who_is_not_staff_cannot_use_the_admin(alice_client):
    response = alice_client.get(reverse("admin:index"))

    assert response.status_code == 302
    assert "/admin/login/" in response.url



def test_the_admin_writes_times_on_the_24_hour_clock(admin_client, admin_user, alice):
    entry = LogEntry.objects.log_actions(admin_user.pk, [alice], CHANGE, change_message="Changed", single_object=True)
    LogEntry.objects.filter(pk=entry.pk).update(action_time=dt.datetime(2026, 12, 1, 14, 58, tzinfo=dt.timezone.utc))

    html = admin_client.get(reverse("admin:accounts_user_history", args=[alice.pk])).content.decode()

    assert "1 Dec 2026, 14:58" in html
    assert "p.m." not in html
