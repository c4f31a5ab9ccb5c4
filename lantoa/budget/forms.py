from django import forms
from django.utils.translation import gettext_lazy as _

from lantoa.activities.kinds import Kind
from lantoa.core.forms import vn_date_formfield

from .models import BudgetEstimate, CheckStatus, SpendingLine


def _year_choices(years):
    return [(y, str(y)) for y in years]


class FilterForm(forms.Form):
    """Year, unit and the finance check: the filters of every budget list."""

    plan = forms.ModelChoiceField(label=_("Plan"), queryset=None, required=False, empty_label=_("Every plan"))
    year = forms.TypedChoiceField(label=_("Year"), coerce=int)
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=None, required=False, empty_label=_("All units"))
    check_status = forms.ChoiceField(label=_("Finance check"), required=False)

    def __init__(self, *args, years, units, statuses=True, plans=None, **kwargs):
        super().__init__(*args, **kwargs)
        if plans is None or plans.count() < 2:
            del self.fields["plan"]  # one plan: nothing to pick
        else:
            self.fields["plan"].queryset = plans
            self.fields["plan"].label_from_instance = lambda p: p.short_label
        self.fields["year"].choices = _year_choices(sorted(years, reverse=True))
        self.fields["unit"].queryset = units
        if statuses:
            self.fields["check_status"].choices = [("", _("All")), *CheckStatus.choices]
        else:
            del self.fields["check_status"]


class _ServiceChecked(forms.ModelForm):
    """The service checks amounts, years and duplicates and names the field; the model's constraints
    would only repeat those messages above the form."""

    def clean(self):
        cleaned = super().clean()
        self._validate_unique = self._validate_constraints = False
        return cleaned


class EstimateForm(_ServiceChecked):
    class Meta:
        model = BudgetEstimate
        fields = ["unit", "year", "source", "amount", "note"]
        widgets = {
            "note": forms.Textarea(attrs={"rows": 3}),
            "amount": forms.NumberInput(attrs={"min": 0, "step": 1000}),
        }

    def __init__(self, *args, units, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["unit"].empty_label = "—"
        self.fields["year"] = forms.TypedChoiceField(
            label=_("Year"), coerce=int, choices=_year_choices(sorted(years, reverse=True))
        )


class LineForm(_ServiceChecked):
    class Meta:
        model = SpendingLine
        fields = [
            "unit",
            "year",
            "spent_on",
            "description",
            "amount",
            "activity",
            "kind",
            "campaign",
            "evidence",
            "note",
        ]
        formfield_callback = vn_date_formfield
        widgets = {
            "note": forms.Textarea(attrs={"rows": 2}),
            "amount": forms.NumberInput(attrs={"min": 0, "step": 1000}),
        }
        help_texts = {
            "kind": _("Only for a line not tied to an activity"),
            "campaign": _("Only for a line not tied to an activity"),
        }

    def __init__(self, *args, units, years, activities, campaigns, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["activity"].queryset = activities
        self.fields["activity"].label_from_instance = lambda a: f"{a.start_date:%d/%m/%Y} — {a.title[:80]}"
        self.fields["campaign"].queryset = campaigns
        self.fields["year"] = forms.TypedChoiceField(
            label=_("Year"), coerce=int, choices=_year_choices(sorted(years, reverse=True))
        )
        self.fields["description"].required = False  # an activity's line takes the activity's title
        self.fields["kind"].choices = [("", "—"), *Kind.choices]


class CheckForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Result"), choices=[(CheckStatus.ACCEPTED, _("Accept")), (CheckStatus.QUERIED, _("Query"))]
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    seen_amount = forms.DecimalField(required=False, widget=forms.HiddenInput, decimal_places=0, max_digits=14)
