"""The detection pages: analysing an image, its result, the history and the reports.

All of them need a logged-in user (LoginRequiredMiddleware). Objects come from the selectors,
which filter by owner, so another user's analysis is a 404.
"""

from __future__ import annotations

import csv
import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

import ml
from detection import selectors
from detection.forms import AnalyzeForm, HistoryFilterForm
from detection.images import thumbnail_jpeg
from detection.live import live_session_list, live_session_summary
from detection.models import Analysis
from detection.services import analysis_create, analysis_delete
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
    faces = list(analysis.faces.all())
    for face in faces:
        face.crop = _face_crop(analysis, face)
    context = {
        "analysis": analysis,
        "faces": faces,
        "faces_chart_data": [{"index": face.index, "probabilities": face.probabilities} for face in faces],
        "stress_level": ml.stress_level(analysis.stress) if analysis.stress is not None else "",
        "suggestion": suggestion_for(analysis.dominant_emotion),
        "no_face_suggestion": NO_FACE_SUGGESTION,
    }
    return render(request, "detection/analysis_detail.html", context)


FACE_CROP_PX = 72


def _face_crop(analysis: Analysis, face) -> dict[str, int] | None:
    """CSS numbers to show the face cut out of the original image (a scaled background), so a
    face's card shows which face it is."""
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
        field = analysis.annotated or analysis.original
        if not field:
            raise Http404("No such image.")
        response = HttpResponse(thumbnail_jpeg(field), content_type="image/jpeg")
    else:
        field = analysis.original if kind == "original" else analysis.annotated
        if not field or not field.storage.exists(field.name):
            raise Http404("No such image.")
        response = FileResponse(field.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    return response


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


def reports(request: HttpRequest) -> HttpResponse:
    days = _report_period(request)
    since = timezone.localdate() - dt.timedelta(days=days - 1)
    chart_data = {
        # Every day of the period, so days without analyses show as gaps rather than vanish.
        "days": [(since + dt.timedelta(days=offset)).isoformat() for offset in range(days)],
        "emotions": list(EMOTIONS),
        "stress": selectors.stress_daily(owner=request.user, since=since),
        "shares": selectors.emotion_shares_daily(owner=request.user, since=since),
        "totals": selectors.emotion_totals(owner=request.user, since=since),
    }
    context = {
        "days": days,
        "periods": REPORT_PERIODS_DAYS,
        "since": since,
        "chart_data": chart_data,
        "has_data": bool(chart_data["stress"]),
        "live_summary": live_session_summary(owner=request.user, since=since),
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
    """Every analysis of the user, one row per face (one row with empty face columns when none)."""
    analyses = selectors.analysis_list_with_faces(owner=request.user)
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

    filename = f"stress-detector-analyses-{timezone.localdate().isoformat()}.csv"
    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:.4f}"
