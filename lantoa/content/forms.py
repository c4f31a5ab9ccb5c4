from django import forms
from django.utils.translation import gettext_lazy as _

from lantoa.content.models import ContentItem
from lantoa.content.services import max_upload_mb
from lantoa.core.forms import vn_date_formfield
from lantoa.orgs.models import Unit
from lantoa.taxonomy.models import Topic

ACCEPT = ".pdf,.docx,.pptx,.jpg,.jpeg,.png,.mp4"


class TopicField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj):
        return f"{obj.reform_number}. {obj.name}" if obj.reform_number else obj.name


class ContentFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All")), *ContentItem.Kind.choices])
    topic = forms.ModelChoiceField(label=_("Topic"), queryset=Topic.objects.all(), required=False, empty_label=_("All"))
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("All")), *ContentItem.Status.choices])
    unit = forms.ModelChoiceField(
        label=_("Owner unit"), queryset=Unit.objects.none(), required=False, empty_label=_("All")
    )

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["unit"].queryset = units.order_by("name")


class ContentItemForm(forms.ModelForm):
    upload = forms.FileField(
        label=_("File"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )
    note = forms.CharField(
        label=_("What changed"),
        required=False,
        max_length=300,
        help_text=_("Kept with the new version, e.g. “new contribution levels from 01/07/2025”"),
    )

    class Meta:
        model = ContentItem
        formfield_callback = vn_date_formfield
        fields = ["kind", "title", "unit", "topics", "summary", "body", "link"]
        field_classes = {"topics": TopicField}
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 2}),
            "body": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units.order_by("name")
        topics = Topic.objects.filter(active=True)
        if self.instance.pk:
            topics = topics | Topic.objects.filter(pk__in=self.instance.topics.values("pk"))
        self.fields["topics"].queryset = topics.distinct().order_by("order", "name")
        self.fields["topics"].required = False
        self.fields["upload"].help_text = _("PDF, DOCX, PPTX, JPG, PNG or MP4, at most %(max)s MB.") % {
            "max": max_upload_mb()
        }
        if self.instance.pk and self.instance.file_name:
            self.fields["upload"].help_text = (
                _("Now: %(name)s. A new file makes a new version.") % {"name": self.instance.file_name}
                + " "
                + str(self.fields["upload"].help_text)
            )

    def validate_unique(self):
        """Nothing unique to check here."""


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Reason for rejection"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ContentUsedField(forms.ModelMultipleChoiceField):
    """The library items an activity or a broadcast used: approved ones of the user's library."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", ContentItem.objects.none())
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("Content used (from the library)"))
        kwargs.setdefault("help_text", _("Approved content of the library; what was used counts for T5."))
        super().__init__(**kwargs)

    def label_from_instance(self, obj):
        label = f"{obj.get_kind_display()}: {obj.title}"
        if obj.status != ContentItem.Status.APPROVED:
            label += f" ({obj.get_status_display().lower()})"
        return label


def usable_content_for(user, instance=None, relation: str = "content_used", kinds=None):
    """The queryset for a ContentUsedField: approved items, plus those the record already links."""
    from lantoa.content.selectors import usable_content

    keep = []
    if instance is not None and instance.pk:
        keep = list(getattr(instance, relation).values_list("pk", flat=True))
    return usable_content(user=user, kinds=kinds, keep=keep)
