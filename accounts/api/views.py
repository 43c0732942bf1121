"""GET and PATCH /api/v1/me/: the caller's account and alert settings."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.utils.decorators import method_decorator
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.serializers import MeSerializer, MeUpdateSerializer
from accounts.models import User
from accounts.services import user_update_alert_settings


@method_decorator(login_not_required, name="dispatch")
class MeView(APIView):
    """You: display name, e-mail, phone number, the SMS switch and the stress-alert rule. PATCH
    changes the SMS switch and the rule, checked as the profile page checks them; the other
    fields are changed on the profile page."""

    parser_classes = [JSONParser]

    @extend_schema(responses=MeSerializer)
    def get(self, request: Request) -> Response:
        return Response(MeSerializer(request.user).data)

    @extend_schema(request=MeUpdateSerializer, responses=MeSerializer)
    def patch(self, request: Request) -> Response:
        changes = MeUpdateSerializer(data=request.data, partial=True, context={"request": request})
        changes.is_valid(raise_exception=True)
        # A fresh copy, so that a refused change leaves nothing on request.user.
        user = User.objects.get(pk=request.user.pk)
        try:
            user_update_alert_settings(user=user, **changes.validated_data)
        except ValidationError as error:
            raise serializers.ValidationError({"sms_alerts_enabled": error.messages}) from None
        return Response(MeSerializer(user).data)
