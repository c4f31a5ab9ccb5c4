from django import forms
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from lantoa.core.forms import VNDateField
from lantoa.core.text import format_date
from lantoa.geo.models import Area

# Areas and units in force first, then the former ones, latest first.
CURRENT_FIRST = F("valid_to").desc(nulls_first=True)


def area_label(area: Area) -> str:
    """ "Ấp Long Hòa (Xã Long Khánh A)", with "until 30/06/2025" for a former area, "from 01/07/2025"
    for one created since (two "Tỉnh Đồng Tháp" in one list are told apart)."""
    label = f"{area.name} ({area.parent.name})" if area.level == Area.Level.HAMLET and area.parent_id else area.name
    if area.valid_to:
        label += " — " + str(_("until %(date)s")) % {"date": format_date(area.valid_to)}
    elif area.valid_from and area.level <= Area.Level.COMMUNE:
        label += " — " + str(_("from %(date)s")) % {"date": format_date(area.valid_from)}
    return label


class AreaChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return area_label(obj)


class HamletForm(forms.Form):
    name = forms.CharField(label=_("Hamlet name"), max_length=150)
    division_type = forms.ChoiceField(
        label=_("Type"), choices=[("ấp", "ấp"), ("khóm", "khóm"), ("tổ dân phố", "tổ dân phố")]
    )
    valid_from = VNDateField(label=_("Valid from"), required=False)


class HamletImportForm(forms.Form):
    file = forms.FileField(
        label=_("Sheet (.xlsx or .csv)"),
        help_text=_("Columns: “Xã/phường” (name or code), “Tên ấp/khóm”, optional “Loại”, “Hiệu lực từ” (dd/mm/yyyy)."),
    )

    def clean_file(self):
        f = self.cleaned_data["file"]
        if not f.name.lower().endswith((".xlsx", ".csv")):
            raise forms.ValidationError(_("Only .xlsx or .csv files are accepted."))
        if f.size > 5 * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        return f


class AreaFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    on = VNDateField(label=_("In force on"), required=False)
