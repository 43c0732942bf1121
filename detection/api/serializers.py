"""API representations of analyses. Serializers only shape data; analysis_create validates."""

from __future__ import annotations

from django.urls import reverse
from rest_framework import serializers

import ml
from detection.core.presentation import counts_for_headline
from detection.models import EMOTION_CHOICES, Analysis, DetectedFace


class DetectedFaceSerializer(serializers.ModelSerializer):
    number = serializers.IntegerField(
        read_only=True, help_text="The face's number, left to right from 1, as on the marked image and the page."
    )
    index = serializers.IntegerField(read_only=True, help_text="number - 1 (kept for compatibility).")
    box = serializers.SerializerMethodField()
    stress_percent = serializers.SerializerMethodField(help_text="stress (0..1) in the unit the pages show: a whole percentage.")
    counts_for_headline = serializers.SerializerMethodField(
        help_text="Whether the face decides the analysis' stress and dominant emotion (see the home page, 'How a result is read')."
    )

    class Meta:
        model = DetectedFace
        # person: the live tracker's person id, for the faces of a live snapshot (null otherwise).
        fields = [
            "number", "index", "person", "box", "dominant_emotion", "confidence", "stress", "stress_percent", "detection_score",
            "counts_for_headline", "probabilities",
        ]  # fmt: skip

    def get_box(self, face: DetectedFace) -> dict[str, int]:
        return {"x": face.x, "y": face.y, "w": face.w, "h": face.h}

    def get_stress_percent(self, face: DetectedFace) -> int:
        return round(face.stress * 100)

    def get_counts_for_headline(self, face: DetectedFace) -> bool:
        return counts_for_headline(face)


class AnalysisSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:analysis-detail")
    page_url = serializers.SerializerMethodField()
    source_url = serializers.URLField(read_only=True, allow_blank=True, help_text="The image's address; empty for uploads.")
    dominant_emotion = serializers.ChoiceField(
        choices=EMOTION_CHOICES, read_only=True, allow_blank=True, help_text="Empty until done, and when no face was found."
    )
    stress_percent = serializers.SerializerMethodField(help_text="stress (0..1) in the unit the pages show: a whole percentage.")
    stress_level = serializers.SerializerMethodField()
    images = serializers.SerializerMethodField()

    class Meta:
        model = Analysis
        fields = [
            "id", "url", "page_url", "source", "source_url", "status", "error", "model_version", "detector", "width",
            "height", "face_count", "dominant_emotion", "stress", "stress_percent", "stress_level", "timings", "images",
            "created_at", "started_at", "finished_at",
        ]  # fmt: skip
        read_only_fields = fields

    def _absolute(self, path: str) -> str:
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path

    def get_page_url(self, analysis: Analysis) -> str:
        return self._absolute(analysis.get_absolute_url())

    def get_stress_percent(self, analysis: Analysis) -> int | None:
        return None if analysis.stress is None else round(analysis.stress * 100)

    def get_stress_level(self, analysis: Analysis) -> str | None:
        return ml.stress_level(analysis.stress) if analysis.stress is not None else None

    def get_images(self, analysis: Analysis) -> dict[str, str | None]:
        def link(kind: str, present: bool) -> str | None:
            return self._absolute(reverse("detection:analysis_image", args=[analysis.pk, kind])) if present else None

        return {
            "original": link("original", bool(analysis.original)),
            "annotated": link("annotated", bool(analysis.annotated)),
            "thumbnail": link("thumbnail", bool(analysis.original)),
        }


class AnalysisDetailSerializer(AnalysisSerializer):
    faces = DetectedFaceSerializer(many=True, read_only=True)

    class Meta(AnalysisSerializer.Meta):
        fields = [*AnalysisSerializer.Meta.fields, "faces"]
        read_only_fields = fields


class AnalysisCreateSerializer(serializers.Serializer):
    """Either a multipart ``image`` or a JSON ``url``."""

    image = serializers.FileField(required=False, allow_empty_file=True)
    url = serializers.URLField(required=False, max_length=2048)

    def validate(self, data: dict) -> dict:
        if bool(data.get("image")) == bool(data.get("url")):
            raise serializers.ValidationError("Send either an image file (multipart 'image') or an image address ('url').")
        return data
