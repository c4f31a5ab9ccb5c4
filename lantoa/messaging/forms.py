from django import forms
from django.utils.translation import gettext_lazy as _

from lantoa.content.models import ContentItem
from lantoa.core.forms import vn_date_formfield
from lantoa.messaging.models import Broadcast, OptOut, Reminder, Template
from lantoa.taxonomy.models import Topic

DATETIME_FORMATS = ["%d/%m/%Y %H:%M", "%d/%m/%Y %Hh%M", "%d-%m-%Y %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]


class TemplateForm(forms.ModelForm):
    topics = forms.ModelMultipleChoiceField(
        Topic.objects.all(), label=_("Topics"), required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Template
        fields = ["name", "unit", "channel", "body", "accent_free", "zns_template_id", "topics", "content"]
        formfield_callback = vn_date_formfield
        widgets = {"body": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, units=None, content=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        # The library's approved SMS templates this one reuses (lantoa.content.forms.usable_content_for).
        self.fields["content"].queryset = content if content is not None else ContentItem.objects.none()
        self.fields["content"].help_text = _("The approved SMS template of the content library this text comes from.")
        self.fields["body"].help_text = _(
            "Fields: {ho_ten} full name, {ten} given name, {ngay_den_han} next due date, {so_tien} amount due, "
            "{so_bhxh} BHXH number, {xa} commune, {don_vi} your unit, {ngay_sinh} date of birth."
        )


class BroadcastForm(forms.ModelForm):
    scheduled_at = forms.DateTimeField(
        label=_("Send at"),
        required=False,
        input_formats=DATETIME_FORMATS,
        help_text=_("dd/mm/yyyy hh:mm — empty: as soon as it is approved (within the sending hours)"),
        widget=forms.DateTimeInput(attrs={"placeholder": "dd/mm/yyyy hh:mm"}, format="%d/%m/%Y %H:%M"),
    )

    class Meta:
        model = Broadcast
        fields = ["title", "unit", "template", "segment", "scheduled_at"]
        formfield_callback = vn_date_formfield

    def __init__(self, *args, units=None, templates=None, segments=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["template"].queryset = templates
        self.fields["segment"].queryset = segments


class ReminderForm(forms.ModelForm):
    class Meta:
        model = Reminder
        fields = ["name", "unit", "template", "field", "days", "direction", "send_at", "late_days", "segment", "active"]
        formfield_callback = vn_date_formfield
        widgets = {"send_at": forms.TimeInput(attrs={"placeholder": "08:00"}, format="%H:%M")}

    def __init__(self, *args, units=None, templates=None, segments=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["template"].queryset = templates
        self.fields["segment"].queryset = segments


class OptOutForm(forms.Form):
    phone = forms.CharField(label=_("Phone"), max_length=30)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class OptOutRemoveForm(forms.Form):
    reason = forms.CharField(
        label=_("Why may this number get messages again?"),
        max_length=300,
        help_text=_("Only on the person's own new request: say when and how they asked."),
    )


class DncImportForm(forms.Form):
    file = forms.FileField(
        label=_("Do-Not-Call list (Excel or CSV)"),
        help_text=_("Every phone number found in the first sheet is added; bad numbers are named by row."),
    )


class OptOutFilterForm(forms.Form):
    q = forms.CharField(label=_("Phone"), required=False)
    source = forms.ChoiceField(label=_("Source"), required=False, choices=[("", "—"), *OptOut.Source.choices])
