from django import forms
from django.utils.translation import gettext_lazy as _

from lantoa.core.forms import vn_date_formfield
from lantoa.plans.kpi import registry
from lantoa.plans.models import Indicator, Plan, Target

ALLOWED_DOCUMENTS = (".pdf", ".docx", ".doc", ".odt", ".txt")


class PlanCopyForm(forms.Form):
    number = forms.CharField(label=_("Number and symbol"), max_length=60)
    title = forms.CharField(label=_("Title"), max_length=300)
    start_year = forms.IntegerField(label=_("First year"), min_value=2000, max_value=2100)
    end_year = forms.IntegerField(label=_("Last year"), min_value=2000, max_value=2100)


class PlanForm(forms.ModelForm):
    class Meta:
        formfield_callback = vn_date_formfield  # dd/mm/yyyy for every date
        model = Plan
        fields = [
            "number",
            "title",
            "issuer",
            "issuer_name",
            "issued_on",
            "parent",
            "start_year",
            "end_year",
            "document",
            "summary",
        ]

    def clean_document(self):
        from django.conf import settings

        doc = self.cleaned_data.get("document")
        if doc and hasattr(doc, "size"):
            if not doc.name.lower().endswith(ALLOWED_DOCUMENTS):
                raise forms.ValidationError(_("The document must be PDF, DOCX, DOC, ODT or TXT."))
            if doc.size > settings.PLAN_DOCUMENT_MAX_MB * 1024 * 1024:
                raise forms.ValidationError(
                    _("The document is larger than %(mb)s MB.") % {"mb": settings.PLAN_DOCUMENT_MAX_MB}
                )
        return doc


class IndicatorForm(forms.ModelForm):
    class Meta:
        model = Indicator
        fields = ["code", "name", "description", "section", "group", "measure", "direction", "computation", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["computation"] = forms.ChoiceField(
            label=_("Computation"), choices=[(c.key, c.label) for c in registry.all()]
        )


class TargetForm(forms.ModelForm):
    class Meta:
        model = Target
        fields = ["year", "area", "unit", "min_value", "max_value", "expected", "label", "note"]
        widgets = {"expected": forms.NullBooleanSelect}
