"""The public site (no sign-in) and the staff pages of the join requests."""

import secrets
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from lantoa.core import clock
from lantoa.core.exports import table_response
from lantoa.core.forms import apply_validation_error
from lantoa.core.models import AuditLog
from lantoa.core.services import audit_log
from lantoa.core.text import format_date, format_datetime
from lantoa.orgs.access import readable_communes, user_unit
from lantoa.public import rules, selectors, services
from lantoa.public.forms import AskForm, CalculatorForm, LeadFilterForm, LeadForm, LeadOutcomeForm
from lantoa.public.models import Lead, Rule

try:  # the address behind trusted proxies, from the sign-in throttle (arriving in a parallel change)
    from lantoa.accounts.clients import client_ip
except ImportError:  # pragma: no cover

    def client_ip(request):
        return request.META.get("REMOTE_ADDR")


MAX_POST_BYTES = 16 * 1024  # a public form is a few hundred bytes; more is not a visitor


def _public(request, template, context=None, status=200):
    ctx = {"contacts": selectors.contacts()[:3]}
    ctx.update(context or {})
    return render(request, template, ctx, status=status)


def home(request):
    """Visitors get the public site; signed-in staff keep their dashboard."""
    if request.user.is_authenticated:
        return redirect("plans:dashboard")
    today = clock.today()
    support = {c: getattr(rules.rule_on("support", today, category=c), "value", None) for c in rules.SUPPORT_CATEGORIES}
    support["other"] = getattr(rules.rule_on("support", today, category="other"), "value", None)
    return _public(request, "public/home.html", {"support": support if all(support.values()) else None})


def about(request):
    return _public(
        request,
        "public/about.html",
        {
            "voluntary": selectors.public_content(voluntary=True)[:20],
            "general": selectors.public_content(voluntary=False)[:20],
        },
    )


def content_detail(request, pk):
    return _public(request, "public/content_detail.html", {"item": selectors.public_content_get(pk)})


def calculator(request):
    form = CalculatorForm(request.GET or None)
    result = error = None
    if request.GET and form.is_valid():
        d = form.cleaned_data
        try:
            result = rules.calculate(
                day=d["day"],
                income=d["income"],
                categories=d["categories"],
                province=d.get("province"),
                support_used=d["support_used"] or 0,
                years_ahead=d["years_ahead"] or 0,
                missing_years=d["missing_years"] or 0,
                sex=d["sex"],
                years=d["years"],
                birth_year=d["birth_year"],
            )
        except rules.RuleError as exc:
            error = str(exc)
            form.add_error("income" if "income" in str(exc).lower() or "thu nhập" in str(exc) else None, error)
    start, end = rules.rules_span()
    # The shareable address: only the fields filled in.
    kept = [(k, v) for k, values in request.GET.lists() for v in values if v.strip()]
    share_url = f"{request.path}?{urlencode(kept)}" if result else ""
    return _public(
        request,
        "public/calculator.html",
        {
            "form": form,
            "result": result,
            "span": (start, end),
            "roadmap_men": rules.roadmap("men"),
            "roadmap_women": rules.roadmap("women"),
            "share_url": share_url,
            "share_absolute": request.build_absolute_uri(share_url) if result else "",
        },
        status=200,
    )


def questions(request):
    return _public(request, "public/questions.html", {"answers": selectors.published_answers()})


def _too_big(request) -> bool:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0) > MAX_POST_BYTES
    except ValueError:
        return True


def _refused(request, form_name: str):
    """Refuse a post that is too large or one too many from the address; None when it may go on."""
    if _too_big(request):
        return _public(request, "public/refused.html", {"reason": "size"}, status=413)
    if not services.hit_allowed(form=form_name, key=services.client_key(client_ip(request))):
        return _public(request, "public/refused.html", {"reason": "rate"}, status=429)
    return None


@require_http_methods(["GET", "POST"])
def join(request):
    communes = services.routable_communes()
    if request.method == "POST":
        if (refused := _refused(request, "join")) is not None:
            return refused
        form = LeadForm(request.POST, communes=communes)
        if form.is_robot:
            return redirect("public:join_done")  # looks the same to a robot; nothing is kept
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.lead_create(
                    full_name=d["full_name"],
                    phone=d["phone"],
                    commune=d["commune"],
                    callback=d["callback"],
                    category=d["category"],
                    token=d["token"],
                    consent_callback=d["consent_callback"],
                    consent_messages=d["consent_messages"],
                )
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                return redirect("public:join_done")
    else:
        form = LeadForm(initial={"token": secrets.token_urlsafe(18)}, communes=communes)
    # The same texts the consent records keep (with the commune's committee named once it is chosen).
    texts = services.consent_texts(_("the People's Committee of the commune you choose"))
    return _public(
        request,
        "public/join.html",
        {"form": form, "text_callback": texts["callback"], "text_messages": texts["messages"]},
    )


def join_done(request):
    return _public(request, "public/join_done.html")


_ASK_FIELDS = {"asker_phone": "phone", "asker_name": "full_name", "area": "commune", "text": "text", "kind": "kind"}


@require_http_methods(["GET", "POST"])
def ask(request):
    communes = services.routable_communes()
    if request.method == "POST":
        if (refused := _refused(request, "ask")) is not None:
            return refused
        form = AskForm(request.POST, communes=communes)
        if form.is_robot:
            return redirect("public:ask_done")
        if form.is_valid():
            d = form.cleaned_data
            try:
                item, _created = services.question_submit(
                    kind=d["kind"],
                    text=d["text"],
                    commune=d["commune"],
                    full_name=d["full_name"],
                    phone=d["phone"],
                    token=d["token"],
                )
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    exc = ValidationError({_ASK_FIELDS.get(k, k): v for k, v in exc.error_dict.items()})
                apply_validation_error(form, exc)
            else:
                request.session["public_ask_code"] = item.code
                return redirect("public:ask_done")
    else:
        initial = {"token": secrets.token_urlsafe(18), "kind": request.GET.get("kind", "question")}
        form = AskForm(initial=initial, communes=communes)
    return _public(request, "public/ask.html", {"form": form})


def ask_done(request):
    return _public(request, "public/ask_done.html", {"code": request.session.get("public_ask_code", "")})


def contact(request):
    return _public(request, "public/contact.html", {"all_contacts": selectors.contacts()})


# ----------------------------------------------------------------------------- staff


@login_required
def lead_list(request):
    form = LeadFilterForm(request.GET or None, communes=readable_communes(request.user))
    filters = form.cleaned_data if form.is_valid() else {}
    qs = selectors.lead_list(
        user=request.user,
        commune=filters.get("commune"),
        outcome=filters.get("outcome") or "",
        overdue=bool(filters.get("overdue")),
        q=filters.get("q") or "",
    )
    fmt = request.GET.get("export")
    if fmt in ("xlsx", "csv"):
        leads = list(qs[:50000])
        rows = [
            [
                format_datetime(lead.created_at),
                lead.full_name,
                selectors.phone_for(request.user, lead),
                lead.commune.name,
                lead.unit.name,
                lead.get_callback_display(),
                lead.get_category_display() if lead.category else "",
                format_date(lead.due_on),
                lead.get_outcome_display(),
                lead.outcome_note,
            ]
            for lead in leads
        ]
        headers = [
            str(h)
            for h in (
                _("Received at"),
                _("Full name"),
                _("Phone"),
                _("Commune / ward"),
                _("Handled by"),
                _("Best time to call"),
                _("Category to advise on support"),
                _("Call back by"),
                _("Outcome"),
                _("Note"),
            )
        ]
        # Personal data leaves the system: always audited, as the registry's exports are.
        audit_log(
            actor=request.user,
            action=AuditLog.Action.ACTION,
            obj=user_unit(request.user) or request.user,
            verb="export_personal_data",
            note=f"join requests {urlencode({k: str(v) for k, v in filters.items() if v})}; {len(rows)} rows",
        )
        return table_response(fmt, "yeu-cau-tham-gia", headers, rows, "Yeu cau tham gia")
    counts = selectors.lead_counts(qs)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    rows = [(lead, selectors.phone_for(request.user, lead), selectors.due_label(lead)) for lead in page]
    return render(
        request,
        "public/lead_list.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "counts": counts,
            "outcomes": Lead.Outcome.choices,
            "query": query.urlencode(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def lead_detail(request, pk):
    lead = selectors.lead_get(user=request.user, pk=pk)
    may_handle = selectors.may_handle(request.user, lead)
    form = LeadOutcomeForm(request.POST or None, initial={"outcome": lead.outcome if lead.outcome != "new" else None})
    if request.method == "POST":
        if not may_handle:
            raise Http404
        if form.is_valid():
            try:
                services.lead_outcome_set(
                    actor=request.user, lead=lead, outcome=form.cleaned_data["outcome"], note=form.cleaned_data["note"]
                )
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("The call is recorded."))
                return redirect("public:lead_detail", pk=lead.pk)
    return render(
        request,
        "public/lead_detail.html",
        {
            "lead": lead,
            "phone": selectors.phone_for(request.user, lead),
            "consents": lead.consents.all(),
            "form": form if may_handle else None,
        },
    )


def rules_list(request):
    """Every row of the rules table, with its source (public: the calculator's basis)."""
    rows = Rule.objects.select_related("area").order_by("kind", "category", "years", "valid_from")
    return _public(request, "public/rules.html", {"rows": rows})
