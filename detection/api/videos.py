"""The videos API: upload (202, then poll), list, detail with the people found and links to the
exports, per-frame results, the CSV and JSON exports, cancel and delete. Querysets come from the
video selectors (the caller's own videos only), writes from the video services."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import StreamingHttpResponse
from django.utils.decorators import method_decorator
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import Throttled
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from detection.api.errors import PayloadTooLarge, query_error, upload_error
from detection.models import Video, VideoFace
from detection.videos import selectors
from detection.videos.forms import VideoFilterForm
from detection.videos.services import (
    VideoRateLimitError,
    video_cancel,
    video_create,
    video_delete,
)
from ml.emotions import EMOTIONS
from ml.headline import STRESS_LEVELS, stress_percent
from ml.video import MAX_SAMPLES_PER_SECOND

MULTIPART_OVERHEAD_BYTES = 64 * 1024


class VideoSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:video-detail")
    page_url = serializers.SerializerMethodField()
    progress = serializers.FloatField(read_only=True, help_text="0..1 of the video analysed.")
    links = serializers.SerializerMethodField(help_text="The video file, its thumbnail and the CSV and JSON exports.")

    class Meta:
        model = Video
        fields = [
            "id", "url", "page_url", "original_name", "size_bytes", "status", "error", "progress", "samples_per_second",
            "duration_s", "fps", "width", "height", "rotation", "codec", "samples_done", "person_count",
            "dominant_emotion", "stress", "peak_stress", "model_version", "detector", "links", "created_at",
            "started_at", "finished_at",
        ]  # fmt: skip
        read_only_fields = fields

    def _absolute(self, path: str) -> str:
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path

    def get_page_url(self, video: Video) -> str:
        return self._absolute(video.get_absolute_url())

    def get_links(self, video: Video) -> dict[str, str]:
        return {name: self._absolute(path) for name, path in selectors.video_links(video).items()}


class VideoDetailSerializer(VideoSerializer):
    persons = serializers.JSONField(read_only=True, help_text="Per person: time on screen, mean and peak stress, dominant emotions.")

    class Meta(VideoSerializer.Meta):
        fields = [*VideoSerializer.Meta.fields, "analysis_width", "analysis_height", "persons"]
        read_only_fields = fields


# A sampled face as selectors.video_face_data gives it: the one shape of the frames endpoint, the
# JSON download and the user's archive. The fields below describe it for the schema.
class VideoFaceSerializer(serializers.ModelSerializer):
    box = serializers.DictField(child=serializers.IntegerField(), read_only=True,
                                help_text="x, y, w and h, in the analysed copy's pixels.")
    confidence = serializers.FloatField(read_only=True, help_text="The probability of the dominant emotion.")
    counts_for_headline = serializers.BooleanField(
        read_only=True,
        help_text="Whether the sample decides the person's and the video's stress and dominant emotion: false when the detector "
        "or the classifier is unsure (see the home page, 'How a result is read').",
    )

    class Meta:
        model = VideoFace
        fields = ["seconds", "person", "box", "dominant_emotion", "confidence", "stress", "detection_score", "counts_for_headline",
                  "probabilities"]

    def to_representation(self, face: VideoFace) -> dict:
        return selectors.video_face_data(face)


class VideoCreateSerializer(serializers.Serializer):
    file = serializers.FileField(allow_empty_file=True)
    samples_per_second = serializers.FloatField(required=False, min_value=0.2, max_value=MAX_SAMPLES_PER_SECOND)


FILTER_PARAMETERS = [
    OpenApiParameter("status", str, enum=Video.Status.values, description="Only videos with this status."),
    OpenApiParameter("emotion", str, enum=list(EMOTIONS), description="Only videos this emotion dominated (of the samples that count)."),
    OpenApiParameter("stress_level", str, enum=[level for _, level in reversed(STRESS_LEVELS)],
                     description="Only videos whose stress has this level ("
                     + ", ".join(f"{level} from {stress_percent(threshold)}" for threshold, level in reversed(STRESS_LEVELS))
                     + "); a video without a stress reading has none."),
    OpenApiParameter("created_from", OpenApiTypes.DATE, description="Uploaded on or after this day (YYYY-MM-DD)."),
    OpenApiParameter("created_to", OpenApiTypes.DATE, description="Uploaded on or before this day (YYYY-MM-DD)."),
]


@extend_schema_view(
    list=extend_schema(parameters=FILTER_PARAMETERS),
    create=extend_schema(request={"multipart/form-data": VideoCreateSerializer}, responses={202: VideoDetailSerializer}),
)
@method_decorator(login_not_required, name="dispatch")
class VideoViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet):
    """Your recorded videos, newest first. Filter the list with status, emotion, stress_level,
    created_from and created_to (dates as YYYY-MM-DD). Upload one as multipart ``file`` (MP4, WebM, MOV or AVI)
    with an optional ``samples_per_second``: the answer is 202 with the pending video; poll its url
    until its status is done, failed or cancelled. The detail lists the people found; its links
    give the per-frame results as CSV and JSON."""

    parser_classes = [MultiPartParser]
    lookup_value_converter = "int"

    def _filters(self) -> dict:
        form = VideoFilterForm(self.request.query_params)
        if self.request.query_params and not form.is_valid():
            raise query_error(form)
        return form.selector_filters()

    def get_queryset(self):
        if self.action == "list":
            return selectors.video_list(owner=self.request.user, **self._filters())
        return selectors.video_list(owner=self.request.user)

    def get_serializer_class(self):
        if self.action == "frames":
            return VideoFaceSerializer
        return VideoSerializer if self.action == "list" else VideoDetailSerializer

    def create(self, request: Request) -> Response:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
        if length > settings.VIDEO_MAX_UPLOAD_BYTES + MULTIPART_OVERHEAD_BYTES:
            raise PayloadTooLarge(f"The request is larger than the {settings.VIDEO_MAX_UPLOAD_BYTES} bytes a video may have.")
        payload = VideoCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            video = video_create(owner=request.user, file=payload.validated_data["file"],
                                 samples_per_second=payload.validated_data.get("samples_per_second"))
        except VideoRateLimitError as error:
            raise Throttled(wait=error.retry_after, detail=error.messages[0]) from None
        except ValidationError as error:
            raise upload_error(error, field="file") from None
        data = VideoDetailSerializer(video, context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_202_ACCEPTED, headers={"Location": str(data["url"])})

    def perform_destroy(self, instance: Video) -> None:
        video_delete(video=instance)

    @action(detail=True, methods=["get"])
    def frames(self, request: Request, pk: int) -> Response:
        """Every sampled frame's people: time, person, box (in the analysed copy's pixels:
        ``analysis_width`` x ``analysis_height``), the seven probabilities, dominant emotion, stress."""
        faces = selectors.video_faces(video=self.get_object())
        page = self.paginate_queryset(faces)
        return self.get_paginated_response(VideoFaceSerializer(page, many=True).data)

    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: int) -> Response:
        video = video_cancel(video=self.get_object())
        return Response(VideoDetailSerializer(video, context=self.get_serializer_context()).data)

    @extend_schema(responses={(200, "text/csv"): str})
    @action(detail=True, methods=["get"], url_path="csv", url_name="results-csv")
    def results_csv(self, request: Request, pk: int) -> StreamingHttpResponse:
        """One row per sampled frame and person (time, person, box, the seven probabilities with
        ``fer``'s column names, dominant, stress)."""
        video = self.get_object()
        response = StreamingHttpResponse(selectors.video_results_csv(video=video), content_type="text/csv")
        response["Content-Disposition"] = f'attachment; filename="stress-detector-video-{video.pk}.csv"'
        return response

    @action(detail=True, methods=["get"], url_path="json", url_name="results-json")
    def results_json(self, request: Request, pk: int) -> Response:
        """The video, the people's summaries and every sampled frame's people, in one download."""
        video = self.get_object()
        data = {**VideoDetailSerializer(video, context=self.get_serializer_context()).data,
                "frames": list(selectors.video_frames_data(video=video))}
        return Response(data, headers={"Content-Disposition": f'attachment; filename="stress-detector-video-{video.pk}.json"'})
