"""Read-only API for live sessions and stress alerts: the caller's own only (the selectors
filter by owner, so another user's session or alert is a 404). Live sessions are written by
the WebSocket consumer, alerts by the alert rule; neither is created through the API.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.utils.decorators import method_decorator
from rest_framework import serializers, viewsets

from detection.alerts.selectors import alert_list
from detection.live.selectors import live_session_list
from detection.models import Alert, LiveSession


class LiveSessionSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:live-session-detail")
    page_url = serializers.SerializerMethodField()
    mean_stress = serializers.FloatField(read_only=True)
    mean_probabilities = serializers.DictField(child=serializers.FloatField(), read_only=True)

    class Meta:
        model = LiveSession
        fields = [
            "id", "url", "page_url", "started_at", "ended_at", "last_saved_at", "frames_analyzed", "frames_with_faces",
            "faces_seen", "emotion_counts", "mean_probabilities", "mean_stress", "peak_stress",
        ]  # fmt: skip
        read_only_fields = fields

    def get_page_url(self, session: LiveSession) -> str:
        request = self.context.get("request")
        path = session.get_absolute_url()
        return request.build_absolute_uri(path) if request else path


class LiveSessionDetailSerializer(LiveSessionSerializer):
    class Meta(LiveSessionSerializer.Meta):
        fields = [*LiveSessionSerializer.Meta.fields, "timeline"]
        read_only_fields = fields


class AlertSerializer(serializers.ModelSerializer):
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Alert
        fields = [
            "id", "created_at", "live_session", "analysis", "rule", "stress_frames", "window_frames", "stress", "message",
            "status", "status_display", "attempts", "twilio_sid", "error", "sent_at",
        ]  # fmt: skip
        read_only_fields = fields


@method_decorator(login_not_required, name="dispatch")
class LiveSessionViewSet(viewsets.ReadOnlyModelViewSet):
    """Your live camera sessions, newest first; one session adds its timeline (one point a second)."""

    lookup_value_converter = "int"

    def get_queryset(self):
        return live_session_list(owner=self.request.user)

    def get_serializer_class(self):
        return LiveSessionSerializer if self.action == "list" else LiveSessionDetailSerializer


@method_decorator(login_not_required, name="dispatch")
class AlertViewSet(viewsets.ReadOnlyModelViewSet):
    """Your stress alerts, newest first, with their SMS delivery status."""

    lookup_value_converter = "int"

    serializer_class = AlertSerializer

    def get_queryset(self):
        return alert_list(owner=self.request.user)
