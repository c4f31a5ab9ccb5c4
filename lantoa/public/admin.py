from django.contrib import admin

from lantoa.core.admin import AuditedModelAdmin
from lantoa.public.models import Contact, Rule


@admin.register(Rule)
class RuleAdmin(AuditedModelAdmin):
    """The calculator's rules: a law change is a new row with its start date and source, never an edit of
    the old value (which still answers for the days before)."""

    list_display = ["kind", "category", "area", "years", "value", "valid_from", "valid_to", "source"]
    list_filter = ["kind", "category"]
    search_fields = ["source", "note"]
    raw_id_fields = ["area"]


@admin.register(Contact)
class ContactAdmin(AuditedModelAdmin):
    list_display = ["name", "unit", "hotline", "phone", "order", "shown"]
    list_editable = ["order", "shown"]
    raw_id_fields = ["unit"]
