"""Demo messaging for 2023–2026 (M9 has targets from 2023; 2026 counts for the demo 2026–2030 plan): each
year, the insurance office sends a voluntary-BHXH invitation to the farming households of group (1) in one
commune, and a payment reminder goes to voluntary contributors. Messages are
delivered through the outbox and count as reach."""

import datetime as dt
import random

from django.utils import timezone

from lantoa.audience.models import Person, Segment
from lantoa.core import clock
from lantoa.demo.units import in_force
from lantoa.messaging import text as mtext
from lantoa.messaging.models import Broadcast, Message, Template
from lantoa.messaging.services import gateway_for, reach_for_delivered
from lantoa.orgs.models import Unit
from lantoa.taxonomy.models import TargetGroup, Topic

YEARS = (2023, 2024, 2025, 2026)
PER_BROADCAST = 300


def messaging_demo_load(*, seed: int = 2022) -> dict:
    if Broadcast.objects.filter(is_demo=True).exists():
        return {"message_broadcasts": 0}
    office = Unit.objects.filter(code="hn-bhxh").first()
    group = TargetGroup.objects.filter(voluntary_group=1).first()
    if office is None or group is None:
        return {"message_broadcasts": 0}
    rng = random.Random(seed)
    template = Template.objects.create(
        name="Mời tham gia BHXH tự nguyện (demo)",
        unit=office,
        body="BHXH huyện Hồng Ngự kính gửi {ho_ten}: tham gia BHXH tự nguyện để có lương hưu khi về già. "
        "Hỏi cán bộ xã {xa} để được hướng dẫn.",
        is_demo=True,
    )
    template.topics.set(Topic.objects.filter(voluntary_bhxh=True)[:1])
    broadcasts = messages = 0
    today = clock.today()
    for year in YEARS:
        day = dt.date(year, 5, 12)
        # After the district: the office it was merged into sends.
        unit = in_force(office, day)
        if day > today or unit is None:
            break
        gateway = gateway_for(unit)
        people = list(
            Person.objects.filter(is_demo=True, groups=group, consent=True, anonymised_at__isnull=True)
            .exclude(phone="")
            .values("pk", "phone", "full_name", "area__name", "unit_id")[: PER_BROADCAST * 4]
        )
        if not people:
            break
        chosen = rng.sample(people, min(PER_BROADCAST, len(people)))
        segment = Segment.objects.create(
            name=f"(demo) Nhóm 1 — nông dân, tháng 5/{year}", unit=unit, filters={"group_codes": [group.code]}
        )
        at = timezone.make_aware(dt.datetime.combine(day, dt.time(9, 0)))
        broadcast = Broadcast.objects.create(
            title=f"Tháng vận động BHXH toàn dân {year}: mời nông dân tham gia BHXH tự nguyện",
            unit=unit,
            template=template,
            segment=segment,
            status=Broadcast.Status.SENT,
            body=template.body,
            started_at=at,
            finished_at=at + dt.timedelta(minutes=20),
            approved_at=at - dt.timedelta(hours=2),
            fanout_done=True,
            queued=len(chosen),
            is_demo=True,
        )
        Broadcast.objects.filter(pk=broadcast.pk).update(created_at=at - dt.timedelta(days=1))
        rows = []
        for p in chosen:
            body = mtext.render(template.body, {"full_name": p["full_name"], "commune": p["area__name"]})
            parts = mtext.sms_parts(body)
            failed = rng.random() < 0.04
            rows.append(
                Message(
                    key=f"b:{broadcast.pk}:{p['pk']}",
                    person_id=p["pk"],
                    unit=unit,
                    broadcast=broadcast,
                    template=template,
                    gateway=gateway,
                    phone=p["phone"],
                    text=body,
                    unicode=parts.unicode,
                    parts=parts.parts,
                    status=Message.Status.FAILED if failed else Message.Status.DELIVERED,
                    reason="Thuê bao tạm khóa (demo)" if failed else "",
                    attempts=1,
                    not_before=at,
                    sent_at=at,
                    delivered_at=None if failed else at + dt.timedelta(seconds=30),
                    finished_at=at + dt.timedelta(seconds=30),
                    is_demo=True,
                )
            )
        created = Message.objects.bulk_create(rows, batch_size=1000)
        Message.objects.filter(pk__in=[m.pk for m in created]).update(queued_at=at)
        reach_for_delivered([m.pk for m in created])
        broadcasts += 1
        messages += len(created)
    return {"message_broadcasts": broadcasts, "messages": messages}


def messaging_demo_remove() -> dict:
    segments = list(Broadcast.objects.filter(is_demo=True).values_list("segment_id", flat=True))
    counts = {
        "messages": Message.objects.filter(is_demo=True).delete()[0],
        "message_broadcasts": Broadcast.objects.filter(is_demo=True).delete()[0],
    }
    Template.objects.filter(is_demo=True).delete()
    Segment.objects.filter(pk__in=segments, name__startswith="(demo)").delete()
    return counts
