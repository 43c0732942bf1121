"""The admin of videos (view and delete only; deleting goes through the service, so the files go too)."""

from django.contrib import admin

from detection.core.admin import ReadOnlyAdmin, percent
from detection.models import Video
from detection.videos.services import video_delete


@admin.register(Video)
class VideoAdmin(ReadOnlyAdmin):
    list_display = ("id", "owner", "original_name", "created_at", "status", "duration_s", "person_count", "stress_display")
    list_filter = ("status", "created_at")
    search_fields = ("owner__username", "owner__email", "original_name")
    list_select_related = ("owner",)
    date_hierarchy = "created_at"
    fields = readonly_fields = (
        "owner", "original_name", "file", "size_bytes", "status", "error", "created_at", "started_at", "finished_at",
        "duration_s", "fps", "width", "height", "rotation", "codec", "samples_per_second", "analyzed_until_s",
        "samples_done", "samples_analyzed_total", "attempts", "person_count", "persons", "dominant_emotion",
        "stress_display", "peak_stress", "model_version", "detector",
    )  # fmt: skip

    @admin.display(description="Mean stress", ordering="stress")
    def stress_display(self, video: Video) -> str:
        return percent(video.stress)

    def delete_model(self, request, video: Video) -> None:
        video_delete(video=video)

    def delete_queryset(self, request, queryset) -> None:
        for video in queryset:
            video_delete(video=video)
