"""Reading messaging records, always through the access gate; the recipients of a broadcast and why
people are left out."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from lantoa.accounts.roles import PERSONAL_DATA_READERS, has_role
from lantoa.audience.models import Person
from lantoa.audience.selectors import LOCAL_PERSONAL_DATA_READERS, person_scope, segment_people
from lantoa.messaging.models import Broadcast, Inbound, Message, OptOut, Policy, Reminder, Template
from lantoa.orgs.access import scope_for, scope_queryset

# A Vietnamese mobile number in E.164 (the registry stores every phone that way).
MOBILE_RE = r"^\+84(3|5|7|8|9)[0-9]{8}$"
SENT_STATES = (Message.Status.SENDING, Message.Status.SENT, Message.Status.DELIVERED)


def template_list(*, user) -> QuerySet:
    return scope_queryset(Template.objects.select_related("unit"), user, unit_field="unit")


def broadcast_list(*, user) -> QuerySet:
    return scope_queryset(
        Broadcast.objects.select_related("unit", "template", "segment", "created_by", "approved_by"),
        user,
        unit_field="unit",
    )


def reminder_list(*, user) -> QuerySet:
    return scope_queryset(Reminder.objects.select_related("unit", "template", "segment"), user, unit_field="unit")


def message_list(*, user) -> QuerySet:
    """Messages of the people the user may read."""
    return Message.objects.filter(person__in=person_scope(user=user)).select_related("broadcast", "reminder")


# --- opt-outs and replies: a number is seen by the units that keep it ------------------------------------


def _number_kept_q(user, field: str = "phone") -> Q:
    """Rows whose number is a phone of a person the user may read, or got a message from one of the user's
    units (the person may since have changed number or left the registry)."""
    scope = scope_for(user)
    people = person_scope(user=user).filter(Q(phone=OuterRef(field)) | Q(phone2=OuterRef(field)))
    messaged = Message.objects.filter(phone=OuterRef(field), unit_id__in=scope.unit_ids)
    return Q(Exists(people)) | Q(Exists(messaged))


def optout_list(*, user) -> QuerySet:
    """The opt-outs the user may see: every one for a role that reads the whole plan; else those recorded by
    the user's units and those of numbers the user's units keep or messaged. The national Do-Not-Call list
    is not a commune's to browse: a commune sees only the entries of its own people."""
    qs = OptOut.objects.select_related("created_by", "unit")
    scope = scope_for(user)
    if scope.sees_all:
        return qs
    if scope.is_empty:
        return qs.none()
    return qs.filter(Q(unit_id__in=scope.unit_ids) | _number_kept_q(user))


def optout_get(*, user, pk: int) -> OptOut:
    return get_or_404(optout_list(user=user), pk)


def inbound_list(*, user) -> QuerySet:
    """Replies the user may see: those to a gateway of the user's units, and from numbers they keep."""
    qs = Inbound.objects.select_related("gateway")
    scope = scope_for(user)
    if scope.sees_all:
        return qs
    if scope.is_empty:
        return qs.none()
    return qs.filter(Q(gateway__unit_id__in=scope.unit_ids) | _number_kept_q(user))


def sees_every_number(user) -> bool:
    return has_role(user, PERSONAL_DATA_READERS)


def may_see_number(user, phone: str, unit_id: int | None = None) -> bool:
    """The number in full: the roles that see every phone; a commune or unit officer for a number of a
    person they may read, or one their own unit recorded (`unit_id`). Everyone else sees it masked."""
    if has_role(user, PERSONAL_DATA_READERS):
        return True
    if not has_role(user, LOCAL_PERSONAL_DATA_READERS) or not phone:
        return False
    scope = scope_for(user)
    if unit_id is not None and unit_id in scope.unit_ids:
        return True
    return person_scope(user=user).filter(Q(phone=phone) | Q(phone2=phone)).exists()


def numbers_in_full(user, rows) -> set[str]:
    """Of `rows` (objects with `phone`, and `unit_id` when they have one), the numbers `user` sees in full
    (`may_see_number`), in one query."""
    rows = list(rows)
    if has_role(user, PERSONAL_DATA_READERS):
        return {r.phone for r in rows}
    if not has_role(user, LOCAL_PERSONAL_DATA_READERS):
        return set()
    scope = scope_for(user)
    full = {r.phone for r in rows if getattr(r, "unit_id", None) in scope.unit_ids}
    phones = {r.phone for r in rows if r.phone} - full
    if phones:
        kept = person_scope(user=user).filter(Q(phone__in=phones) | Q(phone2__in=phones))
        for phone, phone2 in kept.values_list("phone", "phone2"):
            full |= {phone, phone2} & phones
    return full


def get_or_404(qs: QuerySet, pk: int):
    try:
        return qs.get(pk=pk)
    except qs.model.DoesNotExist:
        raise Http404 from None


def consent_q(channel: str, prefix: str = "") -> Q:
    return Q(**{f"{prefix}consent": True}) & Q(**{f"{prefix}consent_channel__in": ["all", channel, ""]})


def over_cap_q(policy: Policy, now: dt.datetime, prefix: str = "") -> Q:
    """People whose number already had the day's messages (the last 24 hours)."""
    recent = (
        Message.objects.filter(
            phone=OuterRef(f"{prefix}phone"), status__in=SENT_STATES, sent_at__gte=now - dt.timedelta(hours=24)
        )
        .values("phone")
        .annotate(n=Count("id"))
        .filter(n__gte=policy.max_per_day)
    )
    return Q(Exists(recent))


@dataclass
class Audience:
    """A broadcast's recipients after the rules, and how many each rule left out (in this order)."""

    segment: int
    no_consent: int
    no_phone: int
    opted_out: int
    over_cap: int
    already: int
    recipients: int

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def segment_people_for(broadcast: Broadcast) -> QuerySet:
    """The segment as the broadcast's author may see it; the unit's people when the author is gone."""
    author = broadcast.created_by if broadcast.created_by_id and broadcast.created_by.is_active else None
    if author is not None:
        return segment_people(broadcast.segment, user=author)
    qs = segment_people(broadcast.segment, user=None)
    return qs.filter(unit=broadcast.unit_id)


def eligible(qs: QuerySet, *, channel: str, policy: Policy) -> QuerySet:
    qs = qs.filter(phone__regex=MOBILE_RE).exclude(Exists(OptOut.objects.filter(phone=OuterRef("phone"))))
    if policy.require_consent:
        qs = qs.filter(consent_q(channel))
    return qs


def audience(broadcast: Broadcast, *, policy: Policy, now: dt.datetime | None = None) -> Audience:
    now = now or timezone.now()
    base = segment_people_for(broadcast)
    steps = [base]
    qs = base.filter(consent_q(broadcast.channel)) if policy.require_consent else base
    steps.append(qs)
    qs = qs.filter(phone__regex=MOBILE_RE)
    steps.append(qs)
    qs = qs.exclude(Exists(OptOut.objects.filter(phone=OuterRef("phone"))))
    steps.append(qs)
    qs = qs.exclude(over_cap_q(policy, now))
    steps.append(qs)
    if broadcast.pk:
        qs = qs.exclude(Exists(Message.objects.filter(broadcast=broadcast.pk, person=OuterRef("pk"))))
    steps.append(qs)
    counts = [s.count() for s in steps]
    return Audience(
        segment=counts[0],
        no_consent=counts[0] - counts[1],
        no_phone=counts[1] - counts[2],
        opted_out=counts[2] - counts[3],
        over_cap=counts[3] - counts[4],
        already=counts[4] - counts[5],
        recipients=counts[5],
    )


def broadcast_counts(broadcast: Broadcast) -> dict:
    rows = Message.objects.filter(broadcast=broadcast).values("status").annotate(n=Count("id"))
    counts = {s: 0 for s in Message.Status.values}
    for row in rows:
        counts[row["status"]] = row["n"]
    counts["total"] = sum(counts[s] for s in Message.Status.values)
    done = counts["delivered"] + counts["failed"] + counts["cancelled"] + counts["sent"]
    counts["done_percent"] = round(100 * done / counts["total"]) if counts["total"] else 0
    return counts


def person_messages(person: Person) -> QuerySet:
    return person.messages.select_related("broadcast", "reminder").order_by("-queued_at", "-id")
