from django import forms
from django.utils.translation import gettext_lazy as _

from lantoa.core.forms import VNDateField, vn_date_formfield
from lantoa.geo.models import Area
from lantoa.orgs.models import Unit
from lantoa.radio.forms import CURRENT_FIRST, AreaChoiceField
from lantoa.team.models import Role, TeamMember

TRAINED_CHOICES = [("", _("All")), ("yes", _("Trained")), ("no", _("Not trained"))]


class MemberFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    role = forms.ChoiceField(label=_("Team role"), required=False, choices=[("", _("All")), *Role.choices])
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none(), required=False, empty_label=_("All"))
    commune = AreaChoiceField(label=_("Commune"), queryset=Area.objects.none(), required=False, empty_label=_("All"))
    on = VNDateField(label=_("Active on"), required=False)
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, required=False, empty_value=None)
    trained = forms.ChoiceField(label=_("Trained in the year"), required=False, choices=TRAINED_CHOICES)

    def __init__(self, *args, units, communes, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units.order_by(CURRENT_FIRST, "search_key")
        self.fields["commune"].queryset = communes.order_by(CURRENT_FIRST, "search_key")
        self.fields["year"].choices = [(y, str(y)) for y in years]


class MemberForm(forms.ModelForm):
    class Meta:
        model = TeamMember
        formfield_callback = vn_date_formfield
        fields = ["role", "unit", "area", "organisation", "valid_from", "valid_to", "note"]
        field_classes = {"area": AreaChoiceField}
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, units, areas, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units.order_by(CURRENT_FIRST, "search_key")
        self.fields["area"].queryset = areas.order_by(CURRENT_FIRST, "level", "search_key")
        self.fields["valid_from"].label = _("In the role from")
        self.fields["valid_to"].label = _("In the role until")

    def validate_unique(self):
        """The service checks overlapping rows and names the field."""

    def validate_constraints(self):
        """Likewise (the end date after the start date)."""


class MemberEndForm(forms.Form):
    valid_to = VNDateField(label=_("Left the role on"))


class CandidateFilterForm(forms.Form):
    q = forms.CharField(label=_("Name, CCCD or phone"), required=False)
    role = forms.ChoiceField(label=_("Team role"), required=False, choices=[("", _("All")), *Role.choices])
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none(), required=False, empty_label=_("All"))

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units.order_by(CURRENT_FIRST, "search_key")


class ImportForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    file = forms.FileField(label=_("Spreadsheet (.xlsx or .csv)"))

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        if units is None:
            del self.fields["unit"]
        else:
            self.fields["unit"].queryset = units.order_by("search_key")
            self.fields["unit"].empty_label = "—"
