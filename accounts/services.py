"""Writes to accounts. Views validate input with forms, then call these."""

from __future__ import annotations

from django.db import transaction
from phonenumber_field.phonenumber import PhoneNumber

from accounts.models import User


@transaction.atomic
def user_create(
    *,
    username: str,
    email: str,
    password: str,
    display_name: str = "",
    phone_number: PhoneNumber | str = "",
) -> User:
    user = User(username=username, email=email, display_name=display_name, phone_number=phone_number)
    user.set_password(password)
    user.full_clean()
    user.save()
    return user


def user_update_profile(
    *,
    user: User,
    display_name: str,
    email: str,
    phone_number: PhoneNumber | str,
    sms_alerts_enabled: bool,
) -> User:
    user.display_name = display_name
    user.email = email
    user.phone_number = phone_number
    user.sms_alerts_enabled = sms_alerts_enabled
    user.full_clean()
    user.save(update_fields=["display_name", "email", "phone_number", "sms_alerts_enabled"])
    return user
