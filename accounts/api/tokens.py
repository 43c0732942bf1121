"""API log in and log out: getting a token for a script, and revoking the one in use.

login_not_required: LoginRequiredMiddleware runs before DRF's authentication (see
detection/api/views.py); these views do their own.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.utils.decorators import method_decorator
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.exceptions import Throttled, ValidationError
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.authentication import ApiTokenAuthentication
from accounts.lockout import lockout_seconds
from accounts.tokens import api_token_create


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"})
    name = serializers.CharField(required=False, allow_blank=True, max_length=100, help_text="To recognise the token on your profile.")


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Send as 'Authorization: Token <token>'. Shown only now.")
    name = serializers.CharField()
    expiry = serializers.DateTimeField(allow_null=True)


@extend_schema_view(
    post=extend_schema(
        request={"application/json": TokenRequestSerializer, "application/x-www-form-urlencoded": TokenRequestSerializer},
        responses={200: TokenSerializer},
        auth=[],
    )
)
@method_decorator(login_not_required, name="dispatch")
class TokenCreateView(APIView):
    """POST ``username`` and ``password`` (and optionally a ``name``): a new token, shown once,
    with its expiry. Send it as ``Authorization: Token <token>``."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_scope = "auth"

    def post(self, request: Request) -> Response:
        credentials = AuthTokenSerializer(data=request.data, context={"request": request})
        if not credentials.is_valid():
            # django-axes refused to check the password: too many failures for this account or
            # address (it flags the request it was given, DRF's).
            if getattr(request, "axes_locked_out", False):
                raise Throttled(wait=lockout_seconds(), detail="Too many failed log-in attempts. Try again later.")
            raise ValidationError(credentials.errors)
        token, key = api_token_create(user=credentials.validated_data["user"], name=str(request.data.get("name", "")))
        return Response({"token": key, "name": token.name, "expiry": token.expiry}, status=status.HTTP_200_OK)


@extend_schema_view(post=extend_schema(request=None, responses={204: None}))
@method_decorator(login_not_required, name="dispatch")
class TokenRevokeView(APIView):
    """POST with a token: revoke that token (the API's log out)."""

    authentication_classes = [ApiTokenAuthentication]
    permission_classes = [IsAuthenticated]

    def post(self, request: Request) -> Response:
        request.auth.delete()
        return Response(status=status.HTTP_204_NO_CONTENT)
