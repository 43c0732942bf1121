"""The analyses API. Querysets come from the selectors (the user's own analyses only), writes
from the services. Marked login_not_required: LoginRequiredMiddleware runs before DRF's token
authentication and would redirect a token client to the login page; DRF's IsAuthenticated
(the default permission) guards these views instead. Viewsets added to the router need the same.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.decorators import method_decorator
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action, api_view, permission_classes
from rest_framework.exceptions import NotFound, Throttled
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from detection.analyses import selectors
from detection.analyses.forms import HistoryFilterForm
from detection.analyses.services import (
    IDEMPOTENCY_KEY_MAX_LENGTH,
    QUEUE_UNAVAILABLE_MESSAGE,
    AnalysisRateLimitError,
    analysis_create,
    analysis_delete,
)
from detection.api.errors import PayloadTooLarge, query_error, upload_error
from detection.api.serializers import AnalysisCreateSerializer, AnalysisDetailSerializer, AnalysisSerializer
from detection.models import Analysis
from ml.emotions import EMOTIONS

# What a client is told to wait when the task queue is down (the broker usually restarts in seconds).
QUEUE_RETRY_AFTER_SECONDS = 30
# Room for the multipart envelope around the image (boundaries, part headers, a short field).
MULTIPART_OVERHEAD_BYTES = 64 * 1024

FILTER_PARAMETERS = [
    OpenApiParameter("source", str, enum=Analysis.Source.values, description="Only analyses from this source."),
    OpenApiParameter("emotion", str, enum=list(EMOTIONS), description="Only analyses this emotion dominated."),
    OpenApiParameter("created_from", OpenApiTypes.DATE, description="Created on or after this day (YYYY-MM-DD)."),
    OpenApiParameter("created_to", OpenApiTypes.DATE, description="Created on or before this day (YYYY-MM-DD)."),
]


@extend_schema_view(
    list=extend_schema(parameters=FILTER_PARAMETERS),
    export=extend_schema(parameters=FILTER_PARAMETERS, responses=AnalysisDetailSerializer(many=True)),
    create=extend_schema(
        request={"multipart/form-data": AnalysisCreateSerializer, "application/json": AnalysisCreateSerializer},
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                str,
                OpenApiParameter.HEADER,
                description="Any unique string (a UUID) per analysis you mean to create: a retry with the same key within "
                "24 hours gets the same analysis back (with the header Idempotent-Replayed: true) instead of a second one.",
            )
        ],
        responses={202: AnalysisDetailSerializer, 503: AnalysisDetailSerializer},
    ),
)
@method_decorator(login_not_required, name="dispatch")
class AnalysisViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet):
    """Your image analyses, newest first. Filter the list with source, emotion, created_from and
    created_to (dates as YYYY-MM-DD). Create one by posting a multipart image, or JSON with a url:
    the answer is 202 with the pending analysis; poll its url until its status is done or failed.
    When the task queue is down the analysis is failed at once and the answer is 503 with it (and
    Retry-After). Send an Idempotency-Key header to make a retry safe."""

    parser_classes = [JSONParser, MultiPartParser, FormParser]
    lookup_value_converter = "int"

    def _filters(self) -> dict:
        form = HistoryFilterForm(self.request.query_params)
        if self.request.query_params and not form.is_valid():
            raise query_error(form)
        return form.selector_filters()

    def get_queryset(self):
        if self.action in ("list", "export"):
            return selectors.analysis_list(owner=self.request.user, **self._filters())
        return selectors.analysis_list(owner=self.request.user).prefetch_related("faces")

    def get_serializer_class(self):
        return AnalysisSerializer if self.action == "list" else AnalysisDetailSerializer

    def create(self, request: Request) -> Response:
        # Refuse a body that cannot hold an acceptable image before receiving it.
        if _content_length(request) > settings.ANALYSIS_MAX_UPLOAD_BYTES + MULTIPART_OVERHEAD_BYTES:
            raise PayloadTooLarge(f"The request is larger than the {settings.ANALYSIS_MAX_UPLOAD_BYTES} bytes an image may have.")
        payload = AnalysisCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        image, url = payload.validated_data.get("image"), payload.validated_data.get("url", "")
        idempotency_key = request.headers.get("Idempotency-Key", "").strip()
        if len(idempotency_key) > IDEMPOTENCY_KEY_MAX_LENGTH:
            raise serializers.ValidationError({"Idempotency-Key": [f"At most {IDEMPOTENCY_KEY_MAX_LENGTH} characters."]})
        try:
            analysis = analysis_create(
                owner=request.user,
                source=Analysis.Source.UPLOAD if image else Analysis.Source.URL,
                image=image,
                source_url=url,
                idempotency_key=idempotency_key,
            )
        except AnalysisRateLimitError as error:
            raise Throttled(wait=error.retry_after, detail=error.messages[0]) from None
        except ValidationError as error:
            raise upload_error(error, field="image" if image else "url") from None
        data = AnalysisDetailSerializer(analysis, context=self.get_serializer_context()).data
        headers = {"Location": str(data["url"])}
        if analysis.replayed:
            headers["Idempotent-Replayed"] = "true"
        if analysis.status == Analysis.Status.FAILED and analysis.error == QUEUE_UNAVAILABLE_MESSAGE:
            # Not "pending": the task queue (Redis) is down, so it was failed at once.
            headers["Retry-After"] = str(QUEUE_RETRY_AFTER_SECONDS)
            return Response(data, status=status.HTTP_503_SERVICE_UNAVAILABLE, headers=headers)
        return Response(data, status=status.HTTP_202_ACCEPTED, headers=headers)

    def perform_destroy(self, instance: Analysis) -> None:
        analysis_delete(analysis=instance)

    @action(detail=False, methods=["get"], pagination_class=None)
    def export(self, request: Request) -> Response:
        """Every analysis (filtered like the list) with its faces, in one JSON download."""
        analyses = selectors.analysis_list_with_faces(owner=request.user, **self._filters())
        data = AnalysisDetailSerializer(analyses, many=True, context=self.get_serializer_context()).data
        filename = f"stress-detector-analyses-{timezone.localdate().isoformat()}.json"
        return Response(data, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def _content_length(request: Request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


@login_not_required
@extend_schema(exclude=True)
@api_view(["GET", "POST", "PUT", "PATCH", "DELETE"])
@permission_classes([AllowAny])
def api_not_found(request: Request, *args, **kwargs) -> Response:
    raise NotFound("No such API endpoint.")
