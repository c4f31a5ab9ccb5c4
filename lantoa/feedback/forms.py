from django import forms
from django.utils.translation import gettext_lazy as _

from lantoa.core.forms import VNDateField
from lantoa.feedback.models import IntakeChannel, Kind, Status
from lantoa.geo.models import Area
from lantoa.taxonomy.models import Topic

STAFF_CHANNELS = [
    c for c in IntakeChannel.choices if c[0] not in (IntakeChannel.PUBLIC_FORM, IntakeChannel.SMS, IntakeChannel.IMPORT)
]


class AreaChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.parent.name})" if obj.level == Area.Level.HAMLET and obj.parent_id else obj.name


class IntakeForm(forms.Form):
    """Phone-fast: the content first, then who and where; everything else has a default."""

    text = forms.CharField(label=_("Content"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices, initial=Kind.QUESTION)
    channel = forms.ChoiceField(label=_("Received through"), choices=STAFF_CHANNELS, initial=IntakeChannel.CONFERENCE)
    area = AreaChoice(label=_("Place (commune or hamlet)"), queryset=Area.objects.none(), required=False)
    topic = forms.ModelChoiceField(
        label=_("Topic"), queryset=Topic.objects.filter(active=True), required=False, empty_label="—"
    )
    asker_name = forms.CharField(label=_("Name of the person asking"), required=False, max_length=150)
    asker_phone = forms.CharField(
        label=_("Phone of the person asking"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
        help_text=_("The answer is sent back to this number by SMS"),
    )
    anonymous = forms.BooleanField(label=_("Anonymous"), required=False)
    received_on = VNDateField(label=_("Received on"), required=False)
    attachment = forms.FileField(label=_("Attachment (photo, PDF)"), required=False)

    def __init__(self, *args, areas=None, **kwargs):
        super().__init__(*args, **kwargs)
        if areas is not None:
            self.fields["area"].queryset = areas


class FilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", "—"), *Kind.choices])
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", "—"), ("open", _("Open")), *Status.choices]
    )
    channel = forms.ChoiceField(label=_("Channel"), required=False, choices=[("", "—"), *IntakeChannel.choices])
    topic = forms.ModelChoiceField(label=_("Topic"), queryset=Topic.objects.all(), required=False, empty_label="—")
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    start = VNDateField(label=_("From"), required=False)
    end = VNDateField(label=_("To"), required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class TransferForm(ReasonForm):
    to_unit = forms.ModelChoiceField(label=_("Transfer to"), queryset=None, required=False, empty_label="—")

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_unit"].queryset = units
        self.order_fields(["to_unit", "reason"])


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Answer"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    send = forms.BooleanField(label=_("Send it to the asker by SMS/Zalo"), required=False, initial=True)


class ApologyForm(ReasonForm):
    new_date = VNDateField(label=_("New date for the answer"), required=False)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Hotline log (XLSX or CSV)"))
