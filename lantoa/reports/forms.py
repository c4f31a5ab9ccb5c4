from django import forms
from django.utils.translation import gettext_lazy as _

from lantoa.documents.models import ReportKind

from .models import Report, ReportComment


class FilterForm(forms.Form):
    plan = forms.ModelChoiceField(label=_("Plan"), queryset=None, required=False, empty_label=_("The plan of the year"))
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, required=False, empty_value=None)
    kind = forms.ChoiceField(label=_("Kind of report"), required=False)
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=None, required=False, empty_label=_("All units"))
    status = forms.ChoiceField(label=_("Status"), required=False)

    def __init__(self, *args, years, units, plans=None, **kwargs):
        super().__init__(*args, **kwargs)
        if plans is None or plans.count() < 2:
            del self.fields["plan"]  # one plan (or a list not by plan): nothing to pick
        else:
            self.fields["plan"].queryset = plans
            self.fields["plan"].label_from_instance = lambda p: p.short_label
        self.fields["year"].choices = [("", _("All years"))] + [(y, y) for y in years]
        self.fields["kind"].choices = [("", _("All kinds"))] + list(ReportKind.choices)
        self.fields["unit"].queryset = units
        self.fields["status"].choices = [("", _("All statuses"))] + list(Report.Status.choices)


class NewReportForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of report"), choices=ReportKind.choices, initial=ReportKind.UNIT_ANNUAL)
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=None)
    year = forms.TypedChoiceField(label=_("Year"), coerce=int)
    plan = forms.ModelChoiceField(
        label=_("Plan"),
        queryset=None,
        required=False,
        empty_label=_("The plan of the year"),
        help_text=_("When two plans cover the year (the province's and the commune's), choose the one reported on"),
    )

    def __init__(self, *args, years, units, plans, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, y) for y in years]
        self.fields["unit"].queryset = units
        self.fields["plan"].queryset = plans
        self.fields["plan"].label_from_instance = lambda p: p.short_label
        if plans.count() < 2:
            del self.fields["plan"]

    def clean(self):
        data = super().clean()
        plan, year = data.get("plan"), data.get("year")
        if plan is not None and year is not None and year not in plan.years:
            self.add_error(
                "plan",
                _("%(number)s covers %(start)s–%(end)s, not %(year)s.")
                % {"number": plan.number, "start": plan.start_year, "end": plan.end_year, "year": year},
            )
        return data


class NarrativeForm(forms.ModelForm):
    class Meta:
        model = Report
        fields = ["results", "shortcomings", "proposals", "doc_number", "signer_position", "signer_name", "recipients"]
        widgets = {
            "results": forms.Textarea(attrs={"rows": 8}),
            "shortcomings": forms.Textarea(attrs={"rows": 5}),
            "proposals": forms.Textarea(attrs={"rows": 5}),
            "recipients": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "results": _("What was done and achieved; the figures are added from the records."),
            "doc_number": _("For example 12/BC-UBND; left empty, the number is written by hand."),
        }


class ReturnForm(forms.Form):
    """One comment box per section; at least one must be filled."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, label in ReportComment.SECTIONS:
            self.fields[key] = forms.CharField(label=label, required=False, widget=forms.Textarea(attrs={"rows": 2}))
