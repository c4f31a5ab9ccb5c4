"""Fan-out and sending.

Fan-out turns an approved broadcast into one queued `Message` per recipient, in chunks ordered by person
id; each chunk and the cursor after it are written in one transaction, and the unique message key makes a
repeated chunk a no-op — a fan-out killed half-way resumes where it stopped.

Sending is done by any number of workers running `dispatch`. A worker claims a batch of due messages of
one gateway by a conditional update (a lease with its token), marks the batch SENDING, reserves time on
the gateway's shared rate limit, sends, and writes the outcomes. A worker killed mid-batch leaves its
messages SENDING with a lease that runs out: after the lease and a grace period for late delivery reports
(`MESSAGING_REPORT_GRACE`), a message nobody reported on is queued again. A message that did go out has
its report by then (Kannel reports "accepted by the SMSC" within a second; the outbox and the providers
de-duplicate by our message id), so nothing is lost and nothing is sent twice.
"""

import datetime as dt
import logging
import time
import uuid
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.db import transaction
from django.db.models import Case, Count, F, Max, Q, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from lantoa.audience.models import Person
from lantoa.core import clock
from lantoa.messaging import gateways
from lantoa.messaging import text as mtext
from lantoa.messaging.models import Broadcast, GatewayConfig, Message, Reminder
from lantoa.messaging.selectors import SENT_STATES, eligible, over_cap_q, segment_people_for
from lantoa.messaging.services import (
    gateway_for,
    may_send_now,
    policy_on,
    reach_for_delivered,
)

logger = logging.getLogger(__name__)

CHUNK = 5000


def _setting(name: str, default):
    return getattr(settings, name, default)


def lease_seconds() -> float:
    return float(_setting("MESSAGING_LEASE_SECONDS", 120))


def report_grace() -> float:
    return float(_setting("MESSAGING_REPORT_GRACE", 600))


HOOK_USER = "lantoa"


def hook_url(config: GatewayConfig, what: str) -> str:
    """Where the provider calls us back ("report" or "incoming"); empty when no public address is set.

    A provider that can send the token in a header gets `scheme://lantoa:<token>@host/…/hooks/<pk>/<what>/`
    (Kannel sends the user and password of an address as `Authorization: Basic`, so the token is in
    neither the path nor the query that access logs keep); the others `…/hooks/<pk>/<token>/<what>/`."""
    base = _setting("MESSAGING_CALLBACK_BASE", "")
    if not base:
        return ""
    base = base.rstrip("/")
    if not gateways.gateway_class(config.kind).hook_header:
        return f"{base}/messages/hooks/{config.pk}/{config.hook_token}/{what}/"
    parts = urlsplit(base)
    netloc = f"{HOOK_USER}:{config.hook_token}@{parts.netloc.rpartition('@')[2]}"
    return urlunsplit((parts.scheme, netloc, f"{parts.path}/messages/hooks/{config.pk}/{what}/", "", ""))


# --- fan-out -------------------------------------------------------------------------------------------


def _person_rows(qs, after: int, limit: int) -> list[dict]:
    return list(
        qs.filter(pk__gt=after).order_by("pk").values("pk", "phone", "area__name", *mtext.PERSON_COLUMNS)[:limit]
    )


def fanout(broadcast_id: int, *, chunk: int = CHUNK) -> int:
    """Queue the broadcast's messages; returns how many were queued by this call."""
    now = timezone.now()
    broadcast = Broadcast.objects.select_related("segment", "template", "unit", "created_by").get(pk=broadcast_id)
    if broadcast.status == Broadcast.Status.APPROVED:
        if broadcast.scheduled_at and broadcast.scheduled_at > now:
            return 0
        if not Broadcast.objects.filter(pk=broadcast.pk, status=Broadcast.Status.APPROVED).update(
            status=Broadcast.Status.SENDING, started_at=now
        ):
            return 0  # another worker started it
        broadcast.status = Broadcast.Status.SENDING
    if broadcast.status != Broadcast.Status.SENDING or broadcast.fanout_done:
        return 0
    policy = policy_on()
    try:
        render = mtext.compile_template(broadcast.body)
        params = mtext.compile_params(broadcast.body) if broadcast.channel == "zalo" else None
    except mtext.TemplateError as exc:
        Broadcast.objects.filter(pk=broadcast.pk, status=Broadcast.Status.SENDING).update(
            status=Broadcast.Status.FAILED, reason=str(exc)[:300], finished_at=now, fanout_done=True
        )
        return 0
    gateway = gateway_for(broadcast.unit, broadcast.channel)
    people = eligible(segment_people_for(broadcast), channel=broadcast.channel, policy=policy).exclude(
        over_cap_q(policy, now)
    )
    unit_name = broadcast.unit.name
    template_id = broadcast.template_id
    accent_free = broadcast.accent_free
    total = 0
    cursor = broadcast.cursor
    while True:
        rows = _person_rows(people, cursor, chunk)
        if not rows:
            break
        batch = []
        for row in rows:
            row["commune"] = row["area__name"]
            row["unit"] = unit_name
            body = render(row)
            if accent_free:
                body = mtext.accent_free(body)
            parts = mtext.sms_parts(body)
            batch.append(
                Message(
                    key=f"b:{broadcast.pk}:{row['pk']}",
                    person_id=row["pk"],
                    unit_id=broadcast.unit_id,
                    broadcast_id=broadcast.pk,
                    template_id=template_id,
                    gateway_id=gateway.pk,
                    channel=broadcast.channel,
                    phone=row["phone"],
                    text=body,
                    params=params(row) if params else {},
                    unicode=parts.unicode,
                    parts=parts.parts,
                    not_before=now,
                )
            )
        cursor = rows[-1]["pk"]
        with transaction.atomic():
            # Only while still sending: a cancel in between wins.
            still = Broadcast.objects.filter(pk=broadcast.pk, status=Broadcast.Status.SENDING).update(cursor=cursor)
            if not still:
                return total
            Message.objects.bulk_create(batch, batch_size=1000, ignore_conflicts=True)
            total += len(batch)
        if len(rows) < chunk:
            break
    queued = Message.objects.filter(broadcast=broadcast.pk).count()
    Broadcast.objects.filter(pk=broadcast.pk, status=Broadcast.Status.SENDING).update(fanout_done=True, queued=queued)
    if queued == 0:
        Broadcast.objects.filter(pk=broadcast.pk, status=Broadcast.Status.SENDING).update(
            status=Broadcast.Status.FAILED,
            reason="Không còn người nhận: nhóm đối tượng trống hoặc không ai đủ điều kiện (đồng ý, số điện thoại).",
            finished_at=timezone.now(),
        )
    return total


def start_due_broadcasts(now: dt.datetime | None = None) -> list[int]:
    """Approved broadcasts whose time has come, and fan-outs a dead worker left half-way."""
    now = now or timezone.now()
    due = Broadcast.objects.filter(
        Q(status=Broadcast.Status.APPROVED) & (Q(scheduled_at__isnull=True) | Q(scheduled_at__lte=now))
        | Q(status=Broadcast.Status.SENDING, fanout_done=False)
    )
    return list(due.values_list("pk", flat=True))


def finish_broadcasts() -> int:
    """SENDING broadcasts whose every message has left the queue become SENT."""
    done = 0
    for b in Broadcast.objects.filter(status=Broadcast.Status.SENDING, fanout_done=True):
        open_ = Message.objects.filter(broadcast=b, status__in=[Message.Status.QUEUED, Message.Status.SENDING]).exists()
        if not open_:
            done += Broadcast.objects.filter(pk=b.pk, status=Broadcast.Status.SENDING).update(
                status=Broadcast.Status.SENT, finished_at=timezone.now()
            )
    return done


# --- reminders -----------------------------------------------------------------------------------------


def reminders_run(today: dt.date | None = None) -> int:
    """Queue today's reminders (and those up to `late_days` late); returns how many were queued."""
    today = today or clock.today()
    now = timezone.now()
    policy = policy_on(today)
    total = 0
    for reminder in Reminder.objects.filter(active=True).select_related("template", "unit", "segment"):
        total += _reminder_queue(reminder, today, now, policy)
        Reminder.objects.filter(pk=reminder.pk).update(last_run_on=today)
    return total


def _reminder_queue(reminder: Reminder, today: dt.date, now: dt.datetime, policy) -> int:
    field = reminder.field
    # The person's date D gets its reminder on D + offset; send on days up to `late_days` late, and for a
    # "before" reminder never once the date itself has passed.
    latest = today - dt.timedelta(days=reminder.offset)
    earliest = latest - dt.timedelta(days=reminder.late_days)
    if reminder.direction == Reminder.Direction.BEFORE:
        earliest = max(earliest, today)
    if earliest > latest:
        return 0
    if reminder.segment_id:
        from lantoa.audience.selectors import segment_people

        base = segment_people(reminder.segment, user=None, today=today).filter(unit=reminder.unit_id)
    else:
        base = Person.objects.filter(merged_into__isnull=True, anonymised_at__isnull=True, unit=reminder.unit_id)
    channel = reminder.template.channel
    people = eligible(base, channel=channel, policy=policy).filter(**{f"{field}__range": (earliest, latest)})
    try:
        render = mtext.compile_template(reminder.template.body)
        params = mtext.compile_params(reminder.template.body) if channel == "zalo" else None
    except mtext.TemplateError:
        logger.warning("reminder %s: template %s is broken; nothing queued", reminder.pk, reminder.template_id)
        return 0
    gateway = gateway_for(reminder.unit, channel)
    local_send = timezone.make_aware(dt.datetime.combine(today, reminder.send_at))
    not_before = max(now, local_send)
    before = Message.objects.filter(reminder=reminder).count()
    cursor = 0
    while True:
        rows = list(
            people.filter(pk__gt=cursor)
            .order_by("pk")
            .values("pk", "phone", "area__name", field, *[c for c in mtext.PERSON_COLUMNS if c != field])[:CHUNK]
        )
        if not rows:
            break
        batch = []
        for row in rows:
            row["commune"], row["unit"] = row["area__name"], reminder.unit.name
            body = render(row)
            if reminder.template.accent_free:
                body = mtext.accent_free(body)
            parts = mtext.sms_parts(body)
            batch.append(
                Message(
                    key=f"r:{reminder.pk}:{row['pk']}:{row[field].isoformat()}",
                    person_id=row["pk"],
                    unit_id=reminder.unit_id,
                    reminder_id=reminder.pk,
                    template_id=reminder.template_id,
                    anchor_date=row[field],
                    gateway_id=gateway.pk,
                    channel=channel,
                    phone=row["phone"],
                    text=body,
                    params=params(row) if params else {},
                    unicode=parts.unicode,
                    parts=parts.parts,
                    not_before=not_before,
                )
            )
        # Already queued for this date (an earlier run): the unique key skips it.
        Message.objects.bulk_create(batch, batch_size=1000, ignore_conflicts=True)
        cursor = rows[-1]["pk"]
    return Message.objects.filter(reminder=reminder).count() - before


# --- sending -------------------------------------------------------------------------------------------


def reap(now: dt.datetime | None = None) -> int:
    """Queue again what a dead worker left SENDING and nobody reported on within the grace period."""
    now = now or timezone.now()
    return Message.objects.filter(
        status=Message.Status.SENDING, lease_until__lt=now - dt.timedelta(seconds=report_grace())
    ).update(status=Message.Status.QUEUED, lease_token="", lease_until=None, reason="in doubt after a worker stopped")


def _due(now):
    return Message.objects.filter(status=Message.Status.QUEUED, not_before__lte=now).filter(
        Q(lease_until__isnull=True) | Q(lease_until__lt=now)
    )


def claim(token: str, batch: int, now: dt.datetime | None = None) -> list[Message]:
    """Take up to `batch` due messages of one gateway for this worker (none when another took them)."""
    now = now or timezone.now()
    rows = list(_due(now).order_by("not_before", "id").values_list("id", "gateway_id")[:batch])
    if not rows:
        return []
    gateway_id = rows[0][1]
    ids = [pk for pk, gw in rows if gw == gateway_id]
    lease = now + dt.timedelta(seconds=lease_seconds())
    # The conditions are checked again by the UPDATE itself: a row another worker leased meanwhile is skipped.
    _due(now).filter(id__in=ids).update(lease_token=token, lease_until=lease)
    return list(
        Message.objects.filter(id__in=ids, lease_token=token, status=Message.Status.QUEUED)
        .select_related("gateway", "template")
        .only(*_SEND_FIELDS)
        .order_by("id")
    )


# What sending reads of a message (a narrow read: claiming is on the path of every batch).
_SEND_FIELDS = (
    "id",
    "person_id",
    "reminder_id",
    "anchor_date",
    "phone",
    "text",
    "params",
    "unicode",
    "channel",
    "attempts",
    "gateway",
    "template__zns_template_id",
)


def reserve(gateway: GatewayConfig, count: int) -> dt.datetime:
    """Book `count` messages of sending time on the gateway's shared rate limit; returns when to start."""
    now = timezone.now()
    if not gateway.rate_per_second:
        return now
    with transaction.atomic():
        row = GatewayConfig.objects.select_for_update().get(pk=gateway.pk)
        start = max(now, row.busy_until or now)
        GatewayConfig.objects.filter(pk=gateway.pk).update(
            busy_until=start + dt.timedelta(seconds=count / gateway.rate_per_second)
        )
    return start


def _defer_capped(messages: list[Message], policy, now) -> list[Message]:
    """Messages whose number had the day's quota wait until the oldest of those messages is 24 h old."""
    phones = {m.phone for m in messages}
    window = now - dt.timedelta(hours=24)
    recent = dict(
        Message.objects.filter(phone__in=phones, status__in=SENT_STATES, sent_at__gte=window)
        .values("phone")
        .annotate(n=Count("id"))
        .values_list("phone", "n")
    )
    keep, used = [], {}
    for m in messages:
        n = recent.get(m.phone, 0) + used.get(m.phone, 0)
        if n >= policy.max_per_day:
            oldest = (
                Message.objects.filter(phone=m.phone, status__in=SENT_STATES, sent_at__gte=window)
                .order_by("sent_at")
                .values_list("sent_at", flat=True)
                .first()
            ) or now
            Message.objects.filter(pk=m.pk).update(
                not_before=max(oldest + dt.timedelta(hours=24), now + dt.timedelta(minutes=1)),
                lease_token="",
                lease_until=None,
                reason="waiting: daily limit per person",
            )
            continue
        used[m.phone] = used.get(m.phone, 0) + 1
        keep.append(m)
    return keep


def _drop_stale(messages: list[Message]) -> list[Message]:
    """Reminder messages whose date moved, and people who withdrew consent or were deleted meanwhile."""
    person_ids = {m.person_id for m in messages}
    people = {
        p["pk"]: p
        for p in Person.objects.filter(pk__in=person_ids).values(
            "pk", "consent", "anonymised_at", "merged_into", "next_due_date", "consent_date", "phone"
        )
    }
    keep, dropped = [], []
    for m in messages:
        p = people.get(m.person_id)
        reason = ""
        if p is None or p["anonymised_at"] or p["merged_into"]:
            reason = "person deleted or merged"
        elif not p["consent"]:
            reason = "consent withdrawn"
        elif p["phone"] != m.phone:
            reason = "phone number changed"
        elif m.reminder_id and m.anchor_date:
            field = Reminder.objects.filter(pk=m.reminder_id).values_list("field", flat=True).first()
            if field and p.get(field) != m.anchor_date:
                reason = "date changed"
        if reason:
            dropped.append((m.pk, reason))
        else:
            keep.append(m)
    for pk, reason in dropped:
        Message.objects.filter(pk=pk, status=Message.Status.QUEUED).update(
            status=Message.Status.CANCELLED, reason=reason, finished_at=timezone.now(), lease_token=""
        )
    return keep


def _backoff(attempts: int) -> dt.timedelta:
    base = float(_setting("MESSAGING_BACKOFF_SECONDS", 30))
    return dt.timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), 6 * 3600))


def send_batch(messages: list[Message], token: str, *, policy=None) -> dict:
    """Send claimed messages of one gateway. Returns counts by outcome."""
    now = timezone.now()
    policy = policy or policy_on()
    counts = {"sent": 0, "delivered": 0, "retry": 0, "failed": 0, "skipped": 0}
    messages = _defer_capped(_drop_stale(messages), policy, now)
    if not messages:
        return counts
    config = messages[0].gateway
    gateway = gateways.build(config)
    ids = [m.pk for m in messages]
    lease = now + dt.timedelta(
        seconds=lease_seconds() + (len(ids) / config.rate_per_second if config.rate_per_second else 0)
    )
    marked = Message.objects.filter(pk__in=ids, lease_token=token, status=Message.Status.QUEUED).update(
        status=Message.Status.SENDING, attempts=F("attempts") + 1, lease_until=lease
    )
    if marked != len(ids):
        # Cancelled meanwhile (opt-out, broadcast cancelled): send only what is still ours.
        ids = set(
            Message.objects.filter(pk__in=ids, lease_token=token, status=Message.Status.SENDING).values_list(
                "pk", flat=True
            )
        )
        counts["skipped"] = len(messages) - len(ids)
        messages = [m for m in messages if m.pk in ids]
    start = reserve(config, len(messages))
    interval = 1 / config.rate_per_second if config.rate_per_second else 0
    if interval and start > now:
        # Other workers booked the gateway first: hold the batch until our slot has passed, or the reaper
        # would hand messages we are about to send to someone else.
        Message.objects.filter(
            pk__in=[m.pk for m in messages], lease_token=token, status=Message.Status.SENDING
        ).update(lease_until=start + dt.timedelta(seconds=lease_seconds() + len(messages) * interval))
    hook = hook_url(config, "report")
    outs = [
        gateways.OutgoingMessage(
            message_id=m.pk,
            phone=m.phone,
            text=m.text,
            unicode=m.unicode,
            template_id=m.template.zns_template_id if m.channel == "zalo" and m.template else "",
            params=m.params or {},
            report_url=gateway.report_url(hook, m.pk) if hook else "",
        )
        for m in messages
    ]

    pace = {"next": start}

    def one(i: int):
        if interval:  # the shared rate limit; after a slow answer, no burst to catch up
            wait = (pace["next"] - timezone.now()).total_seconds()
            if wait > 0:
                time.sleep(wait)
            pace["next"] = max(pace["next"], timezone.now()) + dt.timedelta(seconds=interval)
        try:
            return gateway.send(outs[i]), None
        except gateways.GatewayError as exc:
            return None, exc

    outcomes = [one(i) for i in range(len(outs))]
    sent, delivered = [], []
    for m, (result, exc) in zip(messages, outcomes, strict=True):
        if exc is not None:
            attempts = m.attempts + 1
            if exc.transient and attempts < config.max_attempts:
                Message.objects.filter(pk=m.pk, status=Message.Status.SENDING).update(
                    status=Message.Status.QUEUED,
                    not_before=timezone.now() + _backoff(attempts),
                    reason=f"retry {attempts}: {exc.reason}"[:300],
                    lease_token="",
                    lease_until=None,
                )
                counts["retry"] += 1
            else:
                Message.objects.filter(pk=m.pk, status=Message.Status.SENDING).update(
                    status=Message.Status.FAILED,
                    reason=exc.reason[:300],
                    finished_at=timezone.now(),
                    lease_token="",
                    lease_until=None,
                )
                counts["failed"] += 1
            logger.info("message %s: %s", m.pk, exc.reason)
            continue
        (delivered if result.delivered else sent).append((m.pk, result.provider_id))
    _record_sent(sent, delivered)
    counts["sent"], counts["delivered"] = len(sent), len(delivered)
    return counts


def _record_sent(sent, delivered) -> None:
    """One write for the batch. A report may have arrived before this: it is never overwritten."""
    now = timezone.now()
    for rows, status in ((sent, Message.Status.SENT), (delivered, Message.Status.DELIVERED)):
        if not rows:
            continue
        with_ids = [(pk, pid) for pk, pid in rows if pid]
        pks = [pk for pk, _pid in rows]
        Message.objects.filter(pk__in=pks, status=Message.Status.SENDING).update(
            status=status,
            lease_token="",
            lease_until=None,
            sent_at=Coalesce("sent_at", Value(now)),
            delivered_at=now if status == Message.Status.DELIVERED else None,
            finished_at=now if status == Message.Status.DELIVERED else None,
        )
        # A report that came first already moved the message on (and set sent_at): left as it is.
        if with_ids:
            Message.objects.filter(pk__in=[pk for pk, _ in with_ids]).update(
                provider_id=Case(*[When(pk=pk, then=Value(pid)) for pk, pid in with_ids], default=F("provider_id"))
            )
        if status == Message.Status.DELIVERED:
            reach_for_delivered(pks)


def dispatch(*, max_seconds: float = 50, batch: int = 200) -> dict:
    """Send due messages until none is left or time is up (then the scheduler's next run goes on)."""
    token = uuid.uuid4().hex
    deadline = time.monotonic() + max_seconds
    totals = {"sent": 0, "delivered": 0, "retry": 0, "failed": 0, "skipped": 0, "reaped": reap()}
    policy = policy_on()
    while time.monotonic() < deadline:
        if not may_send_now(policy):
            totals["quiet"] = True
            break
        claimed = claim(token, batch)
        if not claimed:
            if not _due(timezone.now()).exists():
                break
            continue  # another worker took that batch; try the next one
        for key, n in send_batch(claimed, token, policy=policy).items():
            totals[key] += n
    finish_broadcasts()
    return totals


def pending() -> bool:
    return _due(timezone.now()).exists()


def last_activity(broadcast: Broadcast):
    return Message.objects.filter(broadcast=broadcast).aggregate(last=Max("sent_at"))["last"]
