"""The admin: results are written by the analysis task, the live camera and the alert rule, so
their records are view-only here (no SAVE), with timelines, probabilities and scores formatted
for people rather than shown as raw JSON and long floats."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from detection.core.presentation import stress_percent
from detection.models import Alert, AlertRule, Analysis, DetectedFace, LiveSession
from ml.emotions import EMOTIONS

TIMELINE_ROWS = 120


def _percent(value: float | None) -> str:
    return stress_percent(value)


def _emotion_percentages(values: dict) -> str:
    """``{"happy": 0.84, ...}`` as "happy 84% · surprise 10% · ...", largest first."""
    ordered = sorted(((label, values.get(label, 0.0)) for label in EMOTIONS), key=lambda item: -item[1])
    return " · ".join(f"{label} {_percent(value)}" for label, value in ordered)


class ReadOnlyAdmin(admin.ModelAdmin):
    """View and delete, never add or edit: the page has no SAVE buttons."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


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
        return _percent(face.confidence)

    @admin.display(description="Stress")
    def stress_display(self, face: DetectedFace) -> str:
        return _percent(face.stress)

    @admin.display(description="Box (x, y, w, h)")
    def box(self, face: DetectedFace) -> str:
        return f"{face.x}, {face.y}, {face.w} × {face.h}"

    @admin.display(description="Probabilities")
    def probabilities_display(self, face: DetectedFace) -> str:
        return _emotion_percentages(face.probabilities)


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
        return _percent(analysis.stress)

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


@admin.register(LiveSession)
class LiveSessionAdmin(ReadOnlyAdmin):
    list_display = ("id", "owner", "started_at", "ended_at", "frames_analyzed", "frames_with_faces", "peak_stress_display")
    list_filter = ("started_at",)
    search_fields = ("owner__username", "owner__email")
    list_select_related = ("owner",)
    date_hierarchy = "started_at"
    # Written by the live camera consumer only.
    fields = readonly_fields = (
        "owner", "started_at", "ended_at", "last_saved_at", "frames_analyzed", "frames_with_faces", "faces_seen",
        "mean_stress_display", "peak_stress_display", "emotion_counts_display", "mean_probabilities_display", "timeline_display",
    )  # fmt: skip

    @admin.display(description="Mean stress")
    def mean_stress_display(self, session: LiveSession) -> str:
        return _percent(session.mean_stress)

    @admin.display(description="Peak stress", ordering="peak_stress")
    def peak_stress_display(self, session: LiveSession) -> str:
        return _percent(session.peak_stress)

    @admin.display(description="Frames each emotion led")
    def emotion_counts_display(self, session: LiveSession) -> str:
        return ", ".join(f"{label} {session.emotion_counts.get(label, 0)}" for label in EMOTIONS)

    @admin.display(description="Mean probabilities")
    def mean_probabilities_display(self, session: LiveSession) -> str:
        return _emotion_percentages(session.mean_probabilities) if session.faces_seen else "-"

    @admin.display(description="Timeline")
    def timeline_display(self, session: LiveSession) -> str:
        if not session.timeline:
            return "-"
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (f"{int(point['t']) // 60}:{int(point['t']) % 60:02d}", _percent(point.get("stress")), point.get("dominant") or "-")
                for point in session.timeline[:TIMELINE_ROWS]
            ),
        )
        more = f" (first {TIMELINE_ROWS} of {len(session.timeline)} points)" if len(session.timeline) > TIMELINE_ROWS else ""
        return format_html(
            "<table><thead><tr><th>Time</th><th>Stress</th><th>Leading emotion</th></tr></thead><tbody>{}</tbody></table>{}", rows, more
        )


@admin.register(AlertRule)
class AlertRuleAdmin(admin.ModelAdmin):
    list_display = ("owner", "emotions", "window", "threshold", "cooldown_minutes", "image_stress_threshold", "updated_at")
    search_fields = ("owner__username", "owner__email")
    list_select_related = ("owner",)


@admin.register(Alert)
class AlertAdmin(ReadOnlyAdmin):
    list_display = ("id", "owner", "created_at", "status", "attempts", "stress", "twilio_sid", "live_session", "analysis")
    list_filter = ("status", "created_at")
    search_fields = ("owner__username", "owner__email", "twilio_sid", "error")
    list_select_related = ("owner",)
    date_hierarchy = "created_at"
    readonly_fields = [field.name for field in Alert._meta.fields]
