from django.contrib import admin

from lantoa.core.admin import AuditedModelAdmin
from lantoa.core.text import search_key
from lantoa.geo.models import Area, AreaSuccession


@admin.register(Area)
class AreaAdmin(AuditedModelAdmin):
    list_display = ["name", "code", "level", "parent", "valid_from", "valid_to"]
    list_filter = ["level", "division_type"]
    search_fields = ["name", "code", "search_key"]
    raw_id_fields = ["parent"]

    def save_model(self, request, obj, form, change):
        obj.search_key = search_key(obj.name)
        super().save_model(request, obj, form, change)


@admin.register(AreaSuccession)
class AreaSuccessionAdmin(AuditedModelAdmin):
    list_display = ["predecessor", "successor", "effective_on", "partial", "primary"]
    raw_id_fields = ["predecessor", "successor"]
