"""Sending an answer, a transfer notice or an apology back to the asker through the messaging app.

The message is queued like any other (`messaging.Message`), so the dispatcher applies the same rules:
consent and opt-outs are checked here (`messaging.selectors.eligible`), quiet hours and the daily cap by the
dispatcher; the gateway is the unit's own (`messaging.services.gateway_for`). A message needs a registry
person: an asker known only by a number is answered by phone or letter (the timeline says so).
"""

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from lantoa.audience.models import Person
from lantoa.feedback.models import Event, IntakeChannel, Item


def recipient(item: Item) -> Person | None:
    if item.anonymous:
        return None
    if item.person_id and item.person.anonymised_at is None:
        return item.person
    if item.asker_phone:
        return (
            Person.objects.filter(Q(phone=item.asker_phone) | Q(phone2=item.asker_phone), anonymised_at__isnull=True)
            .order_by("pk")
            .first()
        )
    return None


def queue_reply(item: Item, event: Event, text: str):
    from lantoa.messaging import selectors as msel
    from lantoa.messaging import services as msvc
    from lantoa.messaging import text as mtext
    from lantoa.messaging.models import Message

    person = recipient(item)
    if person is None or item.unit_id is None:
        return None
    channel = "zalo" if item.channel == IntakeChannel.ZALO else "sms"
    policy = msvc.policy_on()
    if not msel.eligible(Person.objects.filter(pk=person.pk), channel=channel, policy=policy).exists():
        return None
    phone = item.asker_phone if item.asker_phone in (person.phone, person.phone2) else person.phone
    gateway = msvc.gateway_for(item.unit, channel)
    body = text[:1000] if channel == "sms" else text[:400]
    parts = mtext.sms_parts(body)
    now = timezone.now()
    message, _created = Message.objects.get_or_create(
        key=f"f:{item.pk}:{event.pk}",
        defaults=dict(
            person=person,
            unit_id=item.unit_id,
            gateway=gateway,
            channel=channel,
            phone=phone,
            text=body,
            unicode=parts.unicode,
            parts=parts.parts,
            not_before=msvc.next_window(policy, now),
        ),
    )

    def kick():
        from lantoa.messaging import tasks

        tasks.send.enqueue()

    transaction.on_commit(kick)
    return message
