"""Reads of the public site. Public pages read only what is public (approved content, published answers,
contacts, the rules); staff read leads through the access gate."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from lantoa.accounts.roles import PERSONAL_DATA_READERS, Role, has_role
from lantoa.content.models import ContentItem
from lantoa.core import clock
from lantoa.core.text import mask_phone, search_key
from lantoa.orgs.access import get_scoped_or_404, scope_for, scope_queryset
from lantoa.public.models import Contact, Lead

PUBLIC_KINDS = (ContentItem.Kind.ARTICLE, ContentItem.Kind.LEAFLET, ContentItem.Kind.VIDEO)
LEAD_HANDLERS = {Role.COMMUNE_OFFICER, Role.COLLABORATOR, Role.UNIT_OFFICER}


# ----------------------------------------------------------------------------- public


def public_content(*, voluntary: bool | None = None) -> QuerySet:
    """Approved articles, leaflets and videos of the library: nothing else is shown to visitors."""
    qs = ContentItem.objects.filter(status=ContentItem.Status.APPROVED, kind__in=PUBLIC_KINDS).order_by(
        "-approved_at", "-id"
    )
    if voluntary is True:
        qs = qs.filter(topics__voluntary_bhxh=True).distinct()
    elif voluntary is False:
        qs = qs.exclude(topics__voluntary_bhxh=True)
    return qs.only("id", "title", "summary", "kind", "approved_at")


def public_content_get(pk: int) -> ContentItem:
    from django.http import Http404

    item = ContentItem.objects.filter(pk=pk, status=ContentItem.Status.APPROVED, kind__in=PUBLIC_KINDS).first()
    if item is None:
        raise Http404
    return item


def contacts() -> QuerySet:
    return Contact.objects.filter(shown=True).select_related("unit")


def published_answers(limit: int = 50) -> list | None:
    """The feedback desk's answers published for everyone, newest first; None when the desk does not
    publish answers (the page then leaves the section out)."""
    from lantoa.feedback.models import Item

    names = {f.name for f in Item._meta.get_fields()}
    flag = next((n for n in ("published", "is_published", "published_at") if n in names), None)
    if flag is None or "answer" not in names:
        return None
    condition = Q(**{f"{flag}__isnull": False}) if flag == "published_at" else Q(**{flag: True})
    qs = Item.objects.filter(condition).exclude(answer="")
    question = "published_question" if "published_question" in names else "text"
    answer = "published_answer" if "published_answer" in names else "answer"
    return list(qs.order_by("-id").values(question, answer)[:limit])


# ----------------------------------------------------------------------------- staff


def lead_scope(*, user) -> QuerySet:
    return scope_queryset(
        Lead.objects.select_related("commune", "unit", "person"), user, unit_field="unit", area_field="commune_id"
    )


def lead_list(*, user, commune=None, outcome: str = "", overdue: bool = False, q: str = "") -> QuerySet:
    qs = lead_scope(user=user)
    if commune is not None:
        qs = qs.filter(commune=commune)
    if outcome:
        qs = qs.filter(outcome=outcome)
    if overdue:
        qs = qs.filter(outcome=Lead.Outcome.NEW, due_on__lt=clock.today())
    if q:
        key = search_key(q)
        digits = "".join(ch for ch in q if ch.isdecimal())
        condition = Q(full_name__icontains=q.strip())
        if digits:
            condition |= Q(phone__contains=digits.lstrip("0"))
        qs = qs.filter(condition) if key else qs
    return qs


def lead_get(*, user, pk: int) -> Lead:
    return get_scoped_or_404(
        Lead.objects.select_related("commune", "unit", "person"),
        user,
        unit_field="unit",
        area_field="commune_id",
        pk=pk,
    )


def may_handle(user, lead: Lead) -> bool:
    """The officers and collaborators of the lead's commune record the call (the coordinator may too)."""
    if has_role(user, {Role.COORDINATOR, Role.ADMIN}):
        return True
    scope = scope_for(user)
    return has_role(user, LEAD_HANDLERS) and not scope.sees_all and scope.allows(unit_id=lead.unit_id)


def may_see_phone(user, lead: Lead) -> bool:
    if has_role(user, PERSONAL_DATA_READERS):
        return True
    return may_handle(user, lead)


def phone_for(user, lead: Lead) -> str:
    if may_see_phone(user, lead):
        return "0" + lead.phone[3:] if lead.phone.startswith("+84") else lead.phone
    return mask_phone(lead.phone)


@dataclass
class LeadCounts:
    rows: list  # (commune name, {outcome: n}, total)
    totals: dict


def lead_counts(qs: QuerySet) -> LeadCounts:
    """Leads by commune and outcome (the list's filters applied)."""
    data = qs.order_by().values("commune__name", "outcome").annotate(n=Count("id"))
    by_commune: dict[str, dict] = {}
    totals = {o: 0 for o in Lead.Outcome.values}
    for row in data:
        by_commune.setdefault(row["commune__name"], {o: 0 for o in Lead.Outcome.values})[row["outcome"]] = row["n"]
        totals[row["outcome"]] += row["n"]
    rows = [(name, counts, sum(counts.values())) for name, counts in sorted(by_commune.items())]
    return LeadCounts(rows, totals)


def dashboard_lines(*, user, plan=None) -> list[dict]:
    """For the dashboard: join requests still to call in the user's scope, and those past their day."""
    from django.urls import reverse
    from django.utils.translation import gettext

    qs = lead_scope(user=user).filter(outcome=Lead.Outcome.NEW)
    total = qs.count()
    if not total:
        return []
    late = qs.filter(due_on__lt=clock.today()).count()
    url = reverse("public:lead_list")
    lines = [
        {"text": gettext("%(count)s join requests from the public site to call back.") % {"count": total}, "url": url}
    ]
    if late:
        lines.append(
            {
                "text": gettext("%(count)s join requests are past their call-back day.") % {"count": late},
                "url": f"{url}?overdue=1",
            }
        )
    return lines


def due_label(lead: Lead, today: dt.date | None = None) -> str:
    today = today or clock.today()
    return "late" if lead.outcome == Lead.Outcome.NEW and lead.due_on < today else ""
