"""The caller's account as the API shows it (GET /api/v1/me/) and what PATCH may change: the SMS
switch and the stress-alert rule. PATCH input is checked by the profile page's own forms, so
the API accepts exactly what the page does; the field bounds below are read from them."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.forms import AlertRuleForm
from accounts.models import User
from detection.alerts.selectors import alert_rule_get
from detection.alerts.services import alert_rule_to_dict
from ml.emotions import EMOTIONS

_RULE_FIELDS = AlertRuleForm.base_fields


class _JSONTyped:
    """A field that takes only its JSON type: DRF's own also read "5" as 5, and 0 as false."""

    json_types: tuple[type, ...] = ()

    def to_internal_value(self, data):
        if isinstance(data, bool) != (bool in self.json_types) or not isinstance(data, self.json_types):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictIntegerField(_JSONTyped, serializers.IntegerField):
    json_types = (int,)


class StrictFloatField(_JSONTyped, serializers.FloatField):
    json_types = (int, float)


class StrictBooleanField(_JSONTyped, serializers.BooleanField):
    json_types = (bool,)


def _bounded(field_class: type[serializers.Field], name: str, **kwargs) -> serializers.Field:
    form_field = _RULE_FIELDS[name]
    return field_class(min_value=form_field.min_value, max_value=form_field.max_value, help_text=form_field.help_text, **kwargs)


class AlertRuleSerializer(serializers.Serializer):
    emotions = serializers.ListField(
        child=serializers.ChoiceField(choices=EMOTIONS), min_length=1, help_text="The emotions that count as stress."
    )
    window = _bounded(StrictIntegerField, "window")
    threshold = _bounded(StrictIntegerField, "threshold")
    cooldown_minutes = _bounded(StrictIntegerField, "cooldown_minutes")
    image_stress_threshold = _bounded(StrictFloatField, "image_stress_threshold", allow_null=True)

    def validate(self, data: dict) -> dict:
        """The profile page's rule form, on the current rule with these changes."""
        user = self.context["request"].user
        form = AlertRuleForm(data={**alert_rule_to_dict(alert_rule_get(user=user)), **data})
        if not form.is_valid():
            raise serializers.ValidationError(
                {"non_field_errors" if name == "__all__" else name: list(messages) for name, messages in form.errors.items()}
            )
        return form.cleaned_data


class MeSerializer(serializers.ModelSerializer):
    display_name = serializers.CharField(source="get_display_name", read_only=True, help_text="Your display name, or your username.")
    email = serializers.EmailField(read_only=True, allow_blank=True)
    phone_number = serializers.CharField(read_only=True, help_text="E.164, e.g. +447911123456; empty when not set.")
    can_receive_sms_alerts = serializers.BooleanField(read_only=True, help_text="SMS alerts are on and there is a phone number.")
    alert_rule = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "username", "display_name", "email", "phone_number", "sms_alerts_enabled", "can_receive_sms_alerts", "alert_rule"]
        read_only_fields = fields

    @extend_schema_field(AlertRuleSerializer)
    def get_alert_rule(self, user: User) -> dict:
        return AlertRuleSerializer(alert_rule_to_dict(alert_rule_get(user=user))).data


class AlertRuleChangesSerializer(AlertRuleSerializer):
    """Changes to the rule: only the fields given change."""

    def get_fields(self) -> dict:
        fields = super().get_fields()
        for field in fields.values():
            field.required = False
        return fields


class MeUpdateSerializer(serializers.Serializer):
    sms_alerts_enabled = StrictBooleanField(required=False, help_text="Needs a phone number (set on the profile page).")
    alert_rule = AlertRuleChangesSerializer(required=False, help_text="Only the fields given change.")
