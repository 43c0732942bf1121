"""The analysis pages: analysing an image (upload or URL), its result, its images, retrying
and deleting it.

All of them need a logged-in user (LoginRequiredMiddleware). Objects come from the selectors,
which filter by owner, so another user's analysis is a 404.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from detection.analyses import selectors
from detection.analyses.forms import AnalyzeForm
from detection.analyses.images import numbered_jpeg, thumbnail_jpeg
from detection.analyses.services import analysis_create, analysis_delete, analysis_retry
from detection.analyses.suggestions import NO_FACE_SUGGESTION, suggestion_for
from detection.core.presentation import emotion_palette, faces_in_reading_order, is_uncertain, number_badge_radius, uncertain_below
from detection.models import Analysis

IMAGE_KINDS = ("original", "annotated", "thumbnail")


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
