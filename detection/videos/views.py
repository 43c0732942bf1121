"""The video pages: upload, the result (player with overlays, charts, per-person summary),
progress polling, cancelling, deleting, and the video file itself (with byte ranges, so the
player can seek). Objects come from the selectors: another user's video is a 404."""

from __future__ import annotations

import re

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from detection.core.presentation import uncertain_below
from detection.models import Video
from detection.videos import selectors
from detection.videos.forms import VideoUploadForm
from detection.videos.services import video_cancel, video_create, video_delete

CONTENT_TYPES = {".mp4": "video/mp4", ".m4v": "video/mp4", ".webm": "video/webm", ".mov": "video/quicktime",
                 ".avi": "video/x-msvideo", ".mkv": "video/x-matroska"}
RANGE_CHUNK_BYTES = 4 * 1024 * 1024
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def _get_video_or_404(request: HttpRequest, video_id: int) -> Video:
    try:
        return selectors.video_get(user=request.user, video_id=video_id)
    except Video.DoesNotExist:
        raise Http404("No such video.") from None


@require_http_methods(["GET", "POST"])
def video_upload(request: HttpRequest) -> HttpResponse:
    form = VideoUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            video = video_create(owner=request.user, file=form.cleaned_data["file"],
                                 samples_per_second=form.cleaned_data["samples_per_second"])
        except ValidationError as error:
            form.add_error("file", error)
        else:
            return redirect(video)
    context = {"form": form, "max_upload_mb": settings.VIDEO_MAX_UPLOAD_BYTES // (1024 * 1024),
               "max_minutes": settings.VIDEO_MAX_DURATION_SECONDS // 60}
    return render(request, "detection/video_upload.html", context, status=400 if form.errors else 200)


def video_detail(request: HttpRequest, video_id: int) -> HttpResponse:
    video = _get_video_or_404(request, video_id)
    return render(request, "detection/video_detail.html", {"video": video, "status": video_status_data(video),
                                                         "links": selectors.video_links(video), "uncertain_below": uncertain_below()})


def video_status_data(video: Video) -> dict:
    """Progress for the page's polling: percent done and an estimate of the time left."""
    seconds_left = None
    if video.status == Video.Status.PROCESSING and video.started_at and 0.01 < video.progress < 1:
        elapsed = (timezone.now() - video.started_at).total_seconds()
        seconds_left = round(elapsed * (1 - video.progress) / video.progress)
    return {"id": video.pk, "status": video.status, "status_display": video.get_status_display(),
            "is_finished": video.is_finished, "percent": round(video.progress * 100, 1), "seconds_left": seconds_left,
            "error": video.error}


@require_GET
def video_status(request: HttpRequest, video_id: int) -> JsonResponse:
    return JsonResponse(video_status_data(_get_video_or_404(request, video_id)))


@require_GET
def video_timeline(request: HttpRequest, video_id: int) -> JsonResponse:
    """The stored results the player draws over the video, and the charts."""
    video = _get_video_or_404(request, video_id)
    return JsonResponse(selectors.video_timeline(video=video))


@require_POST
def video_cancel_view(request: HttpRequest, video_id: int) -> HttpResponse:
    video = video_cancel(video=_get_video_or_404(request, video_id))
    if request.headers.get("accept", "").startswith("application/json"):
        return JsonResponse(video_status_data(video))
    return redirect(video)


@require_http_methods(["GET", "POST"])
def video_delete_view(request: HttpRequest, video_id: int) -> HttpResponse:
    video = _get_video_or_404(request, video_id)
    if request.method == "POST":
        video_delete(video=video)
        messages.success(request, "The video, its results and its files have been deleted.")
        return redirect("detection:history")
    return render(request, "detection/video_delete.html", {"video": video})


@require_GET
def video_file(request: HttpRequest, video_id: int, kind: str) -> HttpResponse:
    """The video (with HTTP byte ranges: players ask for them to seek) or its thumbnail."""
    video = _get_video_or_404(request, video_id)
    field = video.thumbnail if kind == "thumbnail" else video.file
    if kind not in ("video", "thumbnail") or not field or not field.storage.exists(field.name):
        raise Http404("No such file.")
    if kind == "thumbnail":
        response = FileResponse(field.open("rb"), content_type="image/jpeg")
    else:
        suffix = "." + field.name.rsplit(".", 1)[-1].lower()
        response = _ranged_file(request, field, CONTENT_TYPES.get(suffix, "application/octet-stream"))
    response["Cache-Control"] = "private, max-age=3600"
    return response


def _ranged_file(request: HttpRequest, field, content_type: str) -> HttpResponse:
    size = field.size
    match = _RANGE.match(request.headers.get("range", "").strip())
    if not match or not (match[1] or match[2]):
        response = FileResponse(field.open("rb"), content_type=content_type)
        response["Accept-Ranges"] = "bytes"
        return response
    if match[1]:
        start = int(match[1])
        end = min(int(match[2]) if match[2] else start + RANGE_CHUNK_BYTES - 1, size - 1)
    else:  # The last N bytes.
        start, end = max(0, size - int(match[2])), size - 1
    if start >= size or start > end:
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        return response
    with field.open("rb") as handle:
        handle.seek(start)
        body = handle.read(end - start + 1)
    response = HttpResponse(body, status=206, content_type=content_type)
    response["Content-Range"] = f"bytes {start}-{end}/{size}"
    response["Accept-Ranges"] = "bytes"
    return response
