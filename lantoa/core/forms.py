from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from lantoa.core.models import AuditLog

# dd/mm/yyyy, also typed without separators on a phone's number pad (15032023).
DATE_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%d%m%Y", "%Y-%m-%d"]


class VNDateInput(forms.DateInput):
    """dd/mm/yyyy typed as text: a native date picker shows mm/dd/yyyy on an English browser."""

    def __init__(self, attrs=None):
        base = {"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "autocomplete": "off", "pattern": r"[0-9./\-]*"}
        super().__init__(attrs={**base, **(attrs or {})}, format="%d/%m/%Y")


class VNDateField(forms.DateField):
    widget = VNDateInput
    default_error_messages = {"invalid": _("Enter a date as dd/mm/yyyy, e.g. 01/07/2025.")}

    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", DATE_FORMATS)
        super().__init__(**kwargs)


def vn_date_formfield(field, **kwargs):
    """formfield_callback for ModelForms: dates read and show dd/mm/yyyy; an empty choice reads "—"
    (Django's "- Select an option -" has no Vietnamese translation)."""
    from django.db import models

    if isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField):
        return VNDateField(
            label=capfirst(field.verbose_name), required=not field.blank, help_text=field.help_text, **kwargs
        )
    formfield = field.formfield(**kwargs)
    if isinstance(formfield, forms.ModelChoiceField):  # its choices are a query: never evaluate them here
        if formfield.empty_label is not None:
            formfield.empty_label = "—"
    elif isinstance(formfield, forms.ChoiceField) and formfield.choices and formfield.choices[0][0] == "":
        formfield.choices = [("", "—"), *formfield.choices[1:]]
    return formfield


def apply_validation_error(form, exc) -> None:
    """Show a service's ValidationError on the form: under the field it names, else above the form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


class AuditFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    actor = forms.CharField(label=_("By"), required=False)
    target_type = forms.ChoiceField(label=_("Record type"), required=False)
    action = forms.ChoiceField(label=_("Action"), required=False, choices=[("", _("All")), *AuditLog.Action.choices])
    date_from = VNDateField(label=_("From"), required=False)
    date_to = VNDateField(label=_("To"), required=False)

    def __init__(self, *args, target_types=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target_type"].choices = [("", _("All"))] + list(target_types)
