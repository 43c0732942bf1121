"""Reads of alerts and alert rules; every query starts from the user who asks."""

from __future__ import annotations

from accounts.models import User
from detection.models import Alert, AlertRule
from ml.emotions import DEFAULT_STRESS_EMOTIONS


def alert_rule_get(*, user: User) -> AlertRule:
    """The user's rule, or the default one (unsaved) if they never changed it."""
    try:
        return AlertRule.objects.get(owner=user)
    except AlertRule.DoesNotExist:
        return AlertRule(owner=user, emotions=list(DEFAULT_STRESS_EMOTIONS))


def alert_list(*, owner: User):
    """The owner's alerts, newest first."""
    return Alert.objects.filter(owner=owner).order_by("-created_at", "-id")


def alert_unread_count(*, owner: User) -> int:
    """How many of the owner's alerts came after they last opened the alerts page."""
    alerts = alert_list(owner=owner)
    if owner.alerts_seen_at:
        alerts = alerts.filter(created_at__gt=owner.alerts_seen_at)
    return alerts.count()
