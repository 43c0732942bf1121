"""GET /api/v1/stats/trends/: the caller's analyses, live sessions and videos per day or week, from the
same selector as the reports page (detection.reports.trends), so the numbers are the same."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_not_required
from django.utils import timezone
from django.utils.decorators import method_decorator
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from detection.reports.trends import BUCKETS, DAY, trends_list, trends_total
from ml.emotions import EMOTIONS

DEFAULT_DAYS = 30
MAX_DAYS = 731
# Dates outside these cannot be a user's data, and near the calendar's ends date arithmetic fails.
EARLIEST = dt.date(2000, 1, 1)
LATEST = dt.date(2999, 12, 31)


class _PeriodFieldsMixin:
    """``from`` is a Python keyword, so the field cannot be declared in a class body."""

    def get_fields(self) -> dict:
        fields = super().get_fields()
        fields["from"] = fields.pop("from_")
        return fields


class TrendsQuerySerializer(_PeriodFieldsMixin, serializers.Serializer):
    from_ = serializers.DateField(required=False, help_text=f"First day (YYYY-MM-DD); default: {DEFAULT_DAYS - 1} days before `to`.")
    to = serializers.DateField(required=False, help_text="Last day (YYYY-MM-DD), included; default: today.")
    bucket = serializers.ChoiceField(choices=BUCKETS, default=DAY, help_text="A bucket a day, a week (Monday first) or a month.")

    def validate(self, data: dict) -> dict:
        for name in ("from", "to"):
            if name in data and not EARLIEST <= data[name] <= LATEST:
                raise serializers.ValidationError({name: [f"Choose a day from {EARLIEST} to {LATEST}."]})
        date_to = data.get("to") or min(timezone.localdate(), LATEST)
        date_from = data.get("from") or max(date_to - dt.timedelta(days=DEFAULT_DAYS - 1), EARLIEST)
        if date_from > date_to:
            raise serializers.ValidationError({"from": ["The first day is after the last day."]})
        if (date_to - date_from).days + 1 > MAX_DAYS:
            raise serializers.ValidationError({"from": [f"The period can be at most {MAX_DAYS} days."]})
        return {"date_from": date_from, "date_to": date_to, "bucket": data["bucket"]}


EmotionCountsSerializer = type(
    "EmotionCountsSerializer",
    (serializers.Serializer,),
    {label: serializers.IntegerField(help_text=f"How many {label} dominated.") for label in EMOTIONS},
)


class TrendBucketSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField(help_text="Last day of the bucket, included (a week is cut to the period).")
    analyses = serializers.IntegerField(help_text="Analysed images with a face.")
    emotion_counts = EmotionCountsSerializer(help_text="Analysed images per dominant emotion.")
    mean_stress = serializers.FloatField(
        allow_null=True, help_text="The images' mean stress (0 to 1); an image counts its most stressed face."
    )
    peak_stress = serializers.FloatField(allow_null=True, help_text="The most stressed image's stress.")
    live_sessions = serializers.IntegerField(help_text="Live camera sessions started in the bucket.")
    live_frames = serializers.IntegerField(help_text="Frames those sessions analysed.")
    live_mean_stress = serializers.FloatField(allow_null=True, help_text="Mean stress over every face the sessions saw.")
    live_peak_stress = serializers.FloatField(allow_null=True, help_text="The sessions' highest stress.")
    videos = serializers.IntegerField(help_text="Analysed videos with a stress reading (a sample that counts), by upload day.")
    video_emotion_counts = EmotionCountsSerializer(help_text="Those videos per dominant emotion (of their samples that count).")
    video_mean_stress = serializers.FloatField(allow_null=True, help_text="The mean of the videos' mean stress.")
    video_peak_stress = serializers.FloatField(allow_null=True, help_text="The highest stress of anyone in those videos.")


class TrendsSerializer(_PeriodFieldsMixin, serializers.Serializer):
    from_ = serializers.DateField(source="date_from")
    to = serializers.DateField(source="date_to")
    bucket = serializers.ChoiceField(choices=BUCKETS)
    buckets = TrendBucketSerializer(many=True, help_text="Every bucket of the period, oldest first, empty ones too.")
    total = TrendBucketSerializer(help_text="The whole period.")


@method_decorator(login_not_required, name="dispatch")
class TrendsView(APIView):
    """Your analyses, live sessions and videos per day or week: per emotion, stress, frames. The
    same numbers as the reports page."""

    @extend_schema(parameters=[TrendsQuerySerializer], responses=TrendsSerializer)
    def get(self, request: Request) -> Response:
        query = TrendsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        buckets = trends_list(owner=request.user, **query.validated_data)
        return Response(TrendsSerializer({**query.validated_data, "buckets": buckets, "total": trends_total(buckets)}).data)
