"""T5 `content_approved_share` against a hand-counted world (Xã Long Khánh A, 2023–2024).

Items and their first approval:
    A approved 10/01/2024      B approved 01/06/2024      C never approved
    D approved 20/11/2022      E approved 15/03/2024 08:00 (Vietnam time)   F approved 01/01/2024, never used

Uses:
    activity done 05/03/2024 (LKA, commune committee) ... A, B
    activity done 10/07/2024 (LKA) ...................... B          (B's first use in 2024 stays 05/03)
    activity planned 01/02/2024 ......................... D          (not held: does not count)
    activity cancelled 02/02/2024 ....................... E          (does not count)
    radio broadcast 20/02/2024 (LKA) .................... D
    radio broadcast 15/03/2024 (LKA) .................... E          (approved that same morning: ≤ counts)
    activity done 12/09/2023 (LKA) ...................... C, B       (2023)
    SMS sent 12/05/2024 (insurance office) through a template linked to C

2024, coordinator (sees all): used A B C D E = 5; approved before first use: A (10/01 ≤ 05/03),
    D (2022 ≤ 20/02), E (15/03 ≤ 15/03) = 3; not: B (05/03 < 01/06), C (never) → 3/5 = 60.0 %.
2024, officer of Xã Long Khánh (scope: Long Khánh A and B, their committees; not the insurance office's
    messages): used A B D E = 4, approved before 3 → 75.0 %.
2023, coordinator: used C, B; neither approved by 12/09/2023 → 0/2 = 0.0 %.
2024, outsider of Xã Tân Long: nothing used that they can see → no data.
Future year → no data.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from conftest import legacy_commune
from lantoa.accounts.roles import Role
from lantoa.activities.models import Activity
from lantoa.content.models import ContentItem, ContentReview
from lantoa.messaging.models import GatewayConfig, Message, Template
from lantoa.messaging.tests.conftest import make_person
from lantoa.orgs.models import Unit
from lantoa.plans.kpi import compute
from lantoa.plans.models import Indicator
from lantoa.radio.models import Broadcast

pytestmark = pytest.mark.django_db


def at(day: str, hour=9) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(dt.datetime.strptime(day, "%d/%m/%Y").date(), dt.time(hour)))


def item(title, approved: str | None, hour=9):
    c = ContentItem.objects.create(
        kind="leaflet",
        title=title,
        unit=Unit.objects.get(code="hn-bhxh"),
        status="approved" if approved else "draft",
        approved_at=at(approved, hour) if approved else None,
    )
    if approved:
        ContentReview.objects.create(item=c, decision="approved", at=at(approved, hour))
    return c


def activity(day, status, *items, title=None):
    a = Activity.objects.create(
        title=title or f"Hoạt động {day}",
        kind="conference",
        channel="direct",
        status=status,
        start_date=dt.datetime.strptime(day, "%d/%m/%Y").date(),
        organiser=Unit.objects.get(code="hn-ubnd-long-khanh-a"),
        area=legacy_commune("Xã Long Khánh A"),
    )
    a.content_used.set(items)
    return a


def broadcast(day, *items):
    b = Broadcast.objects.create(
        commune=legacy_commune("Xã Long Khánh A"),
        unit=Unit.objects.get(code="hn-ubnd-long-khanh-a"),
        aired_on=dt.datetime.strptime(day, "%d/%m/%Y").date(),
        duration_minutes=10,
        title=f"Loa {day}",
    )
    b.content_used.set(items)
    return b


@pytest.fixture
def world(default_data):
    A = item("A", "10/01/2024")
    B = item("B", "01/06/2024")
    C = item("C", None)
    D = item("D", "20/11/2022")
    E = item("E", "15/03/2024", hour=8)
    item("F", "01/01/2024")
    activity("05/03/2024", "done", A, B)
    activity("10/07/2024", "done", B)
    activity("01/02/2024", "planned", D)
    activity("02/02/2024", "cancelled", E)
    broadcast("20/02/2024", D)
    broadcast("15/03/2024", E)
    activity("12/09/2023", "done", C, B)
    template = Template.objects.create(name="Mẫu C", unit=Unit.objects.get(code="hn-bhxh"), body="x", content=C)
    gateway = GatewayConfig.objects.create(name="outbox", kind="outbox")
    person = make_person("Nguyễn Văn An", "+84912000001")
    Message.objects.create(
        key="b:1:1",
        person=person,
        unit=Unit.objects.get(code="hn-bhxh"),
        template=template,
        gateway=gateway,
        phone="+84912000001",
        text="x",
        status="delivered",
        not_before=at("12/05/2024"),
        sent_at=at("12/05/2024"),
    )
    # A queued message through the same template in 2023 was never sent: it does not count.
    Message.objects.create(
        key="b:1:2",
        person=person,
        unit=Unit.objects.get(code="hn-bhxh"),
        template=template,
        gateway=gateway,
        phone="+84912000001",
        text="x",
        status="queued",
        not_before=at("01/03/2023"),
    )
    return {"A": A, "B": B, "C": C, "D": D, "E": E}


@pytest.fixture
def t5(default_data):
    return Indicator.objects.get(code="T5", computation="content_approved_share")


def test_t5_2024_coordinator(world, t5, make_user):
    result = compute(t5, 2024, user=make_user(Role.COORDINATOR, "hn-ldtbxh"))
    assert result.actual == Decimal("60.0")
    assert (result.numerator, result.denominator) == (3, 5)
    assert {c.title for c in result.records} == {"A", "B", "C", "D", "E"}
    verdict = {c.title: (c.first_use, c.approved_before_use) for c in result.records}
    assert verdict["B"] == (dt.date(2024, 3, 5), False)
    assert verdict["E"] == (dt.date(2024, 3, 15), True)
    assert verdict["C"] == (dt.date(2024, 5, 12), False)
    late = result.details["not_approved_before_use"]
    assert [(x["title"], x["first_use"], x["approved_on"]) for x in late] == [
        ("B", dt.date(2024, 3, 5), dt.date(2024, 6, 1)),
        ("C", dt.date(2024, 5, 12), None),
    ]


def test_t5_2024_commune_officer_sees_only_their_uses(world, t5, make_user):
    result = compute(t5, 2024, user=make_user(Role.COMMUNE_OFFICER, "dt-ubnd-long-khanh"))
    assert (result.actual, result.numerator, result.denominator) == (Decimal("75.0"), 3, 4)
    assert "C" not in {c.title for c in result.records}


def test_t5_2023_and_no_data(world, t5, make_user):
    coordinator = make_user(Role.COORDINATOR, "hn-ldtbxh")
    result = compute(t5, 2023, user=coordinator)
    assert (result.actual, result.numerator, result.denominator) == (Decimal("0.0"), 0, 2)
    assert not compute(t5, 2024, user=make_user(Role.COMMUNE_OFFICER, "dt-ubnd-tan-long")).has_data
    assert not compute(t5, 2022, user=coordinator).has_data  # nothing used in 2022
    assert not compute(t5, timezone.localdate().year + 1, user=coordinator).has_data


def test_t5_drill_down_page(world, t5, make_user, client):
    client.force_login(make_user(Role.COORDINATOR, "hn-ldtbxh"))
    from django.urls import reverse

    response = client.get(reverse("plans:records", args=[t5.plan_id, t5.pk, 2024]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "05/03/2024" in html and "01/06/2024" in html  # B: first use, first approval
    assert response.context["page"].paginator.count == 5
