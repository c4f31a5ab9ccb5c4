from django import forms
from django.utils.translation import gettext_lazy as _

from lantoa.activities.kinds import Kind, default_channel
from lantoa.activities.models import Activity, Campaign, CampaignTarget
from lantoa.content.forms import ContentUsedField
from lantoa.core.forms import VNDateField, vn_date_formfield
from lantoa.geo.models import Area
from lantoa.orgs.models import Unit
from lantoa.taxonomy.models import TargetGroup, Topic


class AreaChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        if obj.level == Area.Level.HAMLET and obj.parent:
            return f"{obj.parent.name} › {obj.name}"
        return obj.name


class ActivityForm(forms.ModelForm):
    """Quick on a phone: form, date, place and who came first; the rest folded under "more"."""

    class Meta:
        formfield_callback = vn_date_formfield  # dd/mm/yyyy for every date
        model = Activity
        fields = [
            "kind",
            "start_date",
            "area",
            "title",
            "status",
            "organiser",
            "campaign",
            "channel",
            "end_date",
            "topics",
            "content_used",
            "co_organisers",
            "estimated_reach",
            "materials",
            "material_quantity",
            "cost",
            "signups",
            "vssid_logins",
            "questions",
            "link",
            "views",
            "interactions",
            "note",
        ]
        field_classes = {"content_used": ContentUsedField}
        widgets = {
            "topics": forms.CheckboxSelectMultiple,
            "note": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, areas=None, units=None, campaigns=None, content=None, **kwargs):
        super().__init__(*args, **kwargs)
        if content is not None:  # approved library items the user may pick (lantoa.content.forms)
            self.fields["content_used"].queryset = content
        self.fields["area"] = AreaChoiceField(
            label=_("Place (commune or hamlet)"), queryset=areas if areas is not None else Area.objects.none()
        )
        self.fields["organiser"].queryset = units if units is not None else Unit.objects.none()
        self.fields["co_organisers"].queryset = Unit.objects.filter(valid_to__isnull=True)
        self.fields["co_organisers"].required = False
        self.fields["campaign"].queryset = campaigns if campaigns is not None else Campaign.objects.none()
        self.fields["topics"].queryset = Topic.objects.filter(active=True)
        self.fields["title"].required = False
        self.fields["title"].help_text = _("Leave empty to use the form's name")
        for name in self.COUNTERS:
            self.fields[name].required = False
        self.fields["channel"].required = False
        self.fields["channel"].help_text = _("Leave empty for the usual channel of the form")
        self.group_fields = []
        existing = {a.group_id: a.headcount for a in self.instance.audiences.all()} if self.instance.pk else {}
        for group in TargetGroup.objects.filter(active=True, computed=False):
            name = f"group_{group.pk}"
            self.fields[name] = forms.IntegerField(
                label=group.name,
                min_value=0,
                required=False,
                initial=existing.get(group.pk),
                widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0}),
            )
            self.group_fields.append((group, name))

    COUNTERS = ("signups", "vssid_logins", "questions")

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end date must be after the start date."))
        for name in self.COUNTERS:
            if cleaned.get(name) is None:
                cleaned[name] = 0
        return cleaned

    def clean_channel(self):
        return self.cleaned_data.get("channel") or default_channel(self.cleaned_data.get("kind") or Kind.CONFERENCE)

    def audiences(self):
        from lantoa.activities.services import AudienceRow

        return [AudienceRow(g, self.cleaned_data.get(name) or 0) for g, name in self.group_fields]

    @property
    def essential_fields(self):
        return [self[f] for f in ("kind", "start_date", "area", "title")]

    @property
    def more_fields(self):
        skip = {"kind", "start_date", "area", "title"} | {n for _g, n in self.group_fields}
        return [self[f] for f in self.fields if f not in skip]

    @property
    def audience_fields(self):
        return [self[n] for _g, n in self.group_fields]


class ActivityFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    kind = forms.ChoiceField(label=_("Form"), required=False, choices=[("", _("All")), *Kind.choices])
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("All")), *Activity.Status.choices])
    area = AreaChoiceField(label=_("Commune"), required=False, queryset=Area.objects.none())
    campaign = forms.ModelChoiceField(label=_("Campaign"), required=False, queryset=Campaign.objects.none())
    topic = forms.ModelChoiceField(label=_("Topic"), required=False, queryset=Topic.objects.all())
    group = forms.ModelChoiceField(label=_("Target group"), required=False, queryset=TargetGroup.objects.all())
    modern = forms.TypedChoiceField(
        label=_("Traditional / modern"),
        required=False,
        coerce=lambda v: v == "1",
        empty_value=None,
        choices=[("", _("All")), ("0", _("Traditional")), ("1", _("Modern"))],
    )
    date_from = VNDateField(label=_("From"), required=False)
    date_to = VNDateField(label=_("To"), required=False)

    def __init__(self, *args, areas=None, campaigns=None, **kwargs):
        super().__init__(*args, **kwargs)
        if areas is not None:
            self.fields["area"].queryset = areas
        if campaigns is not None:
            self.fields["campaign"].queryset = campaigns


class EvidenceForm(forms.Form):
    file = forms.FileField(label=_("Photo or attendance sheet (JPG, PNG, WebP, PDF; at most 10 MB)"))


class CampaignForm(forms.ModelForm):
    class Meta:
        formfield_callback = vn_date_formfield  # dd/mm/yyyy for every date
        model = Campaign
        fields = ["name", "type", "theme", "start_date", "end_date", "organiser", "units", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = Unit.objects.filter(valid_to__isnull=True)
        self.fields["units"].required = False
        self.fields["organiser"].queryset = Unit.objects.filter(valid_to__isnull=True)
        existing = {t.measure: t.value for t in self.instance.targets.all()} if self.instance.pk else {}
        for measure, label in CampaignTarget.Measure.choices:
            self.fields[f"target_{measure}"] = forms.IntegerField(
                label=_("Target: %(measure)s") % {"measure": label},
                min_value=0,
                required=False,
                initial=existing.get(measure),
            )

    def targets(self):
        return {m: self.cleaned_data.get(f"target_{m}") for m, _l in CampaignTarget.Measure.choices}
