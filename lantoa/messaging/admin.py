from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from lantoa.core.admin import AuditedModelAdmin
from lantoa.messaging.models import GatewayConfig, OptOut, Policy


@admin.register(GatewayConfig)
class GatewayConfigAdmin(AuditedModelAdmin):
    list_display = ["name", "kind", "unit", "active", "rate_per_second", "cost_per_part"]
    list_filter = ["kind", "active"]
    exclude = ["busy_until"]
    readonly_fields = ["callback_addresses"]

    @admin.display(description=_("callback addresses (delivery reports, replies)"))
    def callback_addresses(self, obj):
        """What to give the provider (Kannel's get-url takes the "incoming" one, plus its query)."""
        from lantoa.messaging.dispatch import hook_url

        if obj is None or obj.pk is None:
            return "—"
        urls = [hook_url(obj, what) for what in ("report", "incoming")]
        return " · ".join(urls) if all(urls) else _("set MESSAGING_CALLBACK_BASE first")


@admin.register(Policy)
class PolicyAdmin(AuditedModelAdmin):
    list_display = ["name", "valid_from", "valid_to", "send_from", "send_until", "max_per_day", "approval_threshold"]


@admin.register(OptOut)
class OptOutAdmin(AuditedModelAdmin):
    list_display = ["phone", "source", "created_at"]
    list_filter = ["source"]
    search_fields = ["phone"]
