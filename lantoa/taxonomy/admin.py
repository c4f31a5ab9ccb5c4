from django.contrib import admin

from lantoa.core.admin import AuditedModelAdmin
from lantoa.taxonomy.models import TargetGroup, Topic


@admin.register(Topic)
class TopicAdmin(AuditedModelAdmin):
    list_display = ["name", "reform_number", "voluntary_bhxh", "needs_confirmation", "active", "order"]
    list_editable = ["order", "active"]
    list_filter = ["voluntary_bhxh", "needs_confirmation", "active"]


@admin.register(TargetGroup)
class TargetGroupAdmin(AuditedModelAdmin):
    list_display = ["name", "voluntary_group", "computed", "active", "order"]
    list_editable = ["order", "active"]
