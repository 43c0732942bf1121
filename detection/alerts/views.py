"""The alerts page: the user's latest stress alerts (opening it clears the navigation's count)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from detection.alerts.selectors import alert_list
from detection.alerts.services import alerts_mark_seen

ALERTS_PAGE_SIZE = 50


def alerts(request: HttpRequest) -> HttpResponse:
    alerts = list(alert_list(owner=request.user).select_related("live_session")[:ALERTS_PAGE_SIZE])
    alerts_mark_seen(user=request.user)  # Before rendering, so the navigation's count is cleared.
    return render(request, "detection/live_alerts.html", {"alerts": alerts})

