"""GET, PATCH and DELETE /api/v1/me/: the caller's account, alert and retention settings, and
deleting the account with all its data."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.decorators import method_decorator
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.serializers import AccountDeleteSerializer, MeSerializer, MeUpdateSerializer
from accounts.models import User
from accounts.services import user_delete, user_set_retention, user_update_alert_settings


@method_decorator(login_not_required, name="dispatch")
class MeView(APIView):
    """You: display name, e-mail, phone number, the SMS switch, the stress-alert rule and how long
    your data is kept. PATCH changes the SMS switch, the rule and retention_days, checked as the
    profile page checks them; the other fields are changed on the profile page. DELETE, with your
    password, deletes your account and all its data for good (204)."""

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
        validated = dict(changes.validated_data)
        retention_changed = "retention_days" in validated
        retention_days = validated.pop("retention_days", None)
        try:
            with transaction.atomic():
                user_update_alert_settings(user=user, **validated)
                if retention_changed:
                    user_set_retention(user=user, retention_days=retention_days)
        except ValidationError as error:
            raise serializers.ValidationError({"sms_alerts_enabled": error.messages}) from None
        return Response(MeSerializer(user).data)

    @extend_schema(request=AccountDeleteSerializer, responses={204: None})
    def delete(self, request: Request) -> Response:
        confirmation = AccountDeleteSerializer(data=request.data)
        confirmation.is_valid(raise_exception=True)
        if not request.user.check_password(confirmation.validated_data["password"]):
            raise serializers.ValidationError({"password": ["That is not your password."]})
        user_delete(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
