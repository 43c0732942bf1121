"""The admin of analyses and their faces (view and delete only)."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from detection.core.admin import ReadOnlyAdmin, emotion_percentages, percent
from detection.models import Analysis, DetectedFace


class DetectedFaceInline(admin.TabularInline):
    model = DetectedFace
    extra = 0
    can_delete = False
    fields = ("index", "dominant_emotion", "confidence_display", "stress_display", "box", "probabilities_display")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="Confidence")
    def confidence_display(self, face: DetectedFace) -> str:
        return percent(face.confidence)

    @admin.display(description="Stress")
    def stress_display(self, face: DetectedFace) -> str:
        return percent(face.stress)

    @admin.display(description="Box (x, y, w, h)")
    def box(self, face: DetectedFace) -> str:
        return f"{face.x}, {face.y}, {face.w} × {face.h}"

    @admin.display(description="Probabilities")
    def probabilities_display(self, face: DetectedFace) -> str:
        return emotion_percentages(face.probabilities)


@admin.register(Analysis)
class AnalysisAdmin(ReadOnlyAdmin):
    list_display = ("id", "thumbnail", "owner", "source", "status", "face_count", "dominant_emotion", "stress_display", "created_at")
    list_display_links = ("id", "thumbnail")
    list_filter = ("status", "source", "dominant_emotion", "created_at")
    search_fields = ("owner__username", "owner__email", "source_url", "error")
    list_select_related = ("owner",)
    date_hierarchy = "created_at"
    inlines = [DetectedFaceInline]
    # Results come from the analysis task; the admin shows them and can delete, not edit them.
    readonly_fields = (
        "owner", "source", "source_url", "original_image", "annotated_image", "status", "error", "model_version",
        "detector", "width", "height", "face_count", "dominant_emotion", "stress_display", "timings_display", "created_at", "started_at",
        "finished_at", "requeued_at",
    )  # fmt: skip
    exclude = ("original", "annotated", "stress", "timings")

    @admin.display(description="Stress", ordering="stress")
    def stress_display(self, analysis: Analysis) -> str:
        return percent(analysis.stress)

    @admin.display(description="Timings")
    def timings_display(self, analysis: Analysis) -> str:
        return ", ".join(f"{step} {milliseconds:.0f} ms" for step, milliseconds in analysis.timings.items()) or "-"

    @admin.display(description="Image")
    def thumbnail(self, analysis: Analysis) -> str:
        if not analysis.original:
            return "-"
        url = reverse("detection:analysis_image", args=[analysis.pk, "thumbnail"])
        return format_html('<img src="{}" alt="" height="48">', url)

    @admin.display(description="Original")
    def original_image(self, analysis: Analysis) -> str:
        return self._image(analysis, "original") if analysis.original else "-"

    @admin.display(description="Annotated")
    def annotated_image(self, analysis: Analysis) -> str:
        return self._image(analysis, "annotated") if analysis.annotated else "-"

    def _image(self, analysis: Analysis, kind: str) -> str:
        url = reverse("detection:analysis_image", args=[analysis.pk, kind])
        return format_html('<a href="{0}"><img src="{0}" alt="" width="360"></a>', url)


# --- Live sessions and stress alerts ---------------------------------------------------------
