from django.contrib import admin

from lantoa.core.admin import AuditedModelAdmin
from lantoa.core.text import search_key
from lantoa.orgs.models import Membership, Unit, UnitName


class UnitNameInline(admin.TabularInline):
    model = UnitName
    extra = 0


@admin.register(Unit)
class UnitAdmin(AuditedModelAdmin):
    list_display = ["name", "kind", "area", "valid_from", "valid_to"]
    list_filter = ["kind"]
    search_fields = ["name", "short_name", "code"]
    inlines = [UnitNameInline]
    # Closing and merging go through the unit page, which also ends the postings of the unit.
    readonly_fields = ["valid_to", "merged_into"]

    def save_model(self, request, obj, form, change):
        obj.search_key = search_key(f"{obj.name} {obj.short_name}")
        super().save_model(request, obj, form, change)


@admin.register(Membership)
class MembershipAdmin(AuditedModelAdmin):
    list_display = ["user", "unit", "position", "valid_from", "valid_to"]
    list_filter = ["unit__kind"]
