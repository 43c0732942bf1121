"""Writes to accounts. Views validate input with forms, then call these."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from phonenumber_field.phonenumber import PhoneNumber

from accounts.models import User
from detection.alerts.services import alert_rule_update

logger = logging.getLogger(__name__)

SIGNUP_WINDOW_SECONDS = 60 * 60


def _signup_key(address: str) -> str:
    return f"signups:{address}"


def signup_allowed(*, address: str) -> bool:
    """Whether another account may be created from this address this hour
    (SIGNUP_PER_HOUR_PER_ADDRESS). Counts in the cache; an unreachable cache lets it through, as
    the API's throttles do."""
    try:
        return cache.get(_signup_key(address), 0) < settings.SIGNUP_PER_HOUR_PER_ADDRESS
    except Exception:  # the cache backend's own errors (Redis, its sockets) vary by backend
        logger.warning("Sign-up limit skipped: the cache is unreachable", exc_info=True)
        return True


def signup_count(*, address: str) -> None:
    """Count an account created from this address; the count lapses an hour after the first."""
    key = _signup_key(address)
    try:
        if not cache.add(key, 1, SIGNUP_WINDOW_SECONDS):
            cache.incr(key)
    except ValueError:  # the key lapsed between add and incr
        cache.add(key, 1, SIGNUP_WINDOW_SECONDS)
    except Exception:
        logger.warning("Sign-up not counted: the cache is unreachable", exc_info=True)


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


def user_set_retention(*, user: User, retention_days: int | None) -> User:
    """How many days the user's analyses, live sessions and alerts are kept (None: until deleted)."""
    user.retention_days = retention_days
    user.full_clean(exclude=[field.name for field in User._meta.fields if field.name != "retention_days"])
    user.save(update_fields=["retention_days"])
    return user


def user_delete(*, user: User) -> None:
    """Delete the account and everything of it: analyses and their image files, videos and their
    files (detection.videos.signals), live sessions,
    alerts, the alert rule, API tokens (all cascade from the user; the analyses' files go with
    their rows once committed, see detection.analyses.signals). Browser sessions of the user
    end with it (Django finds no user for them)."""
    media_folders = [Path(settings.MEDIA_ROOT) / kind / str(user.pk) for kind in ("analyses", "videos")]
    with transaction.atomic():
        user.delete()
        # The now empty per-user media folders (and anything a crash left in them).
        transaction.on_commit(lambda: [shutil.rmtree(folder, ignore_errors=True) for folder in media_folders])
    logger.info("An account was deleted by its owner")
