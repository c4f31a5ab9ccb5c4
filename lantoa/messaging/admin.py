from django.contrib import admin

from lantoa.core.admin import AuditedModelAdmin
from lantoa.messaging.models import GatewayConfig, OptOut, Policy


@admin.register(GatewayConfig)
class GatewayConfigAdmin(AuditedModelAdmin):
    list_display = ["name", "kind", "unit", "active", "rate_per_second", "cost_per_part"]
    list_filter = ["kind", "active"]
    exclude = ["busy_until"]


@admin.register(Policy)
class PolicyAdmin(AuditedModelAdmin):
    list_display = ["name", "valid_from", "valid_to", "send_from", "send_until", "max_per_day", "approval_threshold"]


@admin.register(OptOut)
class OptOutAdmin(AuditedModelAdmin):
    list_display = ["phone", "source", "created_at"]
    list_filter = ["source"]
    search_fields = ["phone"]
