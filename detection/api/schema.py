"""What the OpenAPI schema (drf-spectacular) says beyond what it reads from the views: the error
answers every operation can give, and that only the versioned paths (/api/v1/) are described."""

from __future__ import annotations

from drf_spectacular import openapi
from drf_spectacular.extensions import OpenApiAuthenticationExtension, OpenApiSerializerExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from drf_spectacular.utils import OpenApiResponse, PolymorphicProxySerializer
from rest_framework import serializers

VERSIONED_PREFIX = "/api/v1/"


def versioned_endpoints_only(endpoints: list, **kwargs) -> list:
    """/api/... serves the same views as /api/v1/..., and so do the format suffixes
    (``/analyses.json``) the router adds: describe each operation once."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith(VERSIONED_PREFIX) and "{format}" not in endpoint[0]]


def empty_query_values_mean_absent(result: dict, **kwargs) -> dict:
    """The API reads an optional query parameter sent empty (``?created_to=``, as an HTML form
    sends it) as not sent; say so on each of them."""
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "query" and not parameter.get("required"):
                    parameter["allowEmptyValue"] = True
    return result


class ErrorSerializer(serializers.Serializer):
    """A request-level error."""

    detail = serializers.CharField(help_text="What went wrong, in words for people.")


class ValidationErrorSerializer(serializers.Serializer):
    """Invalid input: each invalid field (``non_field_errors`` for the input as a whole) with its
    messages; a nested object (such as ``alert_rule``, or a list by item index) has its own."""


class ValidationErrorExtension(OpenApiSerializerExtension):
    target_class = ValidationErrorSerializer

    def map_serializer(self, auto_schema, direction) -> dict:
        messages = {"type": "array", "items": {"type": "string"}}
        return {
            "type": "object",
            "description": ValidationErrorSerializer.__doc__.strip().replace("\n   ", ""),
            "additionalProperties": {"oneOf": [messages, {"$ref": "#/components/schemas/ValidationError"}]},
            "example": {"window": ["Ensure this value is less than or equal to 1000."]},
        }


def _error(description: str) -> OpenApiResponse:
    return OpenApiResponse(ErrorSerializer, description=description)


ALWAYS = {
    "401": _error("Missing or invalid credentials (token clients)."),
    "403": _error("Not signed in, an invalid token, or a session request without its CSRF token."),
    "404": _error("No such object among yours, or no such page of a list."),
}
WITH_INPUT = {
    "400": OpenApiResponse(
        PolymorphicProxySerializer(
            component_name="BadRequest", serializers=[ValidationErrorSerializer, ErrorSerializer], resource_type_field_name=None
        ),
        description="Invalid input: the invalid fields with their messages, or a body that does not parse (`detail`).",
    )
}
WITH_BODY = {
    "413": _error("The request or its file is too large."),
    "415": _error("The body's content type, or the uploaded file's image type, is not one we read."),
}
THROTTLED = {"429": _error("Too many requests; retry after the Retry-After header's seconds.")}


class AutoSchema(openapi.AutoSchema):
    """drf-spectacular's schema, plus the error answers (one format, see detection.api.errors)."""

    def _get_response_bodies(self, direction: str = "response") -> dict:
        responses = super()._get_response_bodies(direction)
        errors = dict(ALWAYS)
        # A DELETE with a body (DELETE me/ takes the password) is checked like any input.
        if self.method in ("POST", "PUT", "PATCH") or (self.method == "DELETE" and self.get_request_serializer() is not None):
            errors |= WITH_INPUT | WITH_BODY
        elif any(parameter["in"] == "query" for parameter in self._get_parameters()):
            errors |= WITH_INPUT
        if self.view.get_throttles():
            errors |= THROTTLED
        for code, response in errors.items():
            responses.setdefault(code, self._get_response_for_code(response, code, direction=direction))
        return responses


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """The API token (accounts.ApiToken, django-rest-knox), described as DRF's token was."""

    target_class = "accounts.authentication.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema) -> dict:
        return build_bearer_security_scheme_object(header_name="Authorization", token_prefix="Token")
