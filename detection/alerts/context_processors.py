"""Template context every page's navigation needs."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from detection.alerts.selectors import alert_unread_count


def navigation(request: HttpRequest) -> dict:
    """``unread_alerts``: the count beside "Alerts", queried only when a page shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_alerts": SimpleLazyObject(lambda: alert_unread_count(owner=user))}
