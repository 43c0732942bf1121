import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.models import User
from accounts.services import user_create
from tests.helpers import PASSWORD


def test_the_display_name_falls_back_to_the_username(alice, bob):
    assert alice.get_display_name() == "Alice Liddell"
    assert bob.get_display_name() == "bob"


def test_sms_alerts_need_both_the_switch_and_a_phone_number(alice, bob):
    assert not alice.can_receive_sms_alerts
    alice.sms_alerts_enabled = True
    assert alice.can_receive_sms_alerts
    bob.sms_alerts_enabled = True
    assert not bob.can_receive_sms_alerts


def test_an_email_address_belongs_to_one_account(alice):
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user("alice2", "ALICE@example.com", PASSWORD)


@pytest.mark.django_db
def test_several_accounts_may_have_no_email():
    User.objects.create_user("first", "", PASSWORD)
    User.objects.create_user("second", "", PASSWORD)

    assert User.objects.filter(email="").count() == 2


@pytest.mark.django_db
def test_user_create_validates_the_phone_number():
    with pytest.raises(ValidationError):
        user_create(username="erin", email="erin@example.com", password=PASSWORD, phone_number="12345")

    assert not User.objects.exists()
