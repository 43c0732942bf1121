"""The detection pages. For now each says what it will do; the features arrive in later work.

All of them need a logged-in user (LoginRequiredMiddleware).
"""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def live(request: HttpRequest) -> HttpResponse:
    return render(request, "detection/live.html")


def analyze(request: HttpRequest) -> HttpResponse:
    max_upload_mb = settings.ANALYSIS_MAX_UPLOAD_BYTES // (1024 * 1024)
    return render(request, "detection/analyze.html", {"max_upload_mb": max_upload_mb})


def history(request: HttpRequest) -> HttpResponse:
    return render(request, "detection/history.html")


def reports(request: HttpRequest) -> HttpResponse:
    return render(request, "detection/reports.html")
