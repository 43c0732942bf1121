from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from detection.models import Alert, AlertRule, Analysis, DetectedFace, LiveSession


class DetectedFaceInline(admin.TabularInline):
    model = DetectedFace
    extra = 0
    can_delete = False
    fields = ("index", "dominant_emotion", "confidence", "stress", "x", "y", "w", "h", "probabilities")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Analysis)
class AnalysisAdmin(admin.ModelAdmin):
    list_display = ("id", "thumbnail", "owner", "source", "status", "face_count", "dominant_emotion", "stress", "created_at")
    list_display_links = ("id", "thumbnail")
    list_filter = ("status", "source", "dominant_emotion", "created_at")
    search_fields = ("owner__username", "owner__email", "source_url", "error")
    list_select_related = ("owner",)
    date_hierarchy = "created_at"
    inlines = [DetectedFaceInline]
    # Results come from the analysis task; the admin shows them and can delete, not edit them.
    readonly_fields = (
        "owner", "source", "source_url", "original_image", "annotated_image", "status", "error", "model_version",
        "width", "height", "face_count", "dominant_emotion", "stress", "timings", "created_at", "started_at", "finished_at",
    )  # fmt: skip
    exclude = ("original", "annotated")

    def has_add_permission(self, request) -> bool:
        return False

    @admin.display(description="Image")
    def thumbnail(self, analysis: Analysis) -> str:
        if not analysis.original:
            return "-"
        url = reverse("detection:analysis_image", args=[analysis.pk, "thumbnail"])
        return format_html('<img src="{}" alt="" style="height: 48px; border-radius: 4px">', url)

    @admin.display(description="Original")
    def original_image(self, analysis: Analysis) -> str:
        return self._image(analysis, "original") if analysis.original else "-"

    @admin.display(description="Annotated")
    def annotated_image(self, analysis: Analysis) -> str:
        return self._image(analysis, "annotated") if analysis.annotated else "-"

    def _image(self, analysis: Analysis, kind: str) -> str:
        url = reverse("detection:analysis_image", args=[analysis.pk, kind])
        return format_html('<a href="{0}"><img src="{0}" alt="" style="max-width: 360px; max-height: 360px"></a>', url)


# --- Live sessions and stress alerts ---------------------------------------------------------


@admin.register(LiveSession)
class LiveSessionAdmin(admin.ModelAdmin):
    list_display = ("id", "owner", "started_at", "ended_at", "frames_analyzed", "frames_with_faces", "peak_stress")
    list_filter = ("started_at",)
    search_fields = ("owner__username", "owner__email")
    list_select_related = ("owner",)
    date_hierarchy = "started_at"
    # Written by the live camera consumer only.
    readonly_fields = [field.name for field in LiveSession._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(AlertRule)
class AlertRuleAdmin(admin.ModelAdmin):
    list_display = ("owner", "emotions", "window", "threshold", "cooldown_minutes", "image_stress_threshold", "updated_at")
    search_fields = ("owner__username", "owner__email")
    list_select_related = ("owner",)


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):
    list_display = ("id", "owner", "created_at", "status", "attempts", "stress", "twilio_sid", "live_session", "analysis")
    list_filter = ("status", "created_at")
    search_fields = ("owner__username", "owner__email", "twilio_sid", "error")
    list_select_related = ("owner",)
    date_hierarchy = "created_at"
    readonly_fields = [field.name for field in Alert._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False
