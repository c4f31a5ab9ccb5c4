from django.contrib import admin

from lantoa.core.admin import AuditedModelAdmin
from lantoa.core.text import nfc, search_key
from lantoa.radio.models import Broadcast


@admin.register(Broadcast)
class BroadcastAdmin(AuditedModelAdmin):
    list_display = ["aired_on", "aired_at", "commune", "unit", "title", "duration_minutes", "voluntary_bhxh"]
    list_filter = ["voluntary_bhxh", "aired_on", "topics"]
    search_fields = ["search_key", "title"]
    date_hierarchy = "aired_on"
    list_select_related = ["commune", "unit"]
    raw_id_fields = ["commune", "unit"]
    filter_horizontal = ["topics"]
    readonly_fields = ["created_by", "created_at"]

    def save_model(self, request, obj, form, change):
        obj.title = " ".join(nfc(obj.title).split())
        obj.note = nfc(obj.note)
        obj.search_key = search_key(f"{obj.title} {obj.note} {obj.commune.name}")[:600]
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
