"""The caller's account as the API shows it (GET /api/v1/me/) and what PATCH may change: the SMS
switch and the stress-alert rule. PATCH input is checked by the profile page's own forms, so
the API accepts exactly what the page does; the field bounds below are read from them."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.forms import AlertRuleForm
from accounts.models import User
from detection.alerts import alert_rule_get, alert_rule_to_dict
from ml.emotions import EMOTIONS

_RULE_FIELDS = AlertRuleForm.base_fields


def _bounded(field_class: type[serializers.Field], name: str, **kwargs) -> serializers.Field:
    form_field = _RULE_FIELDS[name]
    return field_class(min_value=form_field.min_value, max_value=form_field.max_value, help_text=form_field.help_text, **kwargs)


class AlertRuleSerializer(serializers.Serializer):
    emotions = serializers.ListField(
        child=serializers.ChoiceField(choices=EMOTIONS), min_length=1, help_text="The emotions that count as stress."
    )
    window = _bounded(serializers.IntegerField, "window")
    threshold = _bounded(serializers.IntegerField, "threshold")
    cooldown_minutes = _bounded(serializers.IntegerField, "cooldown_minutes")
    image_stress_threshold = _bounded(serializers.FloatField, "image_stress_threshold", allow_null=True)

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


class MeUpdateSerializer(serializers.Serializer):
    sms_alerts_enabled = serializers.BooleanField(required=False, help_text="Needs a phone number (set on the profile page).")
    alert_rule = AlertRuleSerializer(required=False, help_text="Only the fields given change.")
