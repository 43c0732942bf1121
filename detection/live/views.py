"""The live camera page, a stored live session, and the user's stress alerts.

The camera itself talks to detection/live/consumers.py over a WebSocket; these are plain pages.
All of them need a logged-in user (LoginRequiredMiddleware), and objects come from selectors
that filter by owner, so another user's session is a 404.
"""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from detection.alerts.selectors import alert_list, alert_rule_get
from detection.alerts.sms import sms_is_configured
from detection.core.presentation import uncertain_below
from detection.live.selectors import live_session_duration, live_session_get
from detection.models import LiveSession
from ml.emotions import EMOTIONS, STRESS_WEIGHTS

RECENT_ALERTS = 5


def live(request: HttpRequest) -> HttpResponse:
    rule = alert_rule_get(user=request.user)
    config = {
        "wsPath": "/ws/live/",
        "emotions": list(EMOTIONS),
        "stressWeights": STRESS_WEIGHTS,
        "maxFps": settings.LIVE_MAX_FPS,
        "uncertainBelow": uncertain_below(),
    }
    context = {
        "config": config,
        "rule": rule,
        "sms_configured": sms_is_configured(),
        "alerts": alert_list(owner=request.user)[:RECENT_ALERTS],
    }
    return render(request, "detection/live.html", context)


def live_session_detail(request: HttpRequest, session_id: int) -> HttpResponse:
    try:
        session = live_session_get(user=request.user, session_id=session_id)
    except LiveSession.DoesNotExist:
        raise Http404("No such live session.") from None
    chart = {"emotions": list(EMOTIONS), "timeline": session.timeline}
    emotion_rows = [
        {"label": label, "frames": session.emotion_counts.get(label, 0), "mean_probability": session.mean_probabilities.get(label)}
        for label in EMOTIONS
    ]
    context = {
        "session": session,
        "duration": live_session_duration(session),
        "chart": chart,
        "emotion_rows": emotion_rows,
        "alerts": session.alerts.order_by("-created_at"),
    }
    return render(request, "detection/live_session_detail.html", context)
