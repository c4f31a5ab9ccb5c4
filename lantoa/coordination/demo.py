"""Demo coordination records for 2022–2025 and 2026 up to today, built on the demo staff lists
(StaffPosting of is_demo people):

- M1: each year a district conference (March) and later briefings reach the units' leaders; a few leaders
  are missed in 2023–2025, so 2022 shows 100% and later years a little less;
- M2: plans filed and accepted for most communes and units; one commune's plan is not accepted in 2023 and
  Xã Long Phú Thuận (nor the communes merged into it) got none accepted in 2025, Xã Tân Long none in 2026;
- M3: the 2019 agreement reviewed (tổng kết) and signed again in 2022; the new one reviewed midway in 2024
  and at its end in 2025, with the 2026–2030 programme of the new communes signed; that one has a
  first-year review in 2026, not re-signed (so M3 of 2026 is not met);
- a few inspections and awards.

Must run after `audience_demo_load` (it needs the demo staff lists) and be removed before it.
"""

import datetime as dt
import random

from lantoa.audience.models import StaffPosting
from lantoa.core import clock
from lantoa.core.models import valid_on
from lantoa.demo.units import in_force
from lantoa.orgs.models import Unit
from lantoa.taxonomy.models import Topic

from .models import Agreement, AgreementReview, Award, Briefing, Inspection, LeaderContact, UnitPlan
from .services import units_expected

YEARS = (2022, 2023, 2024, 2025, 2026)
# Share of leaders missed by every briefing of the year.
MISSED = {2022: 0.0, 2023: 0.05, 2024: 0.02, 2025: 0.03, 2026: 0.04}
# Commune committees whose plan was not accepted that year.
NO_PLAN = {
    2023: {"hn-ubnd-thuong-thoi-hau-a"},
    2025: {"hn-ubnd-long-thuan", "hn-ubnd-phu-thuan-a", "hn-ubnd-phu-thuan-b", "dt-ubnd-long-phu-thuan"},
    2026: {"dt-ubnd-tan-long"},
}
REFORM = dt.date(2025, 7, 1)


def _unit(code):
    return Unit.objects.filter(code=code).first()


def _overlaps(year):
    from django.db.models import Q

    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    return (Q(valid_from__isnull=True) | Q(valid_from__lte=end)) & (Q(valid_to__isnull=True) | Q(valid_to__gte=start))


def _briefings(year: int, rng: random.Random, topics, today: dt.date) -> dict:
    """The year's briefings: each leader not missed goes to the first one held while they were in post."""
    postings = list(
        StaffPosting.objects.filter(_overlaps(year), is_leader=True, person__is_demo=True).select_related("unit")
    )
    office = _unit("hn-bhxh")
    giver = in_force(office, dt.date(year, 3, 15)) or office or (postings[0].unit if postings else None)
    if giver is None:
        return {"briefings": 0}
    # Tried in this order: the March conference first, then what reached those not in post that day.
    slots = [
        (dt.date(year, 3, 15), Briefing.Kind.CONFERENCE, f"Hội nghị triển khai chính sách BHXH, BHYT năm {year}"),
        (dt.date(year, 1, 15), Briefing.Kind.DOCUMENT, f"Công văn triển khai công tác tuyên truyền BHXH năm {year}"),
        (dt.date(year, 8, 20), Briefing.Kind.TRAINING, f"Tập huấn chính sách BHXH cho cán bộ lãnh đạo năm {year}"),
        (dt.date(year, 11, 10), Briefing.Kind.DOCUMENT, f"Công văn cung cấp thông tin chính sách BHXH mới năm {year}"),
    ]
    people = {}
    for p in sorted(postings, key=lambda p: (p.person_id, p.valid_from or dt.date.min)):
        people.setdefault(p.person_id, []).append(p)
    missed = {pid for pid in people if rng.random() < MISSED[year]}
    chosen: dict[int, list[int]] = {}
    for pid, own in people.items():
        if pid in missed:
            continue
        for k, (day, _kind, _title) in enumerate(slots):
            if day <= today and any(p.is_valid_on(day) for p in own):
                chosen.setdefault(k, []).append(pid)
                break
    n = 0
    for k, pids in chosen.items():
        day, kind, title = slots[k]
        b = Briefing.objects.create(
            date=day,
            kind=kind,
            title=title,
            document_number=f"{rng.randint(100, 999)}/BHXH-TT" if kind == Briefing.Kind.DOCUMENT else "",
            unit=giver,
            is_demo=True,
        )
        b.topics.set(rng.sample(topics, min(2, len(topics))))
        b.leaders.set(pids)
        n += 1
    return {"briefings": n, "missed": len(missed)}


def _plans(year: int, rng: random.Random) -> int:
    day = dt.date(year, 1, 15)
    n = 0
    accepter = None
    units = list(units_expected(day).order_by("code"))
    if not units:
        # The demo's 2026–2030 plan is made after its records (its baselines are their 2025 figures): the
        # units that will take part file their 2026 plans as if it were in force.
        units = list(Unit.objects.filter(valid_on(day)).exclude(kind=Unit.Kind.PEOPLES_COMMITTEE).order_by("code"))
    if year == 2025:  # the communes formed on 01/07/2025 file a plan for the rest of the year
        units += list(Unit.objects.filter(kind=Unit.Kind.COMMUNE_COMMITTEE, valid_from=REFORM).order_by("code"))
    for unit in units:
        no = unit.code in NO_PLAN.get(year, set())
        if unit.kind != Unit.Kind.COMMUNE_COMMITTEE and rng.random() < 0.1:
            no = True  # a few district offices late each year
        start = REFORM if unit.valid_from == REFORM and year == REFORM.year else dt.date(year, 1, 1)
        filed = start + dt.timedelta(days=rng.randint(5, 40))
        status = UnitPlan.Status.ACCEPTED
        if no:
            status = rng.choice([UnitPlan.Status.DRAFT, UnitPlan.Status.FILED])
        UnitPlan.objects.create(
            unit=unit,
            year=year,
            title=f"Kế hoạch tuyên truyền chính sách BHXH năm {year} — {unit.short_name or unit.name}",
            filed_on=filed if status != UnitPlan.Status.DRAFT else None,
            status=status,
            accepted_by=accepter,
            accepted_on=filed + dt.timedelta(days=7) if status == UnitPlan.Status.ACCEPTED else None,
            note="",
            is_demo=True,
        )
        n += 1
    return n


AGREEMENT_CODES = ("hn-bhxh", "hn-ldtbxh", "hn-vhtt", "hn-ttvhtt", "hn-mttq", "hn-hoinongdan", "hn-hoiphunu", "hn-ldld")


def _agreements() -> dict:
    parties = [u for u in (_unit(c) for c in AGREEMENT_CODES) if u is not None]
    first = Agreement.objects.create(
        title="Quy chế phối hợp tuyên truyền chính sách BHXH, BHYT giai đoạn 2019–2022",
        number="01/QCPH-BHXH",
        signed_on=dt.date(2019, 3, 12),
        period_start=dt.date(2019, 3, 12),
        period_end=dt.date(2022, 12, 31),
        is_demo=True,
    )
    first.parties.set(parties)
    second = Agreement.objects.create(
        title="Chương trình phối hợp tuyên truyền chính sách BHXH giai đoạn 2023–2025",
        number="02/CTPH-BHXH",
        signed_on=dt.date(2022, 12, 20),
        period_start=dt.date(2023, 1, 1),
        period_end=dt.date(2025, 12, 31),
        is_demo=True,
    )
    second.parties.set(parties)
    reviews = [
        AgreementReview(
            agreement=first,
            date=dt.date(2022, 12, 15),
            kind=AgreementReview.Kind.FINAL,
            outcome="Tổng kết 4 năm thực hiện quy chế phối hợp; các bên thống nhất ký chương trình giai đoạn sau.",
            re_signed=True,
            next_agreement=second,
            is_demo=True,
        ),
        AgreementReview(
            agreement=second,
            date=dt.date(2024, 6, 25),
            kind=AgreementReview.Kind.INTERIM,
            outcome="Sơ kết giữa kỳ: hoàn thành phần lớn chỉ tiêu; tăng cường tuyên truyền BHXH tự nguyện.",
            is_demo=True,
        ),
    ]
    agreements = 2
    if clock.today() >= dt.date(2025, 12, 18):
        third = _next_agreement(parties)
        agreements += 1
        reviews.append(
            AgreementReview(
                agreement=second,
                date=dt.date(2025, 12, 18),
                kind=AgreementReview.Kind.FINAL,
                outcome="Tổng kết chương trình phối hợp 2023–2025; thống nhất xây dựng chương trình 2026–2030.",
                re_signed=True,
                next_agreement=third,
                is_demo=True,
            )
        )
        if clock.today() >= dt.date(2026, 11, 25):
            reviews.append(
                AgreementReview(
                    agreement=third,
                    date=dt.date(2026, 11, 25),
                    kind=AgreementReview.Kind.INTERIM,
                    outcome="Sơ kết năm đầu thực hiện chương trình phối hợp tại các xã, phường mới; "
                    "phát thanh BHXH tự nguyện còn một số tuần chưa đủ 2 lần.",
                    is_demo=True,
                )
            )
    AgreementReview.objects.bulk_create(reviews)
    return {"agreements": agreements, "agreement_reviews": len(reviews)}


def _next_agreement(parties) -> Agreement:
    """The 2026–2030 programme: the offices still in force and the committees of the new communes."""
    day = dt.date(2025, 12, 30)
    communes = Unit.objects.filter(kind=Unit.Kind.COMMUNE_COMMITTEE, valid_from=REFORM).order_by("code")
    agreement = Agreement.objects.create(
        title="Chương trình phối hợp tuyên truyền chính sách BHXH giai đoạn 2026–2030 trên địa bàn các xã, phường",
        number="01/CTPH-BHXH",
        signed_on=day,
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2030, 12, 31),
        is_demo=True,
    )
    agreement.parties.set([u for u in parties if u.is_valid_on(day)] + list(communes))
    return agreement


def _inspections_and_awards(rng: random.Random) -> dict:
    inspector = _unit("hn-ldtbxh")
    bhxh = _unit("hn-bhxh")
    district = _unit("hn-ubnd-huyen")
    communes = list(Unit.objects.filter(kind=Unit.Kind.COMMUNE_COMMITTEE, valid_from__lt=dt.date(2025, 1, 1)))
    rows = []
    for year, kind in (
        (2022, Inspection.Kind.INSPECTION),
        (2023, Inspection.Kind.SUPERVISION),
        (2024, Inspection.Kind.INSPECTION),
        (2025, Inspection.Kind.FINAL),
    ):
        for unit in rng.sample(communes, min(2, len(communes))):
            rows.append(
                Inspection(
                    unit=unit,
                    inspecting_unit=inspector if kind != Inspection.Kind.SUPERVISION else bhxh,
                    date=dt.date(year, rng.randint(4, 6), rng.randint(1, 28)),
                    kind=kind,
                    findings="Đã ban hành kế hoạch tuyên truyền; phát thanh BHXH tự nguyện chưa đều hằng tuần.",
                    recommendations="Duy trì phát thanh ít nhất 2 lần mỗi tuần; cập nhật danh sách cộng tác viên.",
                    is_demo=True,
                )
            )
    # After the district: the insurance office supervises two of the new communes.
    new_communes = list(Unit.objects.filter(kind=Unit.Kind.COMMUNE_COMMITTEE, valid_from=REFORM).order_by("code"))
    day = dt.date(2026, 10, rng.randint(5, 28))
    supervisor = in_force(bhxh, day)
    if day <= clock.today() and supervisor is not None:
        for unit in rng.sample(new_communes, min(2, len(new_communes))):
            rows.append(
                Inspection(
                    unit=unit,
                    inspecting_unit=supervisor,
                    date=day,
                    kind=Inspection.Kind.SUPERVISION,
                    findings="Đã ban hành kế hoạch tuyên truyền năm 2026; có tuần phát thanh BHXH tự nguyện "
                    "dưới 2 lần.",
                    recommendations="Bảo đảm phát thanh ít nhất 2 lần mỗi tuần; cập nhật danh sách người đã "
                    "được tuyên truyền.",
                    is_demo=True,
                )
            )
    Inspection.objects.bulk_create(rows)
    awards = []
    giver = district or inspector
    leader = StaffPosting.objects.filter(is_leader=True, person__is_demo=True).select_related("person").first()
    if communes:
        awards.append(
            Award(
                date=dt.date(2022, 12, 28),
                title="Giấy khen",
                awarded_by=giver,
                recipient_unit=communes[0],
                reason="Hoàn thành xuất sắc công tác tuyên truyền BHXH năm 2022",
                is_demo=True,
            )
        )
    if leader is not None:
        awards.append(
            Award(
                date=dt.date(2023, 12, 27),
                title="Giấy khen",
                awarded_by=giver,
                person=leader.person,
                reason="Có thành tích trong công tác phát triển người tham gia BHXH tự nguyện",
                is_demo=True,
            )
        )
    awards.append(
        Award(
            date=dt.date(2024, 12, 26),
            title="Giấy khen",
            awarded_by=bhxh or giver,
            recipient_name="Bưu điện huyện Hồng Ngự (đại lý thu)",
            reason="Đơn vị thu có số người tham gia BHXH tự nguyện tăng cao",
            is_demo=True,
        )
    )
    Award.objects.bulk_create(awards)
    return {"inspections": len(rows), "awards": len(awards)}


def coordination_demo_load(*, seed: int = 2022) -> dict:
    if Briefing.objects.filter(is_demo=True).exists():
        return {"already": True}
    rng = random.Random(seed)
    today = clock.today()
    topics = list(Topic.objects.filter(active=True)[:6])
    counts = {"briefings": 0, "plans": 0}
    for year in YEARS:
        if dt.date(year, 1, 15) > today:
            break
        counts["briefings"] += _briefings(year, rng, topics, today)["briefings"]
        counts["plans"] += _plans(year, rng)
    counts.update(_agreements())
    counts.update(_inspections_and_awards(rng))
    # Addresses for most leaders in post today, so "send by e-mail" has someone to write to.
    contacts = []
    for posting in StaffPosting.objects.filter(valid_on(today), is_leader=True, person__is_demo=True):
        if rng.random() < 0.8:
            contacts.append(
                LeaderContact(
                    person_id=posting.person_id, email=f"lanhdao{posting.person_id}@hongngu.example", is_demo=True
                )
            )
    LeaderContact.objects.bulk_create(contacts, ignore_conflicts=True)
    counts["leader_emails"] = len(contacts)
    return counts


def _drop(qs) -> int:
    n = qs.count()  # delete() also counts the many-to-many rows
    qs.delete()
    return n


def coordination_demo_remove() -> dict:
    """Remove the demo records (before `audience_demo_remove`: awards point to demo people)."""
    return {
        "awards": _drop(Award.objects.filter(is_demo=True)),
        "inspections": _drop(Inspection.objects.filter(is_demo=True)),
        "agreement_reviews": _drop(AgreementReview.objects.filter(is_demo=True)),
        "agreements": _drop(Agreement.objects.filter(is_demo=True)),
        "unit_plans": _drop(UnitPlan.objects.filter(is_demo=True)),
        "briefings": _drop(Briefing.objects.filter(is_demo=True)),
        "leader_emails": _drop(LeaderContact.objects.filter(is_demo=True)),
    }
