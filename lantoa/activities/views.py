from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Sum
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lantoa.accounts.roles import READ_ONLY, Role, has_role
from lantoa.activities import selectors, services
from lantoa.activities.forms import ActivityFilterForm, ActivityForm, CampaignForm, EvidenceForm
from lantoa.activities.kinds import Kind
from lantoa.activities.models import Activity, Campaign
from lantoa.content.forms import usable_content_for
from lantoa.core import clock
from lantoa.core.exports import table_response
from lantoa.core.forms import apply_validation_error
from lantoa.core.text import format_date
from lantoa.geo.models import Area
from lantoa.orgs.access import readable_communes, readable_units, scope_for, user_unit

CAMPAIGN_EDITORS = {Role.COORDINATOR, Role.INSURANCE, Role.ADMIN}

# Links shown on an activity's page by apps built on activities (the people it reached…):
# functions (activity, user) → {"label": …, "url": …} or None, appended in their ready().
detail_links: list = []


def _place_choices(user):
    qs = Area.objects.filter(level__gte=Area.Level.COMMUNE).select_related("parent").order_by("search_key")
    allowed = services.writable_area_ids(user)
    return qs if allowed is None else qs.filter(id__in=allowed)


def _may_write(user) -> bool:
    return not has_role(user, READ_ONLY) and not scope_for(user).is_empty


@login_required
def activity_list(request):
    form = ActivityFilterForm(
        request.GET or None, areas=readable_communes(request.user), campaigns=selectors.campaign_list(user=request.user)
    )
    filters = {k: v for k, v in (form.cleaned_data if form.is_valid() else {}).items() if v not in (None, "")}
    qs = selectors.activity_list(user=request.user, **filters)
    fmt = request.GET.get("export")
    if fmt in ("xlsx", "csv"):
        headers = [
            _("Date"),
            _("End date"),
            _("Form"),
            _("Channel"),
            _("Modern form"),
            _("Title"),
            _("Status"),
            _("Organiser"),
            _("Place"),
            _("Campaign"),
            _("People present"),
            _("Estimated reach"),
            _("Voluntary-BHXH sign-ups"),
            _("VssID logins"),
            _("Cost (VND)"),
            _("Link"),
        ]
        rows = (
            [
                format_date(a.start_date),
                format_date(a.end_date),
                a.get_kind_display(),
                a.get_channel_display(),
                _("yes") if a.modern else _("no"),
                a.title,
                a.get_status_display(),
                a.organiser.name,
                a.area.name,
                a.campaign.name if a.campaign else "",
                a.participants,
                a.estimated_reach or "",
                a.signups,
                a.vssid_logins,
                int(a.cost) if a.cost is not None else "",
                a.link,
            ]
            for a in qs[:100000]
        )
        return table_response(fmt, "hoat-dong", headers, rows, "Hoat dong")
    totals = qs.aggregate(people=Sum("participants"), signups=Sum("signups"))
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "activities/activity_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "totals": totals,
            "count": page.paginator.count,
            "can_add": _may_write(request.user),
        },
    )


def _activity_form(request, instance):
    unit = user_unit(request.user)
    initial = {}
    if instance.pk is None:
        initial = {
            "start_date": clock.today(),
            "status": Activity.Status.DONE,
            "organiser": unit.pk if unit else None,
            "kind": request.GET.get("kind") or Kind.HOUSEHOLD_VISIT,
        }
        if unit is not None and unit.area.level >= Area.Level.COMMUNE:
            initial["area"] = unit.area_id
    return ActivityForm(
        request.POST or None,
        instance=instance,
        initial=initial,
        areas=_place_choices(request.user),
        units=readable_units(request.user, on=clock.today()),
        campaigns=selectors.campaign_list(user=request.user).filter(
            end_date__gte=clock.today().replace(year=clock.today().year - 1)
        ),
        content=usable_content_for(request.user, instance),
    )


@login_required
def activity_edit(request, pk=None):
    if not _may_write(request.user):
        raise Http404
    activity = selectors.activity_get(user=request.user, pk=pk) if pk else Activity()
    form = _activity_form(request, activity)
    evidence_form = EvidenceForm(request.POST or None, request.FILES or None) if pk is None else None
    if evidence_form is not None:
        evidence_form.fields["file"].required = False
    if request.method == "POST" and form.is_valid():
        try:
            activity = services.activity_save(
                actor=request.user,
                activity=form.save(commit=False),
                audiences=form.audiences(),
                topics=form.cleaned_data["topics"],
                co_organisers=form.cleaned_data["co_organisers"],
                content_used=form.cleaned_data.get("content_used"),
            )
            if evidence_form is not None and request.FILES.get("file"):
                services.evidence_add(actor=request.user, activity=activity, upload=request.FILES["file"])
        except ValidationError as exc:
            apply_validation_error(form, exc)
            if hasattr(exc, "error_dict") and "file" in exc.error_dict and evidence_form is not None:
                evidence_form.add_error("file", exc.error_dict["file"])
            form.instance.pk = pk
        else:
            messages.success(request, _("The activity has been saved."))
            if request.POST.get("again"):
                return redirect("activities:new")
            return redirect("activities:detail", pk=activity.pk)
    return render(
        request, "activities/activity_form.html", {"form": form, "activity": activity, "evidence_form": evidence_form}
    )


@login_required
def activity_detail(request, pk):
    activity = selectors.activity_get(user=request.user, pk=pk)
    return render(
        request,
        "activities/activity_detail.html",
        {
            "activity": activity,
            "audiences": activity.audiences.select_related("group"),
            "evidence": activity.evidence.all(),
            "evidence_form": EvidenceForm(),
            "can_edit": _may_write(request.user),
            "links": [link for f in detail_links if (link := f(activity, request.user))],
        },
    )


@login_required
@require_POST
def activity_status(request, pk):
    activity = selectors.activity_get(user=request.user, pk=pk)
    if not _may_write(request.user) or request.POST.get("status") not in Activity.Status.values:
        raise Http404
    try:
        services.activity_set_status(actor=request.user, activity=activity, status=request.POST["status"])
    except ValidationError as exc:
        for errors in exc.message_dict.values():
            for e in errors:
                messages.error(request, e)
    return redirect("activities:detail", pk=activity.pk)


@login_required
@require_POST
def evidence_add(request, pk):
    activity = selectors.activity_get(user=request.user, pk=pk)
    if not _may_write(request.user):
        raise Http404
    form = EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.evidence_add(actor=request.user, activity=activity, upload=form.cleaned_data["file"])
        except ValidationError as exc:
            for errors in exc.message_dict.values():
                for e in errors:
                    messages.error(request, f"{_('File')}: {e}")
        else:
            messages.success(request, _("The file has been added."))
    else:
        for e in form.errors.get("file", []):
            messages.error(request, f"{_('File')}: {e}")
    return redirect("activities:detail", pk=activity.pk)


@login_required
def evidence_file(request, pk, evidence_pk):
    activity = selectors.activity_get(user=request.user, pk=pk)
    evidence = activity.evidence.filter(pk=evidence_pk).first()
    if evidence is None:
        raise Http404
    return FileResponse(evidence.file.open("rb"), filename=evidence.original_name)


@login_required
def campaign_list(request):
    year = request.GET.get("year", "")
    campaigns = selectors.campaign_list(user=request.user, year=int(year) if year.isdecimal() else None)
    return render(
        request,
        "activities/campaign_list.html",
        {
            "campaigns": campaigns.prefetch_related("targets"),
            "year": year,
            "can_edit": has_role(request.user, CAMPAIGN_EDITORS),
        },
    )


@login_required
def campaign_detail(request, pk):
    campaign = selectors.campaign_get(user=request.user, pk=pk)
    activities = selectors.activity_list(user=request.user, campaign=campaign)
    done = activities.filter(status=Activity.Status.DONE)
    totals = done.aggregate(people=Sum("participants"), signups=Sum("signups"), vssid=Sum("vssid_logins"))
    actual = {
        "activities": done.count(),
        "people": totals["people"] or 0,
        "signups": totals["signups"] or 0,
        "vssid": totals["vssid"] or 0,
    }
    targets = [
        {"target": t, "actual": actual[t.measure], "met": actual[t.measure] >= t.value} for t in campaign.targets.all()
    ]
    return render(
        request,
        "activities/campaign_detail.html",
        {
            "campaign": campaign,
            "activities": activities[:200],
            "targets": targets,
            "actual": actual,
            "can_edit": has_role(request.user, CAMPAIGN_EDITORS),
        },
    )


@login_required
def campaign_edit(request, pk=None):
    if not has_role(request.user, CAMPAIGN_EDITORS):
        raise Http404
    campaign = selectors.campaign_get(user=request.user, pk=pk) if pk else Campaign()
    unit = user_unit(request.user)
    form = CampaignForm(
        request.POST or None, instance=campaign, initial={} if pk else {"organiser": unit.pk if unit else None}
    )
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.campaign_save(
                actor=request.user,
                campaign=form.save(commit=False),
                units=form.cleaned_data["units"],
                targets=form.targets(),
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The campaign has been saved."))
            return redirect("activities:campaign", pk=campaign.pk)
    return render(request, "activities/campaign_form.html", {"form": form, "campaign": campaign})


@login_required
def activity_calendar(request):
    today = clock.today()
    year = request.GET.get("year", "")
    year = int(year) if year.isdecimal() and 2000 <= int(year) <= 2100 else today.year
    organiser = None
    if request.GET.get("unit", "").isdecimal():
        organiser = readable_units(request.user, on=clock.today()).filter(pk=int(request.GET["unit"])).first()
    rows = selectors.calendar(user=request.user, year=year, organiser=organiser)
    return render(
        request,
        "activities/calendar.html",
        {
            "rows": rows,
            "year": year,
            "months": range(1, 13),
            "units": readable_units(request.user, on=clock.today()),
            "organiser": organiser,
            "years": range(today.year - 4, today.year + 2),
        },
    )
