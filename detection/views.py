"""The detection pages: analysing an image, its result, the history and the reports.

All of them need a logged-in user (LoginRequiredMiddleware). Objects come from the selectors,
which filter by owner, so another user's analysis is a 404.
"""

from __future__ import annotations

import csv
import datetime as dt
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from detection import selectors
from detection.forms import AnalyzeForm, HistoryFilterForm
from detection.images import numbered_jpeg, thumbnail_jpeg
from detection.live import live_session_list, live_session_summary
from detection.models import Analysis
from detection.presentation import emotion_palette, faces_in_reading_order, is_uncertain, number_badge_radius, uncertain_below
from detection.report_figures import daily_stress_series, period_days, report_headline
from detection.services import analysis_create, analysis_delete, analysis_retry
from detection.suggestions import NO_FACE_SUGGESTION, suggestion_for
from ml.emotions import EMOTIONS

HISTORY_PAGE_SIZE = 20
HISTORY_LIVE_SESSIONS = 6
IMAGE_KINDS = ("original", "annotated", "thumbnail")
REPORT_PERIODS_DAYS = (7, 30, 90, 365)


def analyze(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = AnalyzeForm(request.POST, request.FILES)
        if form.is_valid():
            image, url = form.cleaned_data["image"], form.cleaned_data["url"]
            try:
                analysis = analysis_create(
                    owner=request.user,
                    source=Analysis.Source.UPLOAD if image else Analysis.Source.URL,
                    image=image,
                    source_url=url or "",
                )
            except ValidationError as error:
                form.add_error("image" if image else "url", error)
            else:
                return redirect(analysis)
    else:
        form = AnalyzeForm()

    context = {
        "form": form,
        "max_upload_bytes": settings.ANALYSIS_MAX_UPLOAD_BYTES,
        "max_upload_mb": settings.ANALYSIS_MAX_UPLOAD_BYTES // (1024 * 1024),
    }
    return render(request, "detection/analyze.html", context)


def _get_analysis_or_404(request: HttpRequest, analysis_id: int) -> Analysis:
    try:
        return selectors.analysis_get(user=request.user, analysis_id=analysis_id)
    except Analysis.DoesNotExist:
        raise Http404("No such analysis.") from None


def analysis_detail(request: HttpRequest, analysis_id: int) -> HttpResponse:
    analysis = _get_analysis_or_404(request, analysis_id)
    faces = faces_in_reading_order(analysis.faces.all())
    for face in faces:
        face.crop = _face_crop(analysis, face)
        face.uncertain = is_uncertain(face.confidence)
    # The image's stress is its most stressed face's; the headline and the suggestion speak
    # about that face, so they never contradict each other.
    most_stressed = max(faces, key=lambda face: face.stress, default=None)
    suggestion = NO_FACE_SUGGESTION
    if most_stressed:
        suggestion = suggestion_for(emotion=most_stressed.dominant_emotion, stress=analysis.stress, uncertain=most_stressed.uncertain)
    context = {
        "analysis": analysis,
        "faces": faces,
        "most_stressed": most_stressed,
        "faces_chart_data": [{"number": face.number, "probabilities": face.probabilities} for face in faces],
        "suggestion": suggestion,
        "uncertain_below": uncertain_below(),
        "badge_radius": number_badge_radius(width=analysis.width or 0, height=analysis.height or 0),
    }
    context["badge_font"] = round(context["badge_radius"] * 1.2)
    return render(request, "detection/analysis_detail.html", context)


FACE_CROP_PX = 72


def _face_crop(analysis: Analysis, face) -> dict[str, int] | None:
    """Numbers to show the face cut out of the original image (a scaled background, set by
    analysis.js), so a face's card shows which face it is."""
    if not analysis.width or not analysis.height:
        return None
    scale = FACE_CROP_PX / max(face.w, face.h, 1)
    return {
        "width": round(analysis.width * scale),
        "height": round(analysis.height * scale),
        "x": round(face.x * scale),
        "y": round(face.y * scale),
    }


@require_GET
def analysis_status(request: HttpRequest, analysis_id: int) -> JsonResponse:
    """What the result page polls while the analysis is pending."""
    analysis = _get_analysis_or_404(request, analysis_id)
    return JsonResponse(
        {
            "id": analysis.pk,
            "status": analysis.status,
            "status_display": analysis.get_status_display(),
            "is_finished": analysis.is_finished,
        }
    )


@require_GET
def analysis_image(request: HttpRequest, analysis_id: int, kind: str) -> HttpResponse:
    """An analysis's original, annotated or thumbnail image, only for its owner (and staff).

    Media has no public URL; this is the only way to an image, so a guessed id or path is a 404.
    """
    if kind not in IMAGE_KINDS:
        raise Http404("No such image.")
    try:
        analysis = selectors.analysis_get_for_media(user=request.user, analysis_id=analysis_id)
    except Analysis.DoesNotExist:
        raise Http404("No such image.") from None
    if kind == "thumbnail":
        field = analysis.original or analysis.annotated
        if not field:
            raise Http404("No such image.")
        response = HttpResponse(thumbnail_jpeg(field, faces=list(analysis.faces.all())), content_type="image/jpeg")
    else:
        field = analysis.original if kind == "original" else analysis.annotated
        if not field or not field.storage.exists(field.name):
            raise Http404("No such image.")
        if kind == "annotated" and request.GET.get("download"):
            # The marked image with the same face numbers as the result page, as a file.
            faces = faces_in_reading_order(analysis.faces.all())
            response = HttpResponse(numbered_jpeg(field, faces=faces, palette=emotion_palette()), content_type="image/jpeg")
            response["Content-Disposition"] = f'attachment; filename="stress-detector-analysis-{analysis.pk}.jpg"'
        else:
            response = FileResponse(field.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    return response


@require_POST
def analysis_retry_view(request: HttpRequest, analysis_id: int) -> HttpResponse:
    """"Try again" on a failed analysis: run it again from the start."""
    analysis = _get_analysis_or_404(request, analysis_id)
    try:
        analysis_retry(analysis=analysis)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    return redirect(analysis)


@require_http_methods(["GET", "POST"])
def analysis_delete_view(request: HttpRequest, analysis_id: int) -> HttpResponse:
    analysis = _get_analysis_or_404(request, analysis_id)
    if request.method == "POST":
        analysis_delete(analysis=analysis)
        messages.success(request, "The analysis and its images have been deleted.")
        return redirect("detection:history")
    return render(request, "detection/analysis_delete.html", {"analysis": analysis})


def history(request: HttpRequest) -> HttpResponse:
    filter_form = HistoryFilterForm(request.GET or None)
    analyses = selectors.analysis_list(owner=request.user, **filter_form.selector_filters())
    page = Paginator(analyses, HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"filter_form": filter_form, "page": page, "filter_query": query.urlencode(), "is_filtered": bool(query)}
    context["live_sessions"] = _history_live_sessions(request, filter_form)
    return render(request, "detection/history.html", context)


def _history_live_sessions(request: HttpRequest, filter_form: HistoryFilterForm) -> list:
    """The latest live sessions, shown above the analyses; the dates filter them too, the
    source and emotion filters (which describe images) hide them."""
    filters = filter_form.selector_filters()
    if filters.get("source") or filters.get("dominant_emotion"):
        return []
    sessions = live_session_list(owner=request.user, started_from=filters.get("created_from"), started_to=filters.get("created_to"))
    return list(sessions[:HISTORY_LIVE_SESSIONS])


def _report_period(request: HttpRequest) -> int:
    try:
        days = int(request.GET.get("days", 30))
    except ValueError:
        days = 30
    return days if days in REPORT_PERIODS_DAYS else 30


def _report_since(days: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=days - 1)


def reports(request: HttpRequest) -> HttpResponse:
    days = _report_period(request)
    since = _report_since(days)
    period = period_days(since=since, days=days)
    chart_data = {
        "days": period,
        "emotions": list(EMOTIONS),
        "stress": daily_stress_series(points=selectors.stress_daily(owner=request.user, since=since), days=period),
        "shares": selectors.emotion_shares_daily(owner=request.user, since=since),
        "totals": selectors.emotion_totals(owner=request.user, since=since),
    }
    context = {
        "days": days,
        "periods": REPORT_PERIODS_DAYS,
        "since": since,
        "until": timezone.localdate(),
        "chart_data": chart_data,
        "has_data": any(point["mean_stress"] is not None for point in chart_data["stress"]),
        "headline": report_headline(owner=request.user, since=since, days=days),
        "live_summary": live_session_summary(owner=request.user, since=since),
        "json_export_query": urlencode({"format": "json", "created_from": since.isoformat()}),
    }
    return render(request, "detection/reports.html", context)


class _Echo:
    """A file-like object whose write() returns the line, for streaming csv.writer output."""

    def write(self, value: str) -> str:
        return value


CSV_COLUMNS = [
    "analysis_id", "created_at", "source", "source_url", "status", "error", "model_version",
    "image_stress", "image_dominant_emotion", "face_index", "face_x", "face_y", "face_w", "face_h",
    "face_dominant_emotion", "face_confidence", "face_stress", *[f"p_{label}" for label in EMOTIONS],
]  # fmt: skip


def reports_export_csv(request: HttpRequest) -> StreamingHttpResponse:
    """The user's analyses in the report's period (``days``, as on the reports page), one row
    per face (one row with empty face columns when none)."""
    days = _report_period(request)
    since = _report_since(days)
    analyses = selectors.analysis_list_with_faces(owner=request.user, created_from=since)
    writer = csv.writer(_Echo())

    def rows():
        yield writer.writerow(CSV_COLUMNS)
        for analysis in analyses.iterator(chunk_size=200):
            base = [
                analysis.pk, analysis.created_at.isoformat(), analysis.source, analysis.source_url, analysis.status,
                analysis.error, analysis.model_version, _number(analysis.stress), analysis.dominant_emotion,
            ]  # fmt: skip
            faces = list(analysis.faces.all())
            if not faces:
                yield writer.writerow(base + [""] * (len(CSV_COLUMNS) - len(base)))
            for face in faces:
                box = [face.index, face.x, face.y, face.w, face.h]
                scores = [face.dominant_emotion, _number(face.confidence), _number(face.stress)]
                probabilities = [_number(face.probabilities.get(label)) for label in EMOTIONS]
                yield writer.writerow(base + box + scores + probabilities)

    filename = f"stress-detector-analyses-{since.isoformat()}-to-{timezone.localdate().isoformat()}.csv"
    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:.4f}"
