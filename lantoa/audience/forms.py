from django import forms
from django.utils.translation import gettext_lazy as _

from lantoa.activities.forms import AreaChoiceField
from lantoa.audience.models import Channel, Employer, Household, InsuranceStatus, Person, Segment, Sex
from lantoa.core.forms import VNDateField, vn_date_formfield
from lantoa.geo.models import Area
from lantoa.orgs.models import Unit
from lantoa.taxonomy.models import TargetGroup

YES_NO = [("", "—"), ("yes", _("Yes")), ("no", _("No"))]


class PersonForm(forms.ModelForm):
    # Typed as people write them ("079 123 456 789", "0912.345.678"); the service cleans them.
    cccd = forms.CharField(label=_("citizen ID (CCCD)"), max_length=30, required=False)
    bhxh_number = forms.CharField(label=_("BHXH number"), max_length=30, required=False)
    phone = forms.CharField(label=_("phone"), max_length=30, required=False)
    phone2 = forms.CharField(label=_("second phone"), max_length=30, required=False)

    class Meta:
        formfield_callback = vn_date_formfield
        model = Person
        fields = [
            "full_name",
            "birth_date",
            "sex",
            "cccd",
            "bhxh_number",
            "phone",
            "phone2",
            "area",
            "address",
            "unit",
            "household",
            "employer",
            "occupation",
            "groups",
            "insurance_status",
            "payment_mode",
            "next_due_date",
            "declared_income",
            "note",
        ]
        widgets = {
            "groups": forms.CheckboxSelectMultiple,
            "note": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, areas=None, units=None, households=None, employers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"] = AreaChoiceField(
            label=_("Commune or hamlet"), queryset=areas if areas is not None else Area.objects.none()
        )
        self.fields["unit"].queryset = units if units is not None else Unit.objects.none()
        self.fields["household"].queryset = households if households is not None else Household.objects.none()
        self.fields["employer"].queryset = employers if employers is not None else Employer.objects.none()
        self.fields["groups"].queryset = TargetGroup.objects.filter(active=True, computed=False)
        self.fields["groups"].help_text = _(
            "Group (7), a payment coming due, is worked out from the next due date and is not ticked."
        )
        self.fields["phone"].widget.attrs.update(inputmode="tel", autocomplete="off")
        self.fields["phone2"].widget.attrs.update(inputmode="tel", autocomplete="off")
        self.fields["cccd"].widget.attrs.update(inputmode="numeric", autocomplete="off")
        self.fields["bhxh_number"].widget.attrs.update(inputmode="numeric", autocomplete="off")

    ESSENTIAL = ["full_name", "birth_date", "sex", "cccd", "phone", "area", "address", "groups", "insurance_status"]

    def essential_fields(self):
        return [self[n] for n in self.ESSENTIAL]

    def more_fields(self):
        return [self[n] for n in self.fields if n not in self.ESSENTIAL]


class PersonFilterForm(forms.Form):
    q = forms.CharField(label=_("Name, CCCD, BHXH no. or phone"), required=False)
    area = forms.ModelChoiceField(label=_("Commune"), queryset=Area.objects.none(), required=False, empty_label="—")
    group = forms.ModelChoiceField(
        label=_("Target group"),
        queryset=TargetGroup.objects.none(),
        required=False,
        empty_label="—",
        to_field_name="code",
    )
    status = forms.ChoiceField(label=_("Insurance status"), required=False)
    sex = forms.ChoiceField(label=_("Sex"), required=False, choices=[("", "—"), *Sex.choices])
    age_min = forms.IntegerField(label=_("Age from"), required=False, min_value=0, max_value=120)
    age_max = forms.IntegerField(label=_("Age to"), required=False, min_value=0, max_value=120)
    due_within_days = forms.IntegerField(
        label=_("Payment due within (days)"), required=False, min_value=0, max_value=3660
    )
    consent = forms.ChoiceField(label=_("Agrees to messages"), required=False, choices=YES_NO)
    reached = forms.ChoiceField(label=_("Reached"), required=False, choices=YES_NO)
    reached_year = forms.IntegerField(label=_("Reached in year"), required=False, min_value=2000, max_value=2100)
    reached_topic_voluntary = forms.BooleanField(label=_("Only reach about voluntary BHXH"), required=False)

    def __init__(self, *args, areas=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas if areas is not None else Area.objects.none()
        self.fields["group"].queryset = TargetGroup.objects.filter(active=True)
        self.fields["status"].choices = [("", "—"), *InsuranceStatus.choices]

    def clean(self):
        data = super().clean()
        if data.get("age_min") is not None and data.get("age_max") is not None and data["age_min"] > data["age_max"]:
            self.add_error("age_max", _("“Age to” must not be less than “Age from”."))
        return data

    def to_filter(self):
        from lantoa.audience.selectors import PersonFilter

        d = self.cleaned_data if self.is_valid() else {}
        yes_no = {"yes": True, "no": False}
        return PersonFilter(
            q=d.get("q") or "",
            area_ids=[d["area"].pk] if d.get("area") else [],
            group_codes=[d["group"].code] if d.get("group") else [],
            statuses=[d["status"]] if d.get("status") else [],
            sex=d.get("sex") or "",
            age_min=d.get("age_min"),
            age_max=d.get("age_max"),
            due_within_days=d.get("due_within_days"),
            consent=yes_no.get(d.get("consent") or ""),
            reached=d.get("reached") or "",
            reached_year=d.get("reached_year"),
            reached_topic_voluntary=bool(d.get("reached_topic_voluntary")),
        )

    @staticmethod
    def initial_from(f) -> dict:
        """The form's GET parameters for a saved filter (a segment opens as the list it describes)."""
        out = {
            "q": f.q,
            "area": f.area_ids[0] if f.area_ids else "",
            "group": f.group_codes[0] if f.group_codes else "",
            "status": f.statuses[0] if f.statuses else "",
            "sex": f.sex,
            "age_min": f.age_min,
            "age_max": f.age_max,
            "due_within_days": f.due_within_days,
            "consent": {True: "yes", False: "no"}.get(f.consent, ""),
            "reached": f.reached,
            "reached_year": f.reached_year,
            "reached_topic_voluntary": "on" if f.reached_topic_voluntary else "",
        }
        return {k: v for k, v in out.items() if v not in ("", None)}


class SegmentForm(forms.ModelForm):
    class Meta:
        model = Segment
        fields = ["name", "unit"]

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units if units is not None else Unit.objects.none()
        self.fields["unit"].empty_label = None


class ConsentForm(forms.Form):
    given = forms.TypedChoiceField(
        label=_("Consent"),
        choices=[("1", _("Agrees to receive messages")), ("0", _("Withdraws consent / refuses"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices, initial=Channel.ALL)
    date = VNDateField(label=_("Date"))
    how = forms.CharField(label=_("How (paper form, phone call, reply…)"), max_length=200, required=False)


class AnonymiseForm(forms.Form):
    received = VNDateField(label=_("Request received on"))
    note = forms.CharField(label=_("Note (how the request came)"), max_length=500, required=False)
    confirm = forms.BooleanField(
        label=_("I understand: name, identifiers, phone and address are erased for good; anonymous counts stay.")
    )


class HouseholdForm(forms.ModelForm):
    class Meta:
        model = Household
        fields = ["head_name", "code", "area", "address", "unit"]

    def __init__(self, *args, areas=None, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"] = AreaChoiceField(
            label=_("Commune or hamlet"), queryset=areas if areas is not None else Area.objects.none()
        )
        self.fields["unit"].queryset = units if units is not None else Unit.objects.none()


class EmployerForm(forms.ModelForm):
    tax_code = forms.CharField(label=_("tax code"), max_length=20, required=False)

    class Meta:
        model = Employer
        fields = ["name", "tax_code", "address", "area", "unit", "employees", "insured_employees", "compliance_note"]
        widgets = {"compliance_note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, areas=None, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"] = AreaChoiceField(
            label=_("Commune or hamlet"), queryset=areas if areas is not None else Area.objects.none(), required=False
        )
        self.fields["unit"].queryset = units if units is not None else Unit.objects.none()

    def clean(self):
        data = super().clean()
        employees, insured = data.get("employees"), data.get("insured_employees")
        if employees is not None and insured is not None and insured > employees:
            self.add_error("insured_employees", _("Cannot be more than the employees."))
        return data


class ReachAddForm(forms.Form):
    """People picked for an activity: ids from the search results' checkboxes."""

    people = forms.ModelMultipleChoiceField(queryset=Person.objects.none(), widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["people"].queryset = people if people is not None else Person.objects.none()
