from django import forms
from django.utils.translation import gettext_lazy as _

from lantoa.core.forms import VNDateField


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
