from django import forms
from django.utils.translation import gettext_lazy as _

from lantoa.accounts.roles import Role
from lantoa.core.forms import VNDateField, vn_date_formfield
from lantoa.orgs.models import Unit, UnitDuty


class UnitFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All"))] + list(Unit.Kind.choices))
    on = VNDateField(label=_("Active on"), required=False)
    show_closed = forms.BooleanField(label=_("Include closed units"), required=False)


class UnitForm(forms.ModelForm):
    class Meta:
        formfield_callback = vn_date_formfield  # dd/mm/yyyy for every date
        model = Unit
        fields = [
            "code",
            "name",
            "short_name",
            "kind",
            "parent",
            "area",
            "valid_from",
            "authority",
            "doc_symbol",
            "note",
        ]


class UnitDutyForm(forms.ModelForm):
    class Meta:
        formfield_callback = vn_date_formfield
        model = UnitDuty
        fields = ["duty", "valid_from", "valid_to", "symbol", "recipients", "note"]
        widgets = {"recipients": forms.Textarea(attrs={"rows": 4}), "note": forms.Textarea(attrs={"rows": 2})}


class UnitRenameForm(forms.Form):
    new_name = forms.CharField(label=_("New name"), max_length=200)
    short_name = forms.CharField(label=_("New short name"), max_length=60, required=False)
    on = VNDateField(label=_("Name in force from"))


class UnitCloseForm(forms.Form):
    on = VNDateField(label=_("First day without the unit"))
    merged_into = forms.ModelChoiceField(
        label=_("Merged into (optional)"), queryset=Unit.objects.none(), required=False
    )
    note = forms.CharField(label=_("Note (decision number…)"), required=False, max_length=255)

    def __init__(self, *args, unit=None, **kwargs):
        super().__init__(*args, **kwargs)
        qs = Unit.objects.filter(valid_to__isnull=True)
        if unit is not None:
            qs = qs.exclude(pk=unit.pk)
        self.fields["merged_into"].queryset = qs


class StaffAccountForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    position = forms.CharField(label=_("Position"), max_length=120, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
