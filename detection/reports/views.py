"""The insight pages: the dashboard (home), the history, the reports and their CSV export.

All but the landing page need a logged-in user (LoginRequiredMiddleware); every query goes
through a selector that filters by owner.
"""

from __future__ import annotations

import csv
import datetime as dt
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone

from detection.analyses import selectors as analysis_selectors
from detection.analyses.forms import HistoryFilterForm
from detection.core.presentation import counts_for_headline
from detection.live.selectors import live_session_list
from detection.reports import selectors
from detection.reports.archive import archive_filename, data_archive
from detection.reports.dashboard import dashboard_summary
from detection.reports.figures import report_headline
from detection.videos.selectors import video_list
from ml.emotions import EMOTIONS

HISTORY_PAGE_SIZE = 20
HISTORY_LIVE_SESSIONS = 6
HISTORY_VIDEOS = 8
REPORT_VIDEOS = 12
REPORT_PERIODS_DAYS = (7, 30, 90, 365)


@login_not_required
def home(request: HttpRequest) -> HttpResponse:
    """Signed-in users get their dashboard; everyone else the landing page: what the product
    does, and the way in."""
    if request.user.is_authenticated:
        return render(request, "dashboard.html", dashboard_summary(owner=request.user))
    return render(request, "home.html", {"emotions": EMOTIONS})


def history(request: HttpRequest) -> HttpResponse:
    filter_form = HistoryFilterForm(request.GET or None)
    analyses = analysis_selectors.analysis_list(owner=request.user, **filter_form.selector_filters())
    page = Paginator(analyses, HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"filter_form": filter_form, "page": page, "filter_query": query.urlencode(), "is_filtered": bool(query)}
    context["live_sessions"] = _history_live_sessions(request, filter_form)
    context["videos"] = _history_videos(request, filter_form)
    return render(request, "detection/history.html", context)


def _history_live_sessions(request: HttpRequest, filter_form: HistoryFilterForm) -> list:
    """The latest live sessions, shown above the analyses; the dates filter them too, the
    source and emotion filters (which describe images) hide them."""
    filters = filter_form.selector_filters()
    if filters.get("source") or filters.get("dominant_emotion"):
        return []
    sessions = live_session_list(owner=request.user, started_from=filters.get("created_from"), started_to=filters.get("created_to"))
    return list(sessions[:HISTORY_LIVE_SESSIONS])


def _history_videos(request: HttpRequest, filter_form: HistoryFilterForm) -> list:
    """The latest videos, above the analyses: the dates and the emotion filter them; an image
    source filter hides them."""
    filters = filter_form.selector_filters()
    if filters.get("source"):
        return []
    videos = video_list(owner=request.user, dominant_emotion=filters.get("dominant_emotion", ""),
                        created_from=filters.get("created_from"), created_to=filters.get("created_to"))
    return list(videos[:HISTORY_VIDEOS])


DEFAULT_REPORT_DAYS = 30


def _requested_period(request: HttpRequest) -> int | None:
    """The ``days`` asked for, the default when none, None when it is not a report period."""
    value = request.GET.get("days", str(DEFAULT_REPORT_DAYS))
    try:
        days = int(value)
    except ValueError:
        return None
    return days if days in REPORT_PERIODS_DAYS else None


def _period_error(request: HttpRequest) -> str:
    periods = ", ".join(str(period) for period in REPORT_PERIODS_DAYS)
    return f"There is no report for {request.GET['days'][:20]!r} days: choose {periods} days."


def _report_since(days: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=days - 1)


def reports(request: HttpRequest) -> HttpResponse:
    days = _requested_period(request)
    if days is None:
        # Said, not silently replaced: the page offers the periods there are.
        context = {"period_error": _period_error(request), "periods": REPORT_PERIODS_DAYS}
        return render(request, "detection/reports.html", context, status=400)
    since = _report_since(days)
    chart_data = {
        **selectors.report_series(owner=request.user, since=since, bucket=selectors.report_bucket(days)),
        "emotions": list(EMOTIONS),
    }
    context = {
        "days": days,
        "periods": REPORT_PERIODS_DAYS,
        "since": since,
        "until": timezone.localdate(),
        "chart_data": chart_data,
        # Per emotion: the analysed images and the videos it dominated.
        "emotion_totals": [(label, chart_data["totals"][label], chart_data["video_totals"][label]) for label in EMOTIONS],
        "has_data": any(
            point[key] is not None for point in chart_data["stress"] for key in ("mean_stress", "live_mean_stress", "video_mean_stress")
        ),
        "headline": report_headline(owner=request.user, since=since, days=days),
        "live_summary": selectors.live_session_summary(owner=request.user, since=since),
        "video_summary": selectors.video_summary(owner=request.user, since=since),
        "videos": list(video_list(owner=request.user, created_from=since)[:REPORT_VIDEOS]),
        "json_export_query": urlencode({"format": "json", "created_from": since.isoformat()}),
    }
    return render(request, "detection/reports.html", context)


class _Echo:
    """A file-like object whose write() returns the line, for streaming csv.writer output."""

    def write(self, value: str) -> str:
        return value


CSV_COLUMNS = [
    "analysis_id", "created_at", "source", "source_url", "status", "error", "model_version",
    "image_stress_percent", "image_dominant_emotion", "face_number", "face_person", "face_x", "face_y", "face_w", "face_h",
    "face_dominant_emotion", "face_confidence_percent", "face_stress_percent", "face_detection_score_percent",
    "face_counts_for_headline", *[f"p_{label}_percent" for label in EMOTIONS],
    # Videos' rows only (empty on an analysis'):
    "video_id", "person_samples", "person_counted_samples", "person_seconds_on_screen", "person_peak_stress_percent",
]  # fmt: skip
VIDEO_ONLY_COLUMNS = 5


def reports_export_csv(request: HttpRequest) -> StreamingHttpResponse:
    """The user's analyses in the report's period (``days``, as on the reports page), one row
    per face (one row with empty face columns when none), then their videos uploaded in it, one
    row per person (source ``video``): the ``image_`` columns hold the video's headline, the
    ``face_`` and ``p_`` columns the person's summary, both from the samples that count
    (ml.headline), and the last columns what only a video has."""
    days = _requested_period(request)
    if days is None:
        return HttpResponseBadRequest(_period_error(request), content_type="text/plain; charset=utf-8")
    since = _report_since(days)
    analyses = analysis_selectors.analysis_list_with_faces(owner=request.user, created_from=since)
    videos = video_list(owner=request.user, created_from=since).order_by("created_at", "id")
    writer = csv.writer(_Echo())
    no_video = [""] * VIDEO_ONLY_COLUMNS

    def rows():
        yield writer.writerow(CSV_COLUMNS)
        for analysis in analyses.iterator(chunk_size=200):
            base = [
                analysis.pk, analysis.created_at.isoformat(), analysis.source, analysis.source_url, analysis.status,
                analysis.error, analysis.model_version, _percent(analysis.stress), analysis.dominant_emotion,
            ]  # fmt: skip
            faces = list(analysis.faces.all())
            if not faces:
                yield writer.writerow(base + [""] * (len(CSV_COLUMNS) - len(base)))
            for face in faces:
                box = [face.number, "" if face.person is None else face.person, face.x, face.y, face.w, face.h]
                scores = [
                    face.dominant_emotion, _percent(face.confidence), _percent(face.stress), _percent(face.detection_score),
                    "yes" if counts_for_headline(face) else "no",
                ]  # fmt: skip
                probabilities = [_percent(face.probabilities.get(label)) for label in EMOTIONS]
                yield writer.writerow(base + box + scores + probabilities + no_video)
        for video in videos.iterator(chunk_size=200):
            for row in _video_csv_rows(video):
                yield writer.writerow(row)

    filename = f"stress-detector-analyses-{since.isoformat()}-to-{timezone.localdate().isoformat()}.csv"
    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _video_csv_rows(video) -> list[list]:
    """A video's rows of the reports CSV: one per person (one with empty person columns when
    nobody was found or it is not done)."""
    base = [
        "", video.created_at.isoformat(), "video", "", video.status, video.error, video.model_version, _percent(video.stress),
        video.dominant_emotion,
    ]  # fmt: skip
    if not video.persons:
        return [base + [""] * (len(CSV_COLUMNS) - len(base) - VIDEO_ONLY_COLUMNS) + [video.pk, "", "", "", ""]]
    rows = []
    for person in video.persons:
        counted = person.get("counted_samples", person["samples"])
        dominant = person["dominant_emotions"][0]["emotion"] if person["dominant_emotions"] else ""
        summary = ["", person["person"], "", "", "", "", dominant, "", _percent(person["mean_stress"]), "", "yes" if counted else "no"]
        probabilities = [_percent(person["mean_probabilities"].get(label)) for label in EMOTIONS]
        extra = [video.pk, person["samples"], counted, person["seconds_on_screen"], _percent(person["peak_stress"])]
        rows.append(base + summary + probabilities + extra)
    return rows


def _percent(value: float | None) -> str:
    """Stress and probabilities in the one unit users see (percent), with two decimals; the
    column names say so."""
    return "" if value is None else f"{value * 100:.2f}"


def data_export(request: HttpRequest) -> StreamingHttpResponse:
    """All of the user's data as one zip archive (profile: "Download all my data")."""
    response = StreamingHttpResponse(data_archive(request.user), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{archive_filename(request.user)}"'
    return response
