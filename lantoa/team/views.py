"""Team pages: the list (filters, export), a member's page, add / edit / end, the import, a person's roles,
and the trainees of a training class (reached from the activity's page)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lantoa.activities.models import Activity
from lantoa.audience.imports import engine
from lantoa.audience.selectors import person_get, present
from lantoa.core import clock
from lantoa.core.exports import XLSX_TYPE, table_response
from lantoa.core.forms import apply_validation_error
from lantoa.core.selectors import audit_for, audit_rows
from lantoa.core.text import format_date, format_number
from lantoa.geo.models import Area
from lantoa.orgs.access import readable_communes, readable_units, scope_for, user_unit
from lantoa.orgs.models import Unit
from lantoa.plans.selectors import record_years
from lantoa.team import imports, selectors, services
from lantoa.team.forms import CandidateFilterForm, ImportForm, MemberEndForm, MemberFilterForm, MemberForm
from lantoa.team.models import TeamMember, TrainingAttendance

PAGE_SIZE = 50


def _writer_or_404(user):
    if not selectors.may_write(user):
        raise Http404


def _writable_units(user):
    scope = scope_for(user)
    qs = Unit.objects.all()
    return qs if scope.sees_all else qs.filter(id__in=scope.unit_ids)


def _writable_areas(user):
    qs = Area.objects.filter(level__in=[Area.Level.COMMUNE, Area.Level.HAMLET]).select_related("parent")
    scope = scope_for(user)
    return qs if scope.sees_all else qs.filter(id__in=scope.area_ids)


def _export(fmt, qs, year):
    headers = [
        _("Full name"),
        _("Year of birth"),
        _("Team role"),
        _("Unit"),
        _("Commune or hamlet"),
        _("Organisation"),
        _("In the role from"),
        _("In the role until"),
        _("Trained in %(year)s") % {"year": year},
        _("Note"),
    ]
    rows = (
        [
            m.person.full_name,
            m.person.birth_year or "",
            m.get_role_display(),
            m.unit.name,
            m.area.name,
            m.organisation,
            format_date(m.valid_from),
            format_date(m.valid_to),
            _("yes") if m.trained else _("no"),
            m.note,
        ]
        for m in qs
    )
    return table_response(fmt, "doi-ngu-tuyen-truyen", headers, rows, "Doi ngu")


@login_required
def member_list(request):
    years = record_years(user=request.user, this_year=clock.today().year)
    data = request.GET.copy()
    data.setdefault("year", str(clock.today().year))
    form = MemberFilterForm(
        data,
        units=readable_units(request.user),
        communes=readable_communes(request.user),
        years=years,
    )
    form.is_valid()
    cleaned = form.cleaned_data
    year = cleaned.get("year") or clock.today().year
    trained = {"yes": True, "no": False}.get(cleaned.get("trained") or "")
    qs = selectors.member_list(
        user=request.user,
        q=cleaned.get("q") or "",
        role=cleaned.get("role") or "",
        unit=cleaned.get("unit"),
        commune=cleaned.get("commune"),
        on=cleaned.get("on"),
        year=year,
        trained=trained,
    )
    fmt = request.GET.get("export")
    if fmt in ("xlsx", "csv"):
        return _export(fmt, qs, year)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("export", None)
    return render(
        request,
        "team/member_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "year": year,
            "can_write": selectors.may_write(request.user),
        },
    )


@login_required
def member_detail(request, pk):
    member = selectors.member_get(user=request.user, pk=pk)
    return render(
        request,
        "team/member_detail.html",
        {
            "member": member,
            "p": present(request.user, member.person),
            "trainings": selectors.member_trainings(member),
            "other_roles": selectors.member_list(user=request.user, person=member.person).exclude(pk=member.pk),
            "can_write": selectors.may_write(request.user),
            "history": audit_rows(audit_for(user=request.user, obj=member)[:20]),
        },
    )


def _member_form(request, member, *, initial=None):
    return MemberForm(
        request.POST or None,
        instance=member,
        initial=initial,
        units=_writable_units(request.user),
        areas=_writable_areas(request.user),
    )


def _save(request, form, member):
    try:
        return services.member_save(actor=request.user, member=form.save(commit=False))
    except ValidationError as exc:
        apply_validation_error(form, exc)
        return None


@login_required
def member_new(request):
    """Pick the person (search the registry), then the role."""
    _writer_or_404(request.user)
    person = None
    if (request.GET.get("person") or request.POST.get("person") or "").isdecimal():
        person = person_get(user=request.user, pk=int(request.GET.get("person") or request.POST["person"]))
    if person is None:
        q = request.GET.get("q", "").strip()
        found = []
        if q:
            found = [
                present(request.user, p)
                for p in selectors.person_search(user=request.user, q=q).select_related("area")[:30]
            ]
        return render(request, "team/member_pick.html", {"q": q, "found": found})
    unit = user_unit(request.user)
    initial = {"area": person.area_id, "valid_from": clock.today()}
    if unit is not None:
        initial["unit"] = unit.pk
    member = TeamMember(person=person)
    form = _member_form(request, member, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = _save(request, form, member)
        if saved is not None:
            messages.success(request, _("%(name)s has been added to the team.") % {"name": person.full_name})
            return redirect("team:detail", pk=saved.pk)
    return render(
        request,
        "team/member_form.html",
        {"form": form, "member": None, "person": person, "title": _("Add to the team")},
    )


@login_required
def member_edit(request, pk):
    _writer_or_404(request.user)
    member = selectors.member_get(user=request.user, pk=pk)
    form = _member_form(request, member)
    if request.method == "POST" and form.is_valid():
        saved = _save(request, form, member)
        if saved is not None:
            messages.success(request, _("The team member has been saved."))
            return redirect("team:detail", pk=saved.pk)
    return render(
        request,
        "team/member_form.html",
        {"form": form, "member": member, "person": member.person, "title": _("Edit team member")},
    )


@login_required
def member_end(request, pk):
    _writer_or_404(request.user)
    member = selectors.member_get(user=request.user, pk=pk)
    form = MemberEndForm(request.POST or None, initial={"valid_to": clock.today()})
    if request.method == "POST" and form.is_valid():
        try:
            services.member_end(actor=request.user, member=member, day=form.cleaned_data["valid_to"])
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The member's role has been ended."))
            return redirect("team:detail", pk=member.pk)
    return render(request, "team/member_end.html", {"form": form, "member": member})


@login_required
def person_roles(request, person_pk):
    person = person_get(user=request.user, pk=person_pk)
    return render(
        request,
        "team/person_roles.html",
        {
            "person": person,
            "members": selectors.member_list(user=request.user, person=person, year=clock.today().year),
            "year": clock.today().year,
            "can_write": selectors.may_write(request.user),
        },
    )


# ----- import ---------------------------------------------------------------------------------------------


@login_required
def member_import(request):
    _writer_or_404(request.user)
    sees_all = scope_for(request.user).sees_all
    form = ImportForm(
        request.POST or None,
        request.FILES or None,
        units=readable_units(request.user, on=clock.today()) if sees_all else None,
    )
    if request.method == "POST" and form.is_valid():
        unit = form.cleaned_data.get("unit") or user_unit(request.user)
        if unit is None:
            form.add_error(None, _("Your account is not attached to a unit."))
        else:
            try:
                job = engine.job_create(
                    actor=request.user, kind=imports.KIND, unit=unit, upload=form.cleaned_data["file"]
                )
            except engine.ImportFileError as exc:
                form.add_error("file", str(exc))
            else:
                return redirect("audience:import_detail", job.pk)
    return render(
        request,
        "team/member_import.html",
        {"form": form, "layout": imports.LAYOUT, "max_mb": engine.MAX_UPLOAD_BYTES // 1024 // 1024},
    )


@login_required
def member_import_sample(request):
    response = HttpResponse(imports.sample_workbook(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = 'attachment; filename="mau-nhap-doi-ngu.xlsx"'
    return response


# ----- trainees of a training class ---------------------------------------------------------------------


def _may_keep_list(user, activity: Activity) -> bool:
    return selectors.may_write(user) and scope_for(user).allows(unit_id=activity.organiser_id, area_id=activity.area_id)


@login_required
def trainees(request, activity_pk):
    activity = selectors.training_get(user=request.user, pk=activity_pk)
    rows, hidden = selectors.class_list(user=request.user, activity=activity)
    writable = _may_keep_list(request.user, activity) and activity.status != Activity.Status.CANCELLED
    form = CandidateFilterForm(request.GET or None, units=readable_units(request.user))
    candidates = None
    if writable and form.is_bound and form.is_valid():
        candidates = selectors.class_candidates(
            user=request.user,
            activity=activity,
            q=form.cleaned_data.get("q") or "",
            role=form.cleaned_data.get("role") or "",
            unit=form.cleaned_data.get("unit"),
        )[:200]
    return render(
        request,
        "team/trainees.html",
        {
            "activity": activity,
            "rows": rows,
            "hidden": hidden,
            "writable": writable,
            "removable": _may_keep_list(request.user, activity),
            "done": activity.status == Activity.Status.DONE,
            "form": form,
            "candidates": candidates,
            "counts": {
                "listed": rows.count(),
                "attended": rows.filter(attended=True).count(),
                "completed": rows.filter(completed=True).count(),
            },
        },
    )


def _ids(values) -> list[int]:
    return [int(v) for v in values if str(v).isdecimal()]


@login_required
@require_POST
def trainees_change(request, activity_pk):
    activity = selectors.training_get(user=request.user, pk=activity_pk)
    if not _may_keep_list(request.user, activity):
        raise Http404
    try:
        if request.POST.get("action") == "add":
            members = list(
                selectors.member_scope(user=request.user)
                .filter(pk__in=_ids(request.POST.getlist("members")))
                .select_related("person")
            )
            n = services.attendance_add(
                actor=request.user,
                activity=activity,
                members=members,
                completed=bool(request.POST.get("completed")),
            )
            messages.success(request, _("Trainees added: %(n)s.") % {"n": format_number(n)})
        elif request.POST.get("action") == "remove":
            n = services.attendance_remove(
                actor=request.user, activity=activity, attendance_ids=_ids(request.POST.getlist("rows"))
            )
            messages.success(request, _("Trainees removed: %(n)s.") % {"n": format_number(n)})
        else:
            visible, _hidden = selectors.class_list(user=request.user, activity=activity)
            attended, completed = (
                set(_ids(request.POST.getlist("attended"))),
                set(_ids(request.POST.getlist("completed"))),
            )
            marks = {r.pk: (r.pk in attended, r.pk in completed) for r in visible}
            n = services.attendance_mark(actor=request.user, activity=activity, marks=marks)
            messages.success(request, _("Attendance saved (%(n)s changed).") % {"n": format_number(n)})
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect("team:trainees", activity_pk=activity.pk)


# ----- hooks on other apps' pages -------------------------------------------------------------------------


def activity_trainees_link(activity, user) -> dict | None:
    """On a training activity's page: the trainees (how many listed, how many completed)."""
    if activity.kind != "training":
        return None
    rows = TrainingAttendance.objects.filter(activity=activity)
    return {
        "label": _("Trainees: %(n)s on the list, %(done)s completed")
        % {"n": format_number(rows.count()), "done": format_number(rows.filter(completed=True).count())},
        "url": reverse("team:trainees", args=[activity.pk]),
    }


def person_roles_link(request, person) -> dict | None:
    n = selectors.member_list(user=request.user, person=person).count()
    if not n and not selectors.may_write(request.user):
        return None
    return {
        "label": _("Roles in the communication team: %(n)s") % {"n": format_number(n)},
        "url": reverse("team:person", args=[person.pk]),
    }
