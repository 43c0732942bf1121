"""What the signed-in home page shows: the latest result, the week's stress, recent alerts and
counts. Reads only, through the owner-filtered selectors."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from accounts.models import User
from detection.alerts.selectors import alert_list
from detection.analyses import selectors as analysis_selectors
from detection.core.dates import start_of_day
from detection.live.selectors import live_session_list
from detection.models import Analysis
from detection.reports import selectors as report_selectors
from detection.reports.figures import daily_stress_series, period_days
from detection.videos.selectors import video_list

TREND_DAYS = 7
RECENT_ALERTS = 3
RECENT_VIDEOS = 4


def dashboard_summary(*, owner: User) -> dict:
    since = timezone.localdate() - dt.timedelta(days=TREND_DAYS - 1)
    analyses = analysis_selectors.analysis_list(owner=owner)
    latest = analyses.filter(status=Analysis.Status.DONE).first()
    week = analysis_selectors.analysis_list(owner=owner, created_from=since)
    # A failed analysis is not an analysis: the totals count the rest (done or under way).
    failed = Analysis.Status.FAILED
    counts = {
        "analyses": analyses.exclude(status=failed).count(),
        "analyses_week": week.exclude(status=failed).count(),
        "live_sessions_week": live_session_list(owner=owner, started_from=since).count(),
        "alerts_week": alert_list(owner=owner).filter(created_at__gte=start_of_day(since)).count(),
    }
    days = period_days(since=since, days=TREND_DAYS)
    trend = report_selectors.stress_daily(owner=owner, since=since)
    return {
        "latest": latest,
        "latest_faces": latest.faces.count() if latest else 0,
        "counts": counts,
        "trend": {"days": days, "stress": daily_stress_series(points=trend, days=days)},
        "has_trend": bool(trend),
        "recent_alerts": list(alert_list(owner=owner)[:RECENT_ALERTS]),
        "videos": list(video_list(owner=owner)[:RECENT_VIDEOS]),
        "is_new": not counts["analyses"] and not live_session_list(owner=owner).exists() and not video_list(owner=owner).exists(),
        "trend_days": TREND_DAYS,
    }
