from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .models import ReportKind
from .services import DOCX_TYPE, MAX_TEMPLATE_BYTES


class TemplateFilterForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=None, required=False, empty_label=_("All units"))
    kind = forms.ChoiceField(label=_("Kind of report"), required=False)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["kind"].choices = [("", _("All kinds of report")), *ReportKind.choices]


class TemplateUploadForm(forms.Form):
    """The file is checked by the service (`check_template`), which names the broken tag or missing field."""

    unit = forms.ModelChoiceField(label=_("Unit"), queryset=None, empty_label="—")
    kind = forms.ChoiceField(label=_("Kind of report"), choices=[("", "—"), *ReportKind.choices])
    file = forms.FileField(
        label=_("Template file (.docx)"),
        widget=forms.ClearableFileInput(attrs={"accept": f".docx,{DOCX_TYPE}"}),
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        help_text=_("What changed in this version (optional)."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["file"].help_text = gettext(
            "A Word document (.docx) of at most %(mb)s MB, best made from the default template."
        ) % {"mb": MAX_TEMPLATE_BYTES // (1024 * 1024)}
