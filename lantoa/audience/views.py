import hashlib
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lantoa.accounts.roles import READ_ONLY, has_role
from lantoa.activities.models import Activity
from lantoa.activities.selectors import activity_scope
from lantoa.audience import selectors, services
from lantoa.audience.forms import (
    AnonymiseForm,
    ConsentForm,
    EmployerForm,
    HouseholdForm,
    PersonFilterForm,
    PersonForm,
    ReachAddForm,
    SegmentForm,
)
from lantoa.audience.models import DataRequest, Employer, Household, Person, Reach, Segment
from lantoa.core import clock
from lantoa.core.exports import table_response
from lantoa.core.forms import apply_validation_error
from lantoa.core.models import AuditLog, valid_on
from lantoa.core.services import audit_log
from lantoa.core.text import format_date, format_number, search_key
from lantoa.geo.models import Area
from lantoa.orgs.access import get_scoped_or_404, readable_communes, readable_units, scope_for, user_unit

EXPORT_LIMIT = 200_000
# Links later apps add to a person's page: functions (request, person) → {"url", "label"} or None.
person_links: list = []


def may_write(user) -> bool:
    return not has_role(user, READ_ONLY) and not scope_for(user).is_empty


def _places(user):
    scope = scope_for(user)
    qs = Area.objects.filter(level__gte=Area.Level.COMMUNE).filter(valid_on(clock.today()))
    qs = qs.select_related("parent").order_by("search_key")
    return qs if scope.sees_all else qs.filter(id__in=scope.area_ids)


def _export_people(request, qs, filename: str, note: str):
    """Personal data leaves the system: masked unless the role may see it, and always audited."""
    fmt = request.GET.get("export")
    full = selectors.may_see_personal(request.user)
    headers = [
        _("Full name"),
        _("Date of birth"),
        _("Sex"),
        _("CCCD"),
        _("BHXH number"),
        _("Phone"),
        _("Address"),
        _("Commune or hamlet"),
        _("Insurance status"),
        _("Payment mode"),
        _("Next payment due"),
        _("Agrees to messages"),
        _("Kept by"),
    ]
    people = list(qs[:EXPORT_LIMIT])
    rows = []
    for p in people:
        v = selectors.present(request.user, p, full=full)
        rows.append(
            [
                p.full_name,
                format_date(p.birth_date) or (p.birth_year or ""),
                p.get_sex_display(),
                v.cccd,
                v.bhxh_number,
                v.phone,
                p.address,
                p.area.name,
                p.get_insurance_status_display(),
                p.get_payment_mode_display(),
                format_date(p.next_due_date),
                _("yes") if p.consent else _("no"),
                p.unit.name,
            ]
        )
    audit_log(
        actor=request.user,
        action=AuditLog.Action.ACTION,
        obj=user_unit(request.user) or request.user,
        verb="export_personal_data",
        note=f"{note}; {len(rows)} rows; {'full' if full else 'masked'}",
    )
    return table_response(fmt, filename, headers, rows, "Danh sach")


def _filters_for_audit(person_filter) -> dict:
    """The filters of an export as the audit keeps them: the searched text (a name, CCCD or phone) only as a
    hash, so the log never holds an identifier in clear yet two searches for the same one still match."""
    filters = dict(person_filter.to_json())
    if filters.get("q"):
        filters["q"] = "sha256:" + hashlib.sha256(search_key(str(filters["q"])).encode()).hexdigest()[:16]
    return filters


@login_required
def person_list(request):
    form = PersonFilterForm(request.GET or None, areas=readable_communes(request.user))
    person_filter = form.to_filter()
    qs = selectors.person_list(user=request.user, filters=person_filter)
    if request.GET.get("export") in ("xlsx", "csv"):
        note = f"people list {urlencode(_filters_for_audit(person_filter))}"
        return _export_people(request, qs, "danh-sach-nguoi", note)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    full = selectors.may_see_personal(request.user)
    page.object_list = [selectors.present(request.user, p, full=full) for p in page.object_list]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audience/person_list.html",
        {
            "form": form,
            "page": page,
            "count": page.paginator.count,
            "query": query.urlencode(),
            "can_add": may_write(request.user),
            "filters_json": person_filter.to_json(),
        },
    )


@login_required
def person_detail(request, pk):
    person = selectors.person_get(user=request.user, pk=pk)
    if person.merged_into_id:
        messages.info(request, _("This record was merged into another one."))
        return redirect("audience:person", pk=person.merged_into_id)
    if request.GET.get("export") in ("xlsx", "csv"):
        return _person_data_export(request, person)
    # Activities the user may not read are shown by date only.
    readable = set(activity_scope(user=request.user).filter(reach__person=person).values_list("pk", flat=True))
    reach = list(person.reach.select_related("activity", "activity__area").order_by("-date")[:200])
    for r in reach:
        r.readable = r.activity_id in readable
    groups = list(person.groups.all())
    due_soon = Person.objects.filter(pk=person.pk).filter(selectors.due_soon_q()).exists()
    lookalikes = []
    if person.active:
        from lantoa.audience.duplicates import Reason, duplicates_of

        compare = reverse("audience:duplicate_compare")
        for other, reasons in duplicates_of(person, user=request.user):
            lookalikes.append(
                {
                    "p": selectors.present(request.user, other),
                    "reasons": ", ".join(str(Reason(r).label) for r in reasons),
                    "url": f"{compare}?{urlencode([('p', person.pk), ('p', other.pk)])}",
                }
            )
    return render(
        request,
        "audience/person_detail.html",
        {
            "p": selectors.present(request.user, person),
            "person": person,
            "groups": groups,
            "due_soon": due_soon,
            "lookalikes": lookalikes,
            "reach": reach,
            "reach_count": person.reach.count(),
            "consent_events": person.consent_events.all()[:50],
            "data_requests": person.data_requests.all()[:50],
            "postings": person.postings.select_related("unit"),
            "merges": person.merges.all(),
            "links": [link for fn in person_links if (link := fn(request, person))],
            "can_edit": may_write(request.user) and not person.anonymised_at,
        },
    )


def _person_data_export(request, person):
    """What the registry holds about one person (their right to see it): only for those who may see it."""
    if not selectors.may_see_personal(request.user, person):
        raise Http404
    services.record_data_request(actor=request.user, person=person, kind=DataRequest.Kind.ACCESS)
    rows = [
        [_("Full name"), person.full_name],
        [_("Date of birth"), format_date(person.birth_date) or person.birth_year or ""],
        [_("Sex"), person.get_sex_display()],
        [_("CCCD"), person.cccd],
        [_("BHXH number"), person.bhxh_number],
        [_("Phone"), person.phone],
        [_("Second phone"), person.phone2],
        [_("Address"), person.address],
        [_("Commune or hamlet"), person.area.name],
        [_("Household"), str(person.household or "")],
        [_("Employer"), str(person.employer or "")],
        [_("Occupation"), person.occupation],
        [_("Target groups"), ", ".join(g.name for g in person.groups.all())],
        [_("Insurance status"), person.get_insurance_status_display()],
        [_("Payment mode"), person.get_payment_mode_display()],
        [_("Next payment due"), format_date(person.next_due_date)],
        [_("Agrees to messages"), _("yes") if person.consent else _("no")],
        [_("Source of the record"), person.source],
        [_("Kept by"), person.unit.name],
    ]
    for r in person.reach.select_related("activity").order_by("date"):
        rows.append([_("Reached on %(date)s") % {"date": format_date(r.date)}, str(r.activity or r.source_key)])
    for e in person.consent_events.order_by("date"):
        label = _("Consent given") if e.given else _("Consent withdrawn")
        rows.append([f"{label} {format_date(e.date)}", f"{e.get_channel_display()} {e.how}"])
    return table_response(request.GET["export"], f"du-lieu-ca-nhan-{person.pk}", [_("Field"), _("Value")], rows)


def _person_form(request, person):
    return PersonForm(
        request.POST or None,
        instance=person,
        areas=_places(request.user),
        units=readable_units(request.user, on=clock.today()),
        households=selectors.household_list(user=request.user),
        employers=selectors.employer_list(user=request.user),
        initial=_person_initial(request, person),
    )


def _person_initial(request, person):
    if person.pk:
        phones = {"phone": "0" + person.phone[3:] if person.phone.startswith("+84") else person.phone}
        if person.phone2.startswith("+84"):
            phones["phone2"] = "0" + person.phone2[3:]
        return phones
    unit = user_unit(request.user)
    initial = {"unit": unit.pk if unit else None}
    if unit is not None and unit.area.level >= Area.Level.COMMUNE:
        initial["area"] = unit.area_id
    return initial


@login_required
def person_edit(request, pk=None):
    if not may_write(request.user):
        raise Http404
    person = selectors.person_get(user=request.user, pk=pk) if pk else Person()
    if person.anonymised_at or person.merged_into_id:
        raise Http404
    if person.pk and not selectors.may_see_personal(request.user, person):
        raise Http404  # editing shows the identifiers in full
    form = _person_form(request, person)
    if request.method == "POST" and form.is_valid():
        person = form.save(commit=False)
        try:
            services.person_save(actor=request.user, person=person, groups=form.cleaned_data["groups"])
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            if pk and request.POST.get("on_request"):
                services.record_data_request(
                    actor=request.user, person=person, kind=DataRequest.Kind.CORRECTION, note=_("corrected by hand")
                )
            messages.success(request, _("Saved."))
            if request.POST.get("again"):
                return redirect("audience:new")
            return redirect(person)
    return render(request, "audience/person_form.html", {"form": form, "person": person})


@login_required
def person_consent(request, pk):
    person = selectors.person_get(user=request.user, pk=pk)
    if not may_write(request.user) or not person.active:
        raise Http404
    form = ConsentForm(
        request.POST or None, initial={"date": clock.today(), "given": "1" if not person.consent else "0"}
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        if d["date"] > clock.today():
            form.add_error("date", _("The date cannot be in the future."))
        else:
            try:
                services.consent_record(
                    actor=request.user,
                    person=person,
                    given=d["given"],
                    channel=d["channel"],
                    day=d["date"],
                    how=d["how"],
                )
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("Consent recorded."))
                return redirect(person)
    return render(request, "audience/person_consent.html", {"form": form, "person": person})


@login_required
def person_anonymise(request, pk):
    person = selectors.person_get(user=request.user, pk=pk)
    if not may_write(request.user) or not person.active or not selectors.may_see_personal(request.user, person):
        raise Http404
    form = AnonymiseForm(request.POST or None, initial={"received": clock.today()})
    if request.method == "POST" and form.is_valid():
        try:
            services.person_anonymise(
                actor=request.user,
                person=person,
                received=form.cleaned_data["received"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The person's data was deleted; anonymous counts are kept."))
            return redirect("audience:list")
    return render(request, "audience/person_anonymise.html", {"form": form, "person": person})


# ----- segments --------------------------------------------------------------------------------------


@login_required
def segment_list(request):
    segments = list(selectors.segment_list(user=request.user))
    for s in segments:
        s.size = selectors.segment_people(s, user=request.user).count()
        s.query = urlencode(PersonFilterForm.initial_from(selectors.PersonFilter.from_json(s.filters)))
    return render(request, "audience/segment_list.html", {"segments": segments, "can_add": may_write(request.user)})


@login_required
def segment_edit(request, pk=None):
    if not may_write(request.user):
        raise Http404
    segment = selectors.segment_get(user=request.user, pk=pk) if pk else Segment()
    if request.method == "POST":
        filter_form = PersonFilterForm(request.POST, areas=readable_communes(request.user))
    elif segment.pk:
        filter_form = PersonFilterForm(
            PersonFilterForm.initial_from(selectors.PersonFilter.from_json(segment.filters)),
            areas=readable_communes(request.user),
        )
    else:
        filter_form = PersonFilterForm(request.GET or None, areas=readable_communes(request.user))
    unit = user_unit(request.user)
    form = SegmentForm(
        request.POST or None,
        instance=segment,
        units=readable_units(request.user, on=clock.today()),
        initial={"unit": unit.pk if unit else None},
    )
    if request.method == "POST" and form.is_valid() and filter_form.is_valid():
        segment = form.save(commit=False)
        segment.filters = filter_form.to_filter().to_json()
        try:
            services.segment_save(actor=request.user, segment=segment)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Segment saved."))
            return redirect("audience:segments")
    size = None
    if filter_form.is_bound and filter_form.is_valid():
        size = selectors.person_list(user=request.user, filters=filter_form.to_filter()).count()
    return render(
        request,
        "audience/segment_form.html",
        {"form": form, "filter_form": filter_form, "segment": segment, "size": size},
    )


# ----- households and employers ---------------------------------------------------------------------


@login_required
def household_list(request):
    from lantoa.core.text import search_key

    qs = selectors.household_list(user=request.user)
    q = request.GET.get("q", "")
    if q:
        qs = qs.filter(search_key__contains=search_key(q))
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "audience/household_list.html",
        {"page": page, "q": q, "count": page.paginator.count, "can_add": may_write(request.user), "query": f"q={q}"},
    )


@login_required
def household_detail(request, pk):
    household = get_scoped_or_404(
        Household.objects.select_related("area", "unit"), request.user, unit_field="unit", area_field="area", pk=pk
    )
    members = selectors.person_scope(user=request.user).filter(household=household).select_related("area")
    full = selectors.may_see_personal(request.user)
    return render(
        request,
        "audience/household_detail.html",
        {
            "household": household,
            "members": [selectors.present(request.user, m, full=full) for m in members],
            "can_edit": may_write(request.user),
        },
    )


def _kept_record_edit(request, pk, *, model, form_class, save, title, back, detail):
    """Add or edit a household or employer: scoped like its reads, written by its service."""
    if not may_write(request.user):
        raise Http404
    obj = (
        get_scoped_or_404(model.objects.all(), request.user, unit_field="unit", area_field="area", pk=pk)
        if pk
        else model()
    )
    unit = user_unit(request.user)
    form = form_class(
        request.POST or None,
        instance=obj,
        areas=_places(request.user),
        units=readable_units(request.user, on=clock.today()),
        initial={} if pk else {"unit": unit.pk if unit else None},
    )
    if request.method == "POST" and form.is_valid():
        try:
            obj = save(request.user, form.save(commit=False))
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect(detail, pk=obj.pk)
    return render(request, "audience/simple_form.html", {"form": form, "title": title, "back": back})


@login_required
def household_edit(request, pk=None):
    return _kept_record_edit(
        request,
        pk,
        model=Household,
        form_class=HouseholdForm,
        save=lambda actor, obj: services.household_save(actor=actor, household=obj),
        title=_("Household"),
        back="households",
        detail="audience:household",
    )


@login_required
def employer_list(request):
    from lantoa.core.text import search_key

    qs = selectors.employer_list(user=request.user)
    q = request.GET.get("q", "")
    if q:
        qs = qs.filter(search_key__contains=search_key(q))
    if request.GET.get("export") in ("xlsx", "csv"):
        headers = [_("Name"), _("Tax code"), _("Address"), _("Commune"), _("Employees"), _("With compulsory BHXH")]
        rows = (
            [e.name, e.tax_code, e.address, e.area.name if e.area else "", e.employees or "", e.insured_employees or ""]
            for e in qs[:EXPORT_LIMIT]
        )
        return table_response(request.GET["export"], "doanh-nghiep", headers, rows, "Doanh nghiep")
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "audience/employer_list.html",
        {"page": page, "q": q, "count": page.paginator.count, "can_add": may_write(request.user), "query": f"q={q}"},
    )


@login_required
def employer_detail(request, pk):
    employer = get_scoped_or_404(
        Employer.objects.select_related("area", "unit"), request.user, unit_field="unit", area_field="area", pk=pk
    )
    people = selectors.person_scope(user=request.user).filter(employer=employer).select_related("area")[:500]
    full = selectors.may_see_personal(request.user)
    return render(
        request,
        "audience/employer_detail.html",
        {
            "employer": employer,
            "people": [selectors.present(request.user, m, full=full) for m in people],
            "can_edit": may_write(request.user),
        },
    )


@login_required
def employer_edit(request, pk=None):
    return _kept_record_edit(
        request,
        pk,
        model=Employer,
        form_class=EmployerForm,
        save=lambda actor, obj: services.employer_save(actor=actor, employer=obj),
        title=_("Employer"),
        back="employers",
        detail="audience:employer",
    )


# ----- who an activity reached -------------------------------------------------------------------------


def _activity_or_404(user, pk) -> Activity:
    try:
        return activity_scope(user=user).select_related("area", "organiser").get(pk=pk)
    except Activity.DoesNotExist:
        raise Http404 from None


@login_required
def activity_reach(request, pk):
    """The people an activity reached: picked one by one from the registry (or imported from the
    sign-in sheet through the import pages)."""
    activity = _activity_or_404(request.user, pk)
    writable = may_write(request.user) and scope_for(request.user).allows(
        unit_id=activity.organiser_id, area_id=activity.area_id
    )
    full = selectors.may_see_personal(request.user)
    # People kept by other units may have been reached by this activity: they are counted, not shown.
    reached = Reach.objects.filter(activity=activity)
    visible = reached.filter(person__in=selectors.person_scope(user=request.user)).select_related(
        "person", "person__area"
    )
    reached_people = [selectors.present(request.user, r.person) for r in visible[:1000]]
    q = request.GET.get("q", "").strip()
    candidates = []
    if writable and q:
        from lantoa.audience.selectors import PersonFilter

        found = selectors.person_list(user=request.user, filters=PersonFilter(q=q)).exclude(reach__activity=activity)[
            :50
        ]
        candidates = [selectors.present(request.user, p, full=full) for p in found]
    return render(
        request,
        "audience/activity_reach.html",
        {
            "activity": activity,
            "reached": reached_people,
            "reached_count": reached.count(),
            "hidden_count": reached.count() - visible.count(),
            "candidates": candidates,
            "q": q,
            "writable": writable,
        },
    )


@login_required
@require_POST
def activity_reach_change(request, pk):
    activity = _activity_or_404(request.user, pk)
    people = selectors.person_scope(user=request.user).filter(anonymised_at__isnull=True)
    form = ReachAddForm(request.POST, people=people)
    if not form.is_valid():
        messages.error(request, _("Tick at least one person."))
        return redirect("audience:activity_reach", pk=pk)
    ids = [p.pk for p in form.cleaned_data["people"]]
    try:
        if request.POST.get("remove"):
            n = services.reach_remove_for_activity(actor=request.user, activity=activity, person_ids=ids)
            messages.success(request, _("%(n)s removed.") % {"n": format_number(n)})
        else:
            n = services.reach_add_for_activity(actor=request.user, activity=activity, person_ids=ids)
            messages.success(request, _("%(n)s added.") % {"n": format_number(n)})
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("audience:activity_reach", pk=pk)


def activity_reach_link(activity, user) -> dict | None:
    """For the activity page: how many named people it reached, with the link to see or add them."""
    n = Reach.objects.filter(activity=activity).count()
    return {
        "label": _("People reached by name: %(n)s") % {"n": format_number(n)},
        "url": reverse("audience:activity_reach", args=[activity.pk]),
    }
