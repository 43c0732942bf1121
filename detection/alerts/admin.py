"""The admin of alert rules and alerts (alerts view and delete only)."""

from django.contrib import admin

from detection.core.admin import ReadOnlyAdmin
from detection.models import Alert, AlertRule


@admin.register(AlertRule)
class AlertRuleAdmin(admin.ModelAdmin):
    list_display = ("owner", "emotions", "window", "threshold", "cooldown_minutes", "image_stress_threshold", "updated_at")
    search_fields = ("owner__username", "owner__email")
    list_select_related = ("owner",)


@admin.register(Alert)
class AlertAdmin(ReadOnlyAdmin):
    list_display = ("id", "owner", "created_at", "status", "attempts", "stress", "twilio_sid", "live_session", "analysis")
    list_filter = ("status", "created_at")
    search_fields = ("owner__username", "owner__email", "twilio_sid", "error")
    list_select_related = ("owner",)
    date_hierarchy = "created_at"
    readonly_fields = [field.name for field in Alert._meta.fields]
