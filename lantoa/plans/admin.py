from django.contrib import admin

from lantoa.core.admin import AuditedModelAdmin
from lantoa.plans.models import Indicator, Plan, ReferenceTarget, Target


class TargetInline(admin.TabularInline):
    model = Target
    extra = 0


@admin.register(Plan)
class PlanAdmin(AuditedModelAdmin):
    list_display = ["number", "title", "start_year", "end_year", "is_default"]


@admin.register(Indicator)
class IndicatorAdmin(AuditedModelAdmin):
    list_display = ["code", "name", "plan", "computation"]
    list_filter = ["plan"]
    inlines = [TargetInline]


@admin.register(ReferenceTarget)
class ReferenceTargetAdmin(AuditedModelAdmin):
    list_display = ["code", "name", "value", "year", "source"]
