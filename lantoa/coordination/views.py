from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lantoa.audience.models import StaffPosting
from lantoa.audience.selectors import may_see_personal, present
from lantoa.core import clock
from lantoa.core.exports import table_response
from lantoa.core.forms import apply_validation_error
from lantoa.core.selectors import audit_for, audit_rows
from lantoa.core.text import format_date

from . import selectors, services
from .forms import (
    AgreementForm,
    AwardForm,
    BriefingForm,
    FilterForm,
    InspectionForm,
    LeaderContactForm,
    LeaderEmailForm,
    PlanReturnForm,
    ReviewForm,
    UnitPlanForm,
)
from .models import Agreement, AgreementReview, Award, Briefing, Inspection, UnitPlan

PAGE_SIZE = 50


def _writer_or_404(user):
    if not selectors.may_write(user):
        raise Http404


def _list_page(request, *, template, tab, qs, form, export, extra=None):
    fmt = request.GET.get("export")
    if fmt in ("xlsx", "csv"):
        return export(fmt, qs)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("export", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "tab": tab,
        "can_write": selectors.may_write(request.user),
    }
    context.update(extra or {})
    return render(request, template, context)


def _save_form(request, form, save, *, success, template, context):
    """Validate, call the service, show its errors under the fields; redirect on success."""
    if request.method == "POST" and form.is_valid():
        try:
            obj = save(form)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, success)
            return redirect(obj.get_absolute_url())
    return render(request, template, {"form": form, **context})


def _history(request, obj):
    return audit_rows(audit_for(user=request.user, obj=obj)[:20])


def _names(items) -> str:
    return "; ".join(str(i) for i in items)


# ----- leaders informed (M1) --------------------------------------------------------------------------


def _briefing_export(fmt, qs):
    headers = [
        _("Date"),
        _("Kind"),
        _("Title"),
        _("Document number"),
        _("Giving unit"),
        _("Topics"),
        _("Leaders informed"),
    ]
    rows = (
        [
            format_date(b.date),
            b.get_kind_display(),
            b.title,
            b.document_number,
            b.unit.name,
            _names(t.name for t in b.topics.all()),
            _names(p.full_name for p in b.leaders.all()),
        ]
        for b in qs.prefetch_related("leaders")
    )
    return table_response(fmt, "thong-tin-lanh-dao", headers, rows, "Thong tin lanh dao")


@login_required
def briefing_list(request):
    form = FilterForm(request.GET or None, user=request.user, kinds=Briefing.Kind.choices)
    qs = selectors.briefing_list(user=request.user, **form.filters())
    return _list_page(
        request, template="coordination/briefing_list.html", tab="leaders", qs=qs, form=form, export=_briefing_export
    )


def _briefing_form_page(request, briefing, title):
    _writer_or_404(request.user)
    initial = {"date": clock.today()} if briefing.pk is None else None
    form = BriefingForm(request.POST or None, instance=briefing, user=request.user, initial=initial)

    def save(form):
        data = form.cleaned_data
        return services.briefing_save(
            actor=request.user,
            briefing=form.save(commit=False),
            topics=data["topics"],
            leaders=data["leaders"],
            informed_units=data["informed_units"],
        )

    return _save_form(
        request,
        form,
        save,
        success=_("The briefing has been recorded."),
        template="coordination/form.html",
        context={"title": title, "tab": "leaders", "back": reverse("coordination:list")},
    )


@login_required
def briefing_new(request):
    return _briefing_form_page(request, Briefing(), _("Record information given to leaders"))


@login_required
def briefing_edit(request, pk):
    briefing = selectors.briefing_get(user=request.user, pk=pk)
    return _briefing_form_page(request, briefing, _("Edit briefing"))


@login_required
def briefing_detail(request, pk):
    briefing = selectors.briefing_get(user=request.user, pk=pk)
    leaders = [present(request.user, p) for p in briefing.leaders.select_related("unit")]
    return render(
        request,
        "coordination/briefing_detail.html",
        {
            "briefing": briefing,
            "leaders": leaders,
            "tab": "leaders",
            "can_write": selectors.may_write(request.user),
            "history": _history(request, briefing),
        },
    )


@login_required
def email_send(request):
    _writer_or_404(request.user)
    form = LeaderEmailForm(request.POST or None, user=request.user)

    def save(form):
        data = form.cleaned_data
        return services.briefing_email_send(
            actor=request.user,
            unit=data["unit"],
            units=data["units"],
            subject=data["subject"],
            body=data["body"],
            topics=data["topics"],
        )

    return _save_form(
        request,
        form,
        save,
        success=_("The e-mail has been sent and recorded as information given to the leaders."),
        template="coordination/form.html",
        context={"title": _("Send information by e-mail"), "tab": "leaders", "back": reverse("coordination:list")},
    )


def _year_param(request) -> int:
    text = request.GET.get("year", "")
    return int(text) if text.isdecimal() and 2000 <= int(text) <= 2100 else clock.today().year


@login_required
def leader_list(request):
    form = FilterForm(request.GET or None, user=request.user)
    year = _year_param(request)
    filters = form.filters()
    rows = selectors.leader_rows(user=request.user, year=year, unit=filters.get("unit"))
    personal = may_see_personal(request.user)
    if request.GET.get("export") in ("xlsx", "csv"):
        headers = [_("Leader"), _("Position"), _("Unit"), _("From"), _("Until"), _("Times informed"), _("E-mail")]
        data = (
            [
                r["person"].full_name,
                r["posting"].position,
                r["unit"].name,
                format_date(r["posting"].valid_from),
                format_date(r["posting"].valid_to),
                r["informed"],
                r["email"] if personal else "",
            ]
            for r in rows
        )
        return table_response(request.GET["export"], f"lanh-dao-{year}", headers, data, "Lanh dao")
    informed = len({r["person"].pk for r in rows if r["informed"]})
    total = len({r["person"].pk for r in rows})
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "coordination/leader_list.html",
        {
            "form": form,
            "page": page,
            "year": year,
            "informed": informed,
            "total": total,
            "query": query.urlencode(),
            "tab": "leaders",
            "personal": personal,
        },
    )


@login_required
def leader_detail(request, pk):
    person = selectors.leader_get(user=request.user, pk=pk)
    contact = getattr(person, "leader_contact", None)
    form = LeaderContactForm(request.POST or None, initial={"email": contact.email if contact else ""})
    if request.method == "POST":
        _writer_or_404(request.user)
        if form.is_valid():
            try:
                services.leader_contact_set(actor=request.user, person=person, email=form.cleaned_data["email"])
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("The e-mail address has been saved."))
                return redirect("coordination:leader", pk=person.pk)
    postings = StaffPosting.objects.filter(person=person, is_leader=True).select_related("unit")
    briefings = selectors.briefing_list(user=request.user).filter(leaders=person)
    return render(
        request,
        "coordination/leader_detail.html",
        {
            "person": present(request.user, person),
            "postings": postings,
            "briefings": briefings[:50],
            "form": form,
            "personal": may_see_personal(request.user, person),
            "can_write": selectors.may_write(request.user),
            "tab": "leaders",
        },
    )


def person_leader_link(request, person):
    """On a person's page: their page as a leader (briefings received, e-mail), when they are one."""
    if not StaffPosting.objects.filter(person=person, is_leader=True).exists():
        return None
    return {"url": reverse("coordination:leader", args=[person.pk]), "label": _("Leader: information received")}


# ----- annual plans (M2) ------------------------------------------------------------------------------


def _plan_export(fmt, qs):
    headers = [_("Unit"), _("Year"), _("Title"), _("Status"), _("Filed on"), _("Accepted by"), _("Note")]
    rows = (
        [
            p.unit.name,
            p.year,
            p.title,
            p.get_status_display(),
            format_date(p.filed_on),
            p.accepted_by.get_username() if p.accepted_by else "",
            p.note,
        ]
        for p in qs
    )
    return table_response(fmt, "ke-hoach-nam", headers, rows, "Ke hoach")


@login_required
def plan_list(request):
    form = FilterForm(request.GET or None, user=request.user, kinds=UnitPlan.Status.choices, kind_label=_("Status"))
    filters = form.filters()
    if "kind" in filters:
        filters["status"] = filters.pop("kind")
    qs = selectors.plan_list(user=request.user, **filters)
    year = filters.get("year") or clock.today().year
    return _list_page(
        request,
        template="coordination/plan_list.html",
        tab="plans",
        qs=qs,
        form=form,
        export=_plan_export,
        extra={
            "without": selectors.units_without_plan(user=request.user, year=year),
            "without_year": year,
            "due": services.plan_due(year),
        },
    )


def _plan_form_page(request, plan, title):
    _writer_or_404(request.user)
    initial = {"year": clock.today().year} if plan.pk is None else None
    form = UnitPlanForm(request.POST or None, request.FILES or None, instance=plan, user=request.user, initial=initial)

    def save(form):
        return services.plan_save(
            actor=request.user, plan=form.save(commit=False), document=form.cleaned_data.get("document") or None
        )

    return _save_form(
        request,
        form,
        save,
        success=_("The plan has been saved."),
        template="coordination/form.html",
        context={"title": title, "tab": "plans", "back": reverse("coordination:plans"), "multipart": True},
    )


@login_required
def plan_new(request):
    return _plan_form_page(request, UnitPlan(), _("New annual plan"))


@login_required
def plan_edit(request, pk):
    return _plan_form_page(request, selectors.plan_get(user=request.user, pk=pk), _("Edit annual plan"))


@login_required
def plan_detail(request, pk):
    plan = selectors.plan_get(user=request.user, pk=pk)
    return render(
        request,
        "coordination/plan_detail.html",
        {
            "plan": plan,
            "tab": "plans",
            "can_write": selectors.may_write(request.user),
            "can_accept": services.may_accept(request.user),
            "return_form": PlanReturnForm(),
            "history": _history(request, plan),
        },
    )


@login_required
@require_POST
def plan_action(request, pk, action):
    _writer_or_404(request.user)
    plan = selectors.plan_get(user=request.user, pk=pk)
    try:
        if action == "file":
            services.plan_file(actor=request.user, plan=plan)
            messages.success(request, _("The plan has been filed."))
        elif action == "accept":
            services.plan_accept(actor=request.user, plan=plan)
            messages.success(request, _("The plan has been accepted."))
        elif action == "return":
            services.plan_return(actor=request.user, plan=plan, note=request.POST.get("note", ""))
            messages.success(request, _("The plan has been returned to draft."))
        else:
            raise Http404
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("coordination:plan", pk=plan.pk)


@login_required
def plan_document(request, pk):
    plan = selectors.plan_get(user=request.user, pk=pk)
    if not plan.document:
        raise Http404
    name = plan.document.name.rsplit("/", 1)[-1]
    return FileResponse(plan.document.open("rb"), as_attachment=True, filename=name)


# ----- agreements (M3) --------------------------------------------------------------------------------


def _agreement_export(fmt, qs):
    headers = [_("Number"), _("Title"), _("Parties"), _("Signed on"), _("Period start"), _("Period end"), _("Reviews")]
    rows = (
        [
            a.number,
            a.title,
            _names(p.name for p in a.parties.all()),
            format_date(a.signed_on),
            format_date(a.period_start),
            format_date(a.period_end),
            _names(f"{r.get_kind_display()} {format_date(r.date)}" for r in a.reviews.all()),
        ]
        for a in qs
    )
    return table_response(fmt, "chuong-trinh-phoi-hop", headers, rows, "Phoi hop")


@login_required
def agreement_list(request):
    form = FilterForm(request.GET or None, user=request.user)
    qs = selectors.agreement_list(user=request.user, **form.filters())
    return _list_page(
        request,
        template="coordination/agreement_list.html",
        tab="agreements",
        qs=qs,
        form=form,
        export=_agreement_export,
    )


def _agreement_form_page(request, agreement, title):
    _writer_or_404(request.user)
    form = AgreementForm(request.POST or None, instance=agreement, user=request.user)

    def save(form):
        return services.agreement_save(
            actor=request.user, agreement=form.save(commit=False), parties=form.cleaned_data["parties"]
        )

    return _save_form(
        request,
        form,
        save,
        success=_("The agreement has been saved."),
        template="coordination/form.html",
        context={"title": title, "tab": "agreements", "back": reverse("coordination:agreements")},
    )


@login_required
def agreement_new(request):
    return _agreement_form_page(request, Agreement(), _("New coordination agreement"))


@login_required
def agreement_edit(request, pk):
    return _agreement_form_page(request, selectors.agreement_get(user=request.user, pk=pk), _("Edit agreement"))


@login_required
def agreement_detail(request, pk):
    agreement = selectors.agreement_get(user=request.user, pk=pk)
    can_write = selectors.may_write(request.user)
    form = ReviewForm(
        request.POST or None, instance=AgreementReview(agreement=agreement), user=request.user, agreement=agreement
    )
    if request.method == "POST":
        _writer_or_404(request.user)
        if form.is_valid():
            try:
                services.review_save(actor=request.user, review=form.save(commit=False))
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("The review has been recorded."))
                return redirect("coordination:agreement", pk=agreement.pk)
    return render(
        request,
        "coordination/agreement_detail.html",
        {
            "agreement": agreement,
            "reviews": agreement.reviews.select_related("next_agreement"),
            "preceding": agreement.preceding_reviews.select_related("agreement"),
            "form": form,
            "tab": "agreements",
            "can_write": can_write,
            "history": _history(request, agreement),
        },
    )


# ----- inspections and awards (R7.4) ------------------------------------------------------------------


def _inspection_export(fmt, qs):
    headers = [_("Date"), _("Kind"), _("Inspecting unit"), _("Unit inspected"), _("Findings"), _("Recommendations")]
    rows = (
        [format_date(i.date), i.get_kind_display(), i.inspecting_unit.name, i.unit.name, i.findings, i.recommendations]
        for i in qs
    )
    return table_response(fmt, "kiem-tra-giam-sat", headers, rows, "Kiem tra")


@login_required
def inspection_list(request):
    form = FilterForm(request.GET or None, user=request.user, kinds=Inspection.Kind.choices)
    qs = selectors.inspection_list(user=request.user, **form.filters())
    return _list_page(
        request,
        template="coordination/inspection_list.html",
        tab="inspections",
        qs=qs,
        form=form,
        export=_inspection_export,
    )


def _inspection_form_page(request, inspection, title):
    _writer_or_404(request.user)
    form = InspectionForm(request.POST or None, instance=inspection, user=request.user)
    return _save_form(
        request,
        form,
        lambda form: services.inspection_save(actor=request.user, inspection=form.save(commit=False)),
        success=_("The inspection has been recorded."),
        template="coordination/form.html",
        context={"title": title, "tab": "inspections", "back": reverse("coordination:inspections")},
    )


@login_required
def inspection_new(request):
    return _inspection_form_page(request, Inspection(), _("Record an inspection or review"))


@login_required
def inspection_edit(request, pk):
    return _inspection_form_page(request, selectors.inspection_get(user=request.user, pk=pk), _("Edit inspection"))


@login_required
def inspection_detail(request, pk):
    inspection = selectors.inspection_get(user=request.user, pk=pk)
    return render(
        request,
        "coordination/inspection_detail.html",
        {
            "inspection": inspection,
            "tab": "inspections",
            "can_write": selectors.may_write(request.user),
            "history": _history(request, inspection),
        },
    )


def _award_export(fmt, qs):
    headers = [_("Date"), _("Award"), _("Decision number"), _("Awarded by"), _("Recipient"), _("Reason")]
    rows = ([format_date(a.date), a.title, a.decision_number, a.awarded_by.name, a.recipient, a.reason] for a in qs)
    return table_response(fmt, "khen-thuong", headers, rows, "Khen thuong")


@login_required
def award_list(request):
    form = FilterForm(request.GET or None, user=request.user)
    qs = selectors.award_list(user=request.user, **form.filters())
    return _list_page(
        request, template="coordination/award_list.html", tab="inspections", qs=qs, form=form, export=_award_export
    )


def _award_form_page(request, award, title):
    _writer_or_404(request.user)
    person = None
    initial = None
    if award.pk is None:
        initial = {"date": clock.today()}
        if request.GET.get("person", "").isdecimal():
            person = selectors.person_scope_get(user=request.user, pk=int(request.GET["person"]))
            initial["person"] = person.pk
    form = AwardForm(request.POST or None, instance=award, user=request.user, person=person, initial=initial)
    return _save_form(
        request,
        form,
        lambda form: services.award_save(actor=request.user, award=form.save(commit=False)),
        success=_("The award has been recorded."),
        template="coordination/form.html",
        context={"title": title, "tab": "inspections", "back": reverse("coordination:awards")},
    )


@login_required
def award_new(request):
    return _award_form_page(request, Award(), _("Record an award"))


@login_required
def award_edit(request, pk):
    return _award_form_page(request, selectors.award_get(user=request.user, pk=pk), _("Edit award"))


@login_required
def award_detail(request, pk):
    award = selectors.award_get(user=request.user, pk=pk)
    return render(
        request,
        "coordination/award_detail.html",
        {
            "award": award,
            "tab": "inspections",
            "can_write": selectors.may_write(request.user),
            "history": _history(request, award),
        },
    )
