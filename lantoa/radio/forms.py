from django import forms
from django.utils.translation import gettext_lazy as _

from lantoa.content.forms import ContentUsedField
from lantoa.core.forms import VNDateField, vn_date_formfield
from lantoa.geo.forms import CURRENT_FIRST, AreaChoiceField, area_label  # noqa: F401  (re-exported)
from lantoa.geo.models import Area
from lantoa.radio.models import MAX_DURATION, Broadcast
from lantoa.taxonomy.models import Topic


class TopicChoiceField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj):
        return obj.name


class BroadcastFilterForm(forms.Form):
    commune = AreaChoiceField(label=_("Commune"), queryset=Area.objects.none(), required=False, empty_label=_("All"))
    date_from = VNDateField(label=_("From"), required=False)
    date_to = VNDateField(label=_("To"), required=False)
    topic = forms.ModelChoiceField(label=_("Topic"), queryset=Topic.objects.all(), required=False, empty_label=_("All"))
    q = forms.CharField(label=_("Search"), required=False)
    voluntary = forms.BooleanField(label=_("Voluntary BHXH only"), required=False)

    def __init__(self, *args, communes=None, **kwargs):
        super().__init__(*args, **kwargs)
        if communes is not None:
            self.fields["commune"].queryset = communes.order_by(CURRENT_FIRST, "search_key")


class BroadcastForm(forms.ModelForm):
    """The quick entry form: a few fields, topics as checkboxes, usable on a cheap phone."""

    # Set by the page's script once the person touches the voluntary box: until then the box follows the
    # topics (ticked when a voluntary-BHXH topic is chosen), also when the script does not run.
    voluntary_set = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Broadcast
        formfield_callback = vn_date_formfield  # dd/mm/yyyy for every date
        fields = [
            "commune",
            "aired_on",
            "aired_at",
            "duration_minutes",
            "title",
            "topics",
            "voluntary_bhxh",
            "unit",
            "content_used",
            "note",
        ]
        field_classes = {"commune": AreaChoiceField, "topics": TopicChoiceField, "content_used": ContentUsedField}
        widgets = {
            "aired_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "duration_minutes": forms.NumberInput(attrs={"min": 1, "max": MAX_DURATION, "inputmode": "numeric"}),
            "note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, areas, units, content=None, **kwargs):
        super().__init__(*args, **kwargs)
        if content is not None:  # approved library items, radio scripts first (lantoa.content.forms)
            self.fields["content_used"].queryset = content
        self.fields["commune"].queryset = areas.order_by(CURRENT_FIRST, "level", "search_key")
        self.fields["unit"].queryset = units.order_by(CURRENT_FIRST, "search_key")
        topics = Topic.objects.filter(active=True)
        if self.instance.pk:
            topics = topics | Topic.objects.filter(pk__in=self.instance.topics.values("pk"))
        # Voluntary-BHXH topics first: they are what the weekly check is about.
        self.fields["topics"].queryset = topics.distinct().order_by("-voluntary_bhxh", "order", "name")
        self.fields["topics"].required = False
        self.fields["title"].widget.attrs.update({"autocomplete": "off"})
        self.fields["aired_on"].label = _("Date")
        self.fields["aired_at"].label = _("Time (optional)")
        self.voluntary_topic_ids = {t.pk for t in self.fields["topics"].queryset if t.voluntary_bhxh}
        if self.instance.pk:
            self.fields["voluntary_set"].initial = "1"

    def clean(self):
        data = super().clean()
        chosen = data.get("topics") or []
        if data.get("voluntary_set") != "1" and any(t.voluntary_bhxh for t in chosen):
            data["voluntary_bhxh"] = True
        return data

    def validate_unique(self):
        """The service checks duplicates and names the field; nothing to do here."""

    def validate_constraints(self):
        """Likewise: the service checks the duplicate and the duration with messages naming the field."""


class WeekGridForm(forms.Form):
    commune = AreaChoiceField(label=_("Commune"), queryset=Area.objects.none())
    year = forms.TypedChoiceField(label=_("Year"), coerce=int)

    def __init__(self, *args, communes, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = communes.order_by(CURRENT_FIRST, "search_key")
        self.fields["year"].choices = [(y, str(y)) for y in years]


class WarningsForm(forms.Form):
    on = VNDateField(label=_("Checked on"), required=False)
