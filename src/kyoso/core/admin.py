from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from kyoso.core.models import (
    ApiToken,
    AuditEvent,
    City,
    Consent,
    District,
    Membership,
    Notification,
    Upload,
    User,
)


@admin.register(City)
class CityAdmin(admin.ModelAdmin):
    list_display = ["name_ja", "name_en", "municipality_code", "population", "is_demo"]
    prepopulated_fields = {"slug": ["name_en"]}


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["name_ja", "name_en", "city", "population"]
    list_filter = ["city"]
    search_fields = ["name_ja", "name_en", "code"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["district"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "display_name", "is_active", "is_staff"]
    search_fields = ["email", "display_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Profile", {"fields": ("display_name", "birth_year", "large_text", "email_mode")}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)
    inlines = [MembershipInline]


@admin.register(Consent)
class ConsentAdmin(admin.ModelAdmin):
    list_display = ["user", "city", "purpose", "scope", "granted_at", "revoked_at"]
    list_filter = ["city", "purpose"]

    def has_change_permission(self, request, obj=None):
        return False  # consents change only through the services, which audit them


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["at", "city", "actor", "action", "object_type", "object_repr"]
    list_filter = ["city", "action"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


admin.site.register(Notification)
admin.site.register(Upload)
admin.site.register(ApiToken)
admin.site.site_header = "Kyoso"
