from django.contrib import admin

from .models import Agreement, AgreementReview, Award, Briefing, Inspection, LeaderContact, UnitPlan


@admin.register(Briefing)
class BriefingAdmin(admin.ModelAdmin):
    list_display = ["date", "kind", "title", "unit"]
    list_filter = ["kind"]
    raw_id_fields = ["leaders"]


@admin.register(UnitPlan)
class UnitPlanAdmin(admin.ModelAdmin):
    list_display = ["unit", "year", "status", "filed_on"]
    list_filter = ["year", "status"]


@admin.register(Agreement)
class AgreementAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "signed_on", "period_start", "period_end"]


admin.site.register([AgreementReview, Inspection, Award])
admin.site.register(LeaderContact, raw_id_fields=["person"])
