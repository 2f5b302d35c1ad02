from django.contrib import admin

from aims.api.models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "user",
        "key_prefix",
        "scope",
        "expires_at",
        "last_used_at",
        "revoked_at",
    )
    readonly_fields = ("key_prefix", "last_used_at", "revoked_at")
    exclude = ("key_hash",)

    def has_add_permission(self, request):
        return False  # tokens are created by their holder, who sees the secret once
