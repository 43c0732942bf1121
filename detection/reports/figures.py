"""The reports page's headline figures for a period, each compared with the period just before
it, and the daily stress series with the days that have no data left as gaps."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Avg, Count

from accounts.models import User
from detection.alerts.selectors import alert_list
from detection.analyses import selectors
from detection.core.dates import start_of_day
from detection.live.selectors import live_session_list
from detection.models import Analysis, Video
from detection.videos.selectors import video_list


def period_days(*, since: dt.date, days: int) -> list[str]:
    """Every day of a period as ISO dates, so charts show days without data as gaps."""
    return [(since + dt.timedelta(days=offset)).isoformat() for offset in range(days)]


def daily_stress_series(*, points: Iterable[dict], days: list[str]) -> list[dict]:
    """One entry per day of ``days`` (ISO dates): ``{"date", "mean_stress", "analyses"}``, with
    ``mean_stress`` None on a day without analysed faces, so charts break the line there."""
    by_date = {point["date"]: point for point in points}
    return [by_date.get(day, {"date": day, "mean_stress": None, "analyses": 0}) for day in days]


def _period_figures(*, owner: User, start: dt.date, end: dt.date) -> dict:
    """Figures for the days ``start`` to ``end``, both included."""
    analysed = selectors.analysis_list(owner=owner, created_from=start, created_to=end).filter(
        status=Analysis.Status.DONE, stress__isnull=False
    )
    totals = analysed.aggregate(images=Count("id"), mean_stress=Avg("stress"))
    top = analysed.values("dominant_emotion").annotate(count=Count("id")).order_by("-count", "dominant_emotion").first()
    alerts = alert_list(owner=owner).filter(
        created_at__gte=start_of_day(start), created_at__lt=start_of_day(end + dt.timedelta(days=1))
    )
    # Videos as the trends count them: analysed, with a stress reading (ml.headline).
    videos = video_list(owner=owner, status=Video.Status.DONE, created_from=start, created_to=end).filter(stress__isnull=False)
    return {
        "images": totals["images"],
        "mean_stress": totals["mean_stress"],
        "top_emotion": top["dominant_emotion"] if top else "",
        "live_sessions": live_session_list(owner=owner, started_from=start, started_to=end).count(),
        "videos": videos.count(),
        "alerts": alerts.count(),
    }


def report_headline(*, owner: User, since: dt.date, days: int) -> dict:
    """``current`` and ``previous`` figures (the ``days`` days from ``since``, and the ``days``
    before), and ``changes``: the difference for each number (stress in percentage points),
    None where either period has no value."""
    current = _period_figures(owner=owner, start=since, end=since + dt.timedelta(days=days - 1))
    previous = _period_figures(owner=owner, start=since - dt.timedelta(days=days), end=since - dt.timedelta(days=1))
    changes = {}
    for key in ("images", "live_sessions", "videos", "alerts"):
        changes[key] = current[key] - previous[key]
    if current["mean_stress"] is not None and previous["mean_stress"] is not None:
        changes["mean_stress_points"] = round((current["mean_stress"] - previous["mean_stress"]) * 100)
    else:
        changes["mean_stress_points"] = None
    return {"current": current, "previous": previous, "changes": changes}
