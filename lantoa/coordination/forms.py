from django import forms
from django.utils.translation import gettext_lazy as _

from lantoa.audience.models import Person, StaffPosting
from lantoa.audience.selectors import person_scope
from lantoa.core.forms import VNDateField, vn_date_formfield  # noqa: F401
from lantoa.orgs.models import Unit
from lantoa.taxonomy.models import Topic

from . import selectors
from .models import Agreement, AgreementReview, Award, Briefing, Inspection, UnitPlan


class TopicsField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj):
        return obj.name


class UnitsField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.full_name} ({obj.unit.short_name or obj.unit.name})"


class PeopleField(forms.ModelMultipleChoiceField):
    widget = forms.SelectMultiple(attrs={"size": 10})

    def label_from_instance(self, obj):
        return f"{obj.full_name} ({obj.unit.short_name or obj.unit.name})"


def _years(choices_from=2020, to=2030):
    return [("", _("All"))] + [(y, str(y)) for y in range(to, choices_from - 1, -1)]


class FilterForm(forms.Form):
    """Year, unit, search and (per list) a kind or status."""

    year = forms.TypedChoiceField(label=_("Year"), coerce=int, required=False, empty_value=None)
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none(), required=False, empty_label=_("All"))
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    q = forms.CharField(label=_("Search"), required=False)

    def __init__(self, *args, user, kinds=None, kind_label=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = _years()
        self.fields["unit"].queryset = selectors.units_visible(user)
        if kinds is None:
            del self.fields["kind"]
        else:
            self.fields["kind"].choices = [("", _("All")), *kinds]
            if kind_label:
                self.fields["kind"].label = kind_label

    def filters(self) -> dict:
        if not self.is_bound or not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}


class BriefingForm(forms.ModelForm):
    class Meta:
        model = Briefing
        formfield_callback = vn_date_formfield
        fields = [
            "date",
            "kind",
            "title",
            "document_number",
            "unit",
            "topics",
            "informed_units",
            "leaders",
            "body",
            "note",
        ]
        field_classes = {"topics": TopicsField, "informed_units": UnitsField, "leaders": PeopleField}
        widgets = {"body": forms.Textarea(attrs={"rows": 3}), "note": forms.Textarea(attrs={"rows": 2})}
        help_texts = {
            "informed_units": _("All leaders of these units on the date count as informed."),
            "leaders": _("Or choose the leaders one by one."),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = selectors.units_writable(user)
        self.fields["informed_units"].queryset = selectors.units_visible(user)
        self.fields["informed_units"].required = False
        self.fields["leaders"].queryset = selectors.leader_choices(user=user).select_related("unit")
        self.fields["leaders"].required = False
        self.fields["topics"].queryset = Topic.objects.filter(active=True)
        self.fields["topics"].required = False

    def validate_unique(self):
        """The service checks everything and names the field."""


class LeaderEmailForm(forms.Form):
    """ "Gửi thông tin qua e-mail": to the leaders of the chosen units who have an address."""

    unit = forms.ModelChoiceField(label=_("Giving unit"), queryset=Unit.objects.none())
    units = UnitsField(label=_("Leaders of the units"), queryset=Unit.objects.none())
    subject = forms.CharField(label=_("Subject"), max_length=255)
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 8}))
    topics = TopicsField(label=_("Topics"), queryset=Topic.objects.none(), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = selectors.units_writable(user)
        self.fields["units"].queryset = selectors.units_visible(user).filter(
            pk__in=StaffPosting.objects.filter(is_leader=True).values("unit_id")
        )
        self.fields["topics"].queryset = Topic.objects.filter(active=True)


class LeaderContactForm(forms.Form):
    email = forms.CharField(label=_("E-mail"), required=False, max_length=254)


class UnitPlanForm(forms.ModelForm):
    document = forms.FileField(
        label=_("Plan document"),
        required=False,
        help_text=_("PDF or DOCX, at most 10 MB"),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.docx"}),
    )

    class Meta:
        model = UnitPlan
        formfield_callback = vn_date_formfield
        fields = ["unit", "year", "title", "filed_on", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 2}), "year": forms.NumberInput(attrs={"inputmode": "numeric"})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = selectors.units_writable(user)

    def validate_unique(self):
        """The service checks the (unit, year) pair and names the field."""

    def validate_constraints(self):
        """Likewise."""


class PlanReturnForm(forms.Form):
    note = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class AgreementForm(forms.ModelForm):
    class Meta:
        model = Agreement
        formfield_callback = vn_date_formfield
        fields = ["title", "number", "parties", "signed_on", "period_start", "period_end", "content"]
        field_classes = {"parties": UnitsField}
        widgets = {"content": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Parties can be any unit (the other side is often outside one's scope); the service checks
        # that the writer is one of them.
        self.fields["parties"].queryset = Unit.objects.all()
        self.fields["parties"].required = False

    def validate_constraints(self):
        """The service refuses an agreement ending before it starts, naming the field."""


class ReviewForm(forms.ModelForm):
    class Meta:
        model = AgreementReview
        formfield_callback = vn_date_formfield
        fields = ["date", "kind", "outcome", "re_signed", "next_agreement"]
        widgets = {"outcome": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, agreement, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["next_agreement"].queryset = selectors.agreement_choices(user=user).exclude(pk=agreement.pk)


class InspectionForm(forms.ModelForm):
    class Meta:
        model = Inspection
        formfield_callback = vn_date_formfield
        fields = ["date", "kind", "inspecting_unit", "unit", "findings", "recommendations"]
        widgets = {"findings": forms.Textarea(attrs={"rows": 3}), "recommendations": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.all()
        self.fields["inspecting_unit"].queryset = Unit.objects.all()


class AwardForm(forms.ModelForm):
    class Meta:
        model = Award
        formfield_callback = vn_date_formfield
        fields = [
            "date",
            "title",
            "decision_number",
            "awarded_by",
            "person",
            "recipient_unit",
            "recipient_name",
            "reason",
        ]
        field_classes = {"person": PersonChoiceField}
        widgets = {"reason": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, user, person=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["awarded_by"].queryset = selectors.units_writable(user)
        self.fields["recipient_unit"].queryset = Unit.objects.all()
        # People on a staff list of the user's scope, and the person the page was opened for.
        people = person_scope(user=user).filter(pk__in=StaffPosting.objects.values("person_id"))
        extra = [person.pk] if person is not None else []
        if self.instance.person_id:
            extra.append(self.instance.person_id)
        if extra:
            people = people | person_scope(user=user).filter(pk__in=extra)
        self.fields["person"].queryset = Person.objects.filter(pk__in=people.values("pk")).select_related("unit")
