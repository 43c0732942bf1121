from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from accounts.models import User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        ("Profile and alerts", {"fields": ("display_name", "phone_number", "sms_alerts_enabled")}),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        ("Profile and alerts", {"fields": ("email", "display_name", "phone_number")}),
    )
    list_display = ("username", "display_name", "email", "phone_number", "sms_alerts_enabled", "is_staff")
    list_filter = (*DjangoUserAdmin.list_filter, "sms_alerts_enabled")
    search_fields = (*DjangoUserAdmin.search_fields, "display_name", "phone_number")
