from django import forms
from django.utils.translation import gettext_lazy as _

from lantoa.core import clock
from lantoa.core.forms import VNDateField
from lantoa.geo.models import Area
from lantoa.public import rules
from lantoa.public.models import Lead, Rule

CATEGORY_CHOICES = [
    ("poor", _("Poor household")),
    ("near_poor", _("Near-poor household")),
    ("ethnic_minority", _("Ethnic minority")),
    ("island", _("Island commune")),
]
SEX_CHOICES = [("", "—"), ("women", _("Woman")), ("men", _("Man"))]
PUBLIC_TEXT_MAX = 3000


def _invalid_choice():
    # The template puts the field's label before the message.
    return {"invalid_choice": _("this choice is not on the list: choose one of those shown.")}


class CalculatorForm(forms.Form):
    """One small GET form: the answer is a page of its own, shareable by its address."""

    income = forms.CharField(
        label=_("Monthly income you choose"),
        max_length=40,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "placeholder": "1.500.000", "autocomplete": "off"}),
        error_messages={"required": _("Enter the monthly income: write it as 1.500.000 or “1,5 triệu”.")},
    )
    day = VNDateField(label=_("Rules in force on"), required=False)
    categories = forms.MultipleChoiceField(
        label=_("Your household (for State support)"),
        choices=CATEGORY_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages=_invalid_choice(),
    )
    province = forms.ModelChoiceField(
        label=_("Province (its own support, if any)"),
        queryset=Area.objects.none(),
        required=False,
        empty_label="—",
        error_messages=_invalid_choice(),
    )
    support_used = forms.IntegerField(
        label=_("Months of State support already received"), min_value=0, max_value=600, required=False
    )
    years_ahead = forms.IntegerField(
        label=_("Pay several years ahead: how many years"), min_value=2, max_value=rules.MAX_YEARS_AHEAD, required=False
    )
    missing_years = forms.IntegerField(
        label=_("Years missing at retirement age (lump sum)"), min_value=0, max_value=20, required=False
    )
    sex = forms.ChoiceField(
        label=_("Sex (for the pension)"), choices=SEX_CHOICES, required=False, error_messages=_invalid_choice()
    )
    years = forms.IntegerField(label=_("Years of contribution in all"), min_value=0, max_value=60, required=False)
    birth_year = forms.IntegerField(label=_("Year of birth"), min_value=1930, max_value=2015, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        ids = Rule.objects.filter(kind=Rule.Kind.LOCAL_SUPPORT).values_list("area_id", flat=True)
        self.fields["province"].queryset = Area.objects.filter(id__in=ids).order_by("search_key")
        if not ids:
            del self.fields["province"]

    def clean_income(self):
        try:
            return rules.parse_income(self.cleaned_data["income"])
        except rules.RuleError as exc:
            raise forms.ValidationError(str(exc)) from None

    def clean_day(self):
        day = self.cleaned_data.get("day") or clock.today()
        try:
            rules.check_day(day)
        except rules.RuleError as exc:
            raise forms.ValidationError(str(exc)) from None
        return day


class _PublicForm(forms.Form):
    # A field people never see (hidden by CSS, skipped by keyboard): robots fill it in.
    website = forms.CharField(
        label=_("Leave this empty"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    token = forms.CharField(widget=forms.HiddenInput, max_length=40)

    @property
    def is_robot(self) -> bool:
        return bool(self.data.get("website"))


class LeadForm(_PublicForm):
    full_name = forms.CharField(label=_("Your name"), max_length=150)
    phone = forms.CharField(
        label=_("Phone number"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel", "placeholder": "0912 345 678"}),
    )
    commune = forms.ModelChoiceField(
        label=_("Commune / ward where you live"),
        queryset=Area.objects.none(),
        empty_label="—",
        error_messages=_invalid_choice(),
    )
    callback = forms.ChoiceField(
        label=_("When may we call you?"),
        choices=Lead.Callback.choices,
        initial=Lead.Callback.ANY,
        error_messages=_invalid_choice(),
    )
    category = forms.ChoiceField(
        label=_("Advise me on the support for (optional)"),
        choices=[("", "—"), *CATEGORY_CHOICES],
        required=False,
        error_messages=_invalid_choice(),
    )
    consent_callback = forms.BooleanField(label=_("I agree to be called back (required)"), required=False)
    consent_messages = forms.BooleanField(
        label=_("I agree to receive SMS / Zalo information (optional)"), required=False
    )

    def __init__(self, *args, communes=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = communes if communes is not None else Area.objects.none()


class AskForm(_PublicForm):
    KINDS = [
        ("question", _("Ask a question")),
        ("petition", _("Give feedback or a suggestion")),
        ("correction", _("Report false information")),
    ]
    kind = forms.ChoiceField(
        label=_("What would you like to do?"),
        choices=KINDS,
        widget=forms.RadioSelect,
        initial="question",
        error_messages=_invalid_choice(),
    )
    text = forms.CharField(
        label=_("Your question or feedback"),
        max_length=PUBLIC_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": PUBLIC_TEXT_MAX}),
        error_messages={
            "max_length": _("At most %(limit_value)s characters; yours has %(show_value)s."),
            "required": _("Write your question or feedback."),
        },
    )
    commune = forms.ModelChoiceField(
        label=_("Commune / ward (optional)"),
        queryset=Area.objects.none(),
        required=False,
        empty_label="—",
        error_messages=_invalid_choice(),
    )
    full_name = forms.CharField(label=_("Your name (optional)"), max_length=150, required=False)
    phone = forms.CharField(
        label=_("Phone number for the answer (optional)"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    consent = forms.BooleanField(
        label=_("I agree that my name and phone are used to answer me (needed if you give them)"), required=False
    )

    def __init__(self, *args, communes=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = communes if communes is not None else Area.objects.none()

    def clean(self):
        data = super().clean()
        if (data.get("full_name") or data.get("phone")) and not data.get("consent"):
            self.add_error("consent", _("Tick the box to let us use your name and phone, or leave them empty."))
        return data


class LeadFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    commune = forms.ModelChoiceField(
        label=_("Commune / ward"), queryset=Area.objects.none(), required=False, empty_label="—"
    )
    outcome = forms.ChoiceField(label=_("Outcome"), choices=[("", "—"), *Lead.Outcome.choices], required=False)
    overdue = forms.BooleanField(label=_("Past the call-back day"), required=False)

    def __init__(self, *args, communes=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = communes if communes is not None else Area.objects.none()


class LeadOutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome of the call"),
        choices=[c for c in Lead.Outcome.choices if c[0] != Lead.Outcome.NEW],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}))
