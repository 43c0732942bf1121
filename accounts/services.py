"""Writes to accounts. Views validate input with forms, then call these."""

from __future__ import annotations

from django.db import transaction
from phonenumber_field.phonenumber import PhoneNumber

from accounts.models import User
from detection.alerts.services import alert_rule_update


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


@transaction.atomic
def user_update_alert_settings(*, user: User, sms_alerts_enabled: bool | None = None, alert_rule: dict | None = None) -> User:
    """Change the SMS switch and/or the stress-alert rule (the API's PATCH /me/); the switch is
    checked like the profile page's (SMS alerts need a phone number)."""
    if sms_alerts_enabled is not None:
        user_update_profile(
            user=user,
            display_name=user.display_name,
            email=user.email,
            phone_number=user.phone_number,
            sms_alerts_enabled=sms_alerts_enabled,
        )
    if alert_rule is not None:
        alert_rule_update(user=user, **alert_rule)
    return user
