from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from lantoa.core.forms import vn_date_formfield
from lantoa.geo.forms import area_label
from lantoa.geo.models import Area
from lantoa.orgs.models import Unit
from lantoa.plans.kpi import registry
from lantoa.plans.models import Indicator, Plan, Target

ALLOWED_DOCUMENTS = (".pdf", ".docx", ".doc", ".odt", ".txt")


class PlanCopyForm(forms.Form):
    """Starting the next plan from one that ends: period, issuer, the plan it implements, areas, indicators."""

    number = forms.CharField(label=_("Number and symbol"), max_length=60)
    title = forms.CharField(label=_("Title"), max_length=300)
    start_year = forms.IntegerField(label=_("First year"), min_value=2000, max_value=2100)
    end_year = forms.IntegerField(label=_("Last year"), min_value=2000, max_value=2100)
    issuer = forms.ModelChoiceField(
        label=_("Issuing unit"), queryset=Unit.objects.none(), required=False, empty_label=_("— Choose —")
    )
    issuer_name = forms.CharField(
        label=capfirst(_("issuer (if not a unit here)")),
        max_length=200,
        required=False,
        help_text=_("For a higher-level plan, e.g. the provincial People's Committee"),
    )
    parent = forms.ModelChoiceField(
        label=_("Implements plan"),
        queryset=Plan.objects.none(),
        required=False,
        empty_label=_("— None —"),
        help_text=_("The higher-level plan this one implements, e.g. the province's plan"),
    )
    areas = forms.ModelMultipleChoiceField(
        label=_("Areas covered"),
        queryset=Area.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose the areas the plan covers.")},
    )
    indicators = forms.ModelMultipleChoiceField(
        label=_("Indicators carried over"),
        queryset=Indicator.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one indicator to carry over.")},
    )
    make_default = forms.BooleanField(label=_("Make it the default plan"), required=False)

    def __init__(self, *args, plan: Plan, units, plans, areas, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["issuer"].queryset = units
        self.fields["parent"].queryset = plans
        self.fields["areas"].queryset = areas
        self.fields["areas"].label_from_instance = area_label
        self.fields["indicators"].queryset = plan.indicators.all()
        self.fields["indicators"].label_from_instance = lambda i: f"{i.code} — {i.name}"


class PlanForm(forms.ModelForm):
    """A plan's head — from scratch or edited: number, title, issuer, period, areas, document."""

    areas = forms.ModelMultipleChoiceField(
        label=_("Areas covered"),
        queryset=Area.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose the areas the plan covers.")},
    )

    def __init__(self, *args, areas=None, units=None, plans=None, **kwargs):
        super().__init__(*args, **kwargs)
        if areas is not None:
            self.fields["areas"].queryset = areas
        self.fields["areas"].label_from_instance = area_label
        if units is not None:
            self.fields["issuer"].queryset = units
        if plans is not None:
            self.fields["parent"].queryset = plans
        if self.instance.pk:
            self.initial.setdefault("areas", list(self.instance.areas.all()))

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
            "areas",
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
        fields = [
            "code",
            "name",
            "description",
            "section",
            "group",
            "measure",
            "direction",
            "computation",
            "reference",
            "note",
        ]

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
