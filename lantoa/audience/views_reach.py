"""The reach page (distinct people reached, with the estimated reach apart), the people behind each
number (masked, exported with an audit row) and the statistics used as denominators."""

import datetime as dt
import json
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Max
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lantoa.audience import reach as selectors
from lantoa.audience import statistics
from lantoa.audience.models import Statistic
from lantoa.audience.selectors import present
from lantoa.core import clock
from lantoa.core.exports import table_response
from lantoa.core.forms import apply_validation_error, vn_date_formfield
from lantoa.core.models import AuditLog
from lantoa.core.services import audit_log
from lantoa.core.text import format_date
from lantoa.geo.models import Area
from lantoa.orgs.access import readable_communes, readable_units
from lantoa.plans.models import Plan
from lantoa.taxonomy.models import TargetGroup, Topic


def _years():
    this = clock.today().year
    return [(y, str(y)) for y in range(this, 2019, -1)]


class ReachFilterForm(forms.Form):
    year = forms.TypedChoiceField(label=gettext_lazy("Year"), coerce=int, required=False, empty_value=None)
    area = forms.ModelChoiceField(
        label=gettext_lazy("Commune"), queryset=Area.objects.none(), required=False, empty_label="—"
    )
    group = forms.ModelChoiceField(
        label=gettext_lazy("Target group"),
        queryset=TargetGroup.objects.filter(active=True),
        required=False,
        empty_label="—",
    )
    topic = forms.ModelChoiceField(
        label=gettext_lazy("Topic"), queryset=Topic.objects.filter(active=True), required=False, empty_label="—"
    )
    voluntary = forms.BooleanField(label=gettext_lazy("Only on voluntary BHXH"), required=False)
    # The people lists behind a month of the breakdown.
    month = forms.RegexField(regex=r"^\d{4}-\d{2}$", required=False, widget=forms.HiddenInput)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", _("All years")), *_years()]
        self.fields["area"].queryset = readable_communes(user)

    def to_filter(self) -> selectors.ReachFilter:
        data = self.cleaned_data
        f = selectors.ReachFilter(
            year=data.get("year"),
            area=data.get("area"),
            group=data.get("group"),
            topic=data.get("topic"),
            voluntary=True if data.get("voluntary") else None,
        )
        if data.get("month"):
            y, m = (int(x) for x in data["month"].split("-"))
            if not 1 <= m <= 12:
                raise Http404
            f.date_from = dt.date(y, m, 1)
            f.date_to = dt.date(y + m // 12, m % 12 + 1, 1) - dt.timedelta(days=1)
        return f

    def described(self) -> dict:
        """The filter as plain values, for the audit row of an export."""
        data = self.cleaned_data
        return {k: (v.pk if hasattr(v, "pk") else v) for k, v in data.items() if v not in (None, "", False)}


def _form(request) -> ReachFilterForm:
    """The filter from the query string; a value the user may not choose (another commune) is a 404."""
    data = request.GET.copy()
    if "year" not in data:
        # The running year, or the plan's last one once the plan has ended (its figures are what people ask for).
        last = Plan.objects.aggregate(last=Max("end_year"))["last"]
        data["year"] = str(min(clock.today().year, last) if last else clock.today().year)
    form = ReachFilterForm(data, user=request.user)
    if not form.is_valid():
        raise Http404
    return form


def _query(form: ReachFilterForm, **extra) -> str:
    params = {k: v for k, v in form.data.items() if k not in ("page", "export", "month") and v not in ("", None)}
    params.update({k: v for k, v in extra.items() if v not in ("", None)})
    return urlencode(params)


@login_required
def reach_overview(request):
    form = _form(request)
    f = form.to_filter()
    user = request.user
    by_commune = [{**r, "query": _query(form, area=r["area"].pk)} for r in selectors.reach_by_commune(user=user, f=f)]
    by_group = [
        {**r, "query": _query(form, group=r["group"].pk) if r["group"] else ""}
        for r in selectors.reach_by_group(user=user, f=f)
    ]
    by_topic = [
        {**r, "query": _query(form, topic=r["topic"].pk) if r["topic"] else ""}
        for r in selectors.reach_by_topic(user=user, f=f)
    ]
    by_month = [
        {**r, "query": _query(form, month=r["month"].strftime("%Y-%m"))}
        for r in selectors.reach_by_month(user=user, f=f)
    ]
    return render(
        request,
        "audience/reach_overview.html",
        {
            "form": form,
            "counted": selectors.reach_counts(
                user=user,
                year=f.year,
                date_from=f.date_from,
                date_to=f.date_to,
                area=f.area,
                group=f.group,
                topic=f.topic,
                voluntary=f.voluntary,
            ),
            "estimated": selectors.reach_estimated(user=user, f=f),
            "by_commune": by_commune,
            "by_group": by_group,
            "by_topic": by_topic,
            "by_month": by_month,
            "query": _query(form),
        },
    )


def _export(request, form, people):
    """The people behind a number as a sheet, masked as on screen, with an audit row: personal data left
    the system (who, which filter, how many rows)."""
    user = request.user
    headers = [
        _("Full name"),
        _("Date of birth"),
        _("Year of birth"),
        _("Sex"),
        _("CCCD"),
        _("BHXH number"),
        _("Phone"),
        _("Address"),
        _("Commune or hamlet"),
        _("Insurance status"),
    ]
    rows = []
    for person in people.iterator(chunk_size=2000):
        p = present(user, person)
        rows.append(
            [
                str(person) if person.anonymised_at is None else _("(anonymised)"),
                format_date(person.birth_date) if person.birth_date else "",
                person.birth_year or "",
                person.get_sex_display(),
                p.cccd,
                p.bhxh_number,
                p.phone,
                person.address,
                person.area.name,
                person.get_insurance_status_display(),
            ]
        )
    audit_log(
        actor=user,
        action=AuditLog.Action.ACTION,
        obj=user,
        verb="export_personal_data",
        after={"what": "reach_people", "filters": form.described(), "rows": len(rows)},
        before={},
        note=json.dumps({"filters": form.described(), "rows": len(rows)}, ensure_ascii=False, default=str),
    )
    return table_response("xlsx", "nguoi-duoc-tiep-can", headers, rows, "Nguoi duoc tiep can")


@login_required
def reach_people(request):
    form = _form(request)
    f = form.to_filter()
    people = selectors.reach_people(user=request.user, f=f).order_by("name_key", "id")
    if request.GET.get("export") == "xlsx":
        return _export(request, form, people)
    page = Paginator(people, 50).get_page(request.GET.get("page"))
    page.object_list = [present(request.user, p) for p in page.object_list]
    return render(
        request,
        "audience/reach_people.html",
        {"form": form, "page": page, "query": _query(form, month=form.data.get("month", ""))},
    )


# ----- statistics ----------------------------------------------------------------------------------


class StatisticFilterForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Figure"), required=False)
    year = forms.TypedChoiceField(label=gettext_lazy("Year"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "—"), *Statistic.Kind.choices]
        self.fields["year"].choices = [("", "—"), *_years()]


class StatisticForm(forms.ModelForm):
    class Meta:
        model = Statistic
        fields = ["kind", "year", "area", "unit", "value", "source", "source_date"]
        formfield_callback = vn_date_formfield

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = readable_communes(user)
        self.fields["unit"].queryset = readable_units(user).order_by("search_key")
        self.fields["area"].help_text = _("For the labour force: the commune.")
        self.fields["unit"].help_text = _("For officials and communication staff: the unit.")


@login_required
def statistic_list(request):
    form = StatisticFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    qs = statistics.statistic_list(user=request.user, kind=data.get("kind", ""), year=data.get("year"))
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audience/statistic_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "can_edit": statistics.may_write_statistics(request.user),
        },
    )


@login_required
def statistic_edit(request, pk=None):
    if not statistics.may_write_statistics(request.user):
        raise Http404
    instance = statistics.statistic_get(user=request.user, pk=pk) if pk else Statistic()
    form = StatisticForm(request.POST or None, instance=instance, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            statistics.statistic_save(actor=request.user, statistic=form.save(commit=False))
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The figure has been saved."))
            return redirect("audience:statistic_list")
    return render(request, "audience/statistic_form.html", {"form": form, "statistic": instance})
