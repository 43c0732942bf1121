"""The live camera page, a stored live session, and the user's stress alerts.

The camera itself talks to detection/live/consumers.py over a WebSocket; these are plain pages.
All of them need a logged-in user (LoginRequiredMiddleware), and objects come from selectors
that filter by owner, so another user's session is a 404.
"""

from __future__ import annotations

import csv
import io

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from detection.alerts.selectors import alert_list, alert_rule_get
from detection.alerts.sms import sms_is_configured
from detection.core.presentation import uncertain_below
from detection.live.selectors import (
    PERSON_ROW_COLUMNS,
    live_session_duration,
    live_session_get,
    live_session_people_summary,
    live_session_person_rows,
)
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


def _own_session(request: HttpRequest, session_id: int) -> LiveSession:
    try:
        return live_session_get(user=request.user, session_id=session_id)
    except LiveSession.DoesNotExist:
        raise Http404("No such live session.") from None


def live_session_detail(request: HttpRequest, session_id: int) -> HttpResponse:
    session = _own_session(request, session_id)
    chart = {
        "emotions": list(EMOTIONS),
        "timeline": session.timeline,
        "people": [{"person": record["person"], "timeline": [{"t": p["t"], "stress": p["stress"]} for p in record["timeline"]]}
                   for record in session.people],
    }
    emotion_rows = [
        {"label": label, "frames": session.emotion_counts.get(label, 0), "mean_probability": session.mean_probabilities.get(label)}
        for label in EMOTIONS
    ]
    context = {
        "session": session,
        "duration": live_session_duration(session),
        "chart": chart,
        "emotion_rows": emotion_rows,
        "people": live_session_people_summary(session),
        "alerts": session.alerts.order_by("-created_at"),
    }
    return render(request, "detection/live_session_detail.html", context)


def live_session_export_csv(request: HttpRequest, session_id: int) -> HttpResponse:
    """One row per person and second in view: ``t`` (seconds into the session), ``person``, frames,
    dominant emotion, mean stress and mean probabilities."""
    session = _own_session(request, session_id)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=PERSON_ROW_COLUMNS)
    writer.writeheader()
    writer.writerows(live_session_person_rows(session))
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="live-session-{session.pk}-people.csv"'
    return response


def live_session_export_json(request: HttpRequest, session_id: int) -> JsonResponse:
    """The same rows as the CSV, and each person's summary."""
    session = _own_session(request, session_id)
    response = JsonResponse({
        "session": session.pk,
        "started_at": session.started_at.isoformat(),
        "client": session.client,
        "people": live_session_people_summary(session),
        "rows": live_session_person_rows(session),
    })
    response["Content-Disposition"] = f'attachment; filename="live-session-{session.pk}-people.json"'
    return response
