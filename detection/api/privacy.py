"""GET /api/v1/me/export/: all of the caller's data as one zip archive (detection/reports/archive.py)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import StreamingHttpResponse
from django.utils.decorators import method_decorator
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.views import APIView

from detection.reports.archive import archive_filename, data_archive


@method_decorator(login_not_required, name="dispatch")  # DRF authenticates (see detection/api/views.py).
class MeExportView(APIView):
    """Everything of yours as one zip archive, streamed: account.json, analyses.json and .csv,
    images/ (each analysis's original and annotated image), videos.json (each video with its
    people's summaries), videos/ (each video's file, thumbnail, and per-frame results as CSV and
    JSON), live_sessions.json, alerts.json."""

    @extend_schema(responses={(200, "application/zip"): OpenApiResponse(OpenApiTypes.BINARY, description="The zip archive.")})
    def get(self, request: Request) -> StreamingHttpResponse:
        response = StreamingHttpResponse(data_archive(request.user), content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="{archive_filename(request.user)}"'
        return response
