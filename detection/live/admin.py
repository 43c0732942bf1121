"""The admin of live sessions (view and delete only), with their timeline as a table."""

from django.contrib import admin
from django.utils.html import format_html, format_html_join

from detection.core.admin import ReadOnlyAdmin, emotion_percentages, percent
from detection.models import LiveSession
from ml.emotions import EMOTIONS

TIMELINE_ROWS = 120


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
        return percent(session.mean_stress)

    @admin.display(description="Peak stress", ordering="peak_stress")
    def peak_stress_display(self, session: LiveSession) -> str:
        return percent(session.peak_stress)

    @admin.display(description="Frames each emotion led")
    def emotion_counts_display(self, session: LiveSession) -> str:
        return ", ".join(f"{label} {session.emotion_counts.get(label, 0)}" for label in EMOTIONS)

    @admin.display(description="Mean probabilities")
    def mean_probabilities_display(self, session: LiveSession) -> str:
        return emotion_percentages(session.mean_probabilities) if session.faces_seen else "-"

    @admin.display(description="Timeline")
    def timeline_display(self, session: LiveSession) -> str:
        if not session.timeline:
            return "-"
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (f"{int(point['t']) // 60}:{int(point['t']) % 60:02d}", percent(point.get("stress")), point.get("dominant") or "-")
                for point in session.timeline[:TIMELINE_ROWS]
            ),
        )
        more = f" (first {TIMELINE_ROWS} of {len(session.timeline)} points)" if len(session.timeline) > TIMELINE_ROWS else ""
        return format_html(
            "<table><thead><tr><th>Time</th><th>Stress</th><th>Leading emotion</th></tr></thead><tbody>{}</tbody></table>{}", rows, more
        )
