"""Demo communication team and training records for 2022–2025 and 2026 (used by the demo loader).

Members are demo people of the registry in each former commune (collaborators, hamlet heads, collection
agents, prestigious people, religious dignitaries; a few hold two roles) and district staff (insurance
officers, reporters, post-office collection agents); some join in 2023 or 2024, some leave at the end of
2023. Each year a share of the active people completes one of that year's demo training classes
(activities of kind "training", is_demo) — about 72 % in 2022 (target 70: met), 76 % in 2023 (80: missed),
91 % in 2024 (90: met), 97 % in 2025 (100: missed) and 94 % in 2026 (100, copied: missed) — and a few
more attend without completing.
"""

import datetime as dt
import random

from lantoa.activities.kinds import Kind
from lantoa.activities.models import Activity
from lantoa.audience.models import Person
from lantoa.geo.models import Area
from lantoa.orgs.models import Unit
from lantoa.team.models import Role, TeamMember, TrainingAttendance

YEARS = (2022, 2023, 2024, 2025, 2026)
SHARES = {2022: 0.72, 2023: 0.76, 2024: 0.91, 2025: 0.97, 2026: 0.94}
COMMUNE_ROLES = (
    Role.COLLABORATOR,
    Role.COLLABORATOR,
    Role.HAMLET_HEAD,
    Role.COLLECTION_AGENT,
    Role.PRESTIGIOUS,
    Role.RELIGIOUS,
)
DISTRICT_ROLES = (
    ("hn-bhxh", Role.INSURANCE_STAFF, 4, ""),
    ("hn-vhtt", Role.REPORTER, 3, ""),
    ("hn-buudien", Role.COLLECTION_AGENT, 3, "Bưu điện huyện Hồng Ngự"),
)


def _periods(rng: random.Random) -> tuple[dt.date | None, dt.date | None]:
    """Most members since before 2022; some join in 2023 or 2024; a few leave at the end of 2023."""
    r = rng.random()
    if r < 0.12:
        return dt.date(2023, 1, 2), None
    if r < 0.22:
        return dt.date(2024, 1, 2), None
    if r < 0.30:
        return dt.date(2021, 6, 1), dt.date(2023, 12, 31)
    return dt.date(2021, 6, 1), None


def team_demo_load(*, seed: int = 2022) -> dict:
    if TeamMember.objects.filter(is_demo=True).exists():
        return {"team_members": 0, "training_attendance": 0, "already": True}
    rng = random.Random(seed)
    communes = list(Area.objects.filter(level=Area.Level.COMMUNE, valid_to__isnull=False).order_by("code"))
    committees = {u.area_id: u for u in Unit.objects.filter(kind=Unit.Kind.COMMUNE_COMMITTEE)}
    used: set[int] = set()
    members: list[TeamMember] = []

    def people_in(area_ids, n):
        qs = (
            Person.objects.filter(is_demo=True, merged_into__isnull=True, anonymised_at__isnull=True)
            .filter(area_id__in=area_ids, birth_year__lte=1995)
            .exclude(pk__in=used)
            .order_by("pk")[: n * 4]
        )
        found = list(qs)
        rng.shuffle(found)
        return found[:n]

    for commune in communes:
        unit = committees.get(commune.id)
        if unit is None:
            continue
        area_ids = [commune.id, *Area.objects.filter(parent=commune).values_list("id", flat=True)]
        people = people_in(area_ids, len(COMMUNE_ROLES))
        for person, role in zip(people, COMMUNE_ROLES, strict=False):
            used.add(person.pk)
            start, end = _periods(rng)
            members.append(
                TeamMember(
                    person=person,
                    role=role,
                    unit=unit,
                    area_id=person.area_id,
                    valid_from=start,
                    valid_to=end,
                    organisation="Bưu điện huyện Hồng Ngự" if role == Role.COLLECTION_AGENT else "",
                    is_demo=True,
                )
            )
            if role == Role.HAMLET_HEAD:  # the hamlet head is also a collaborator: one person, two rows
                members.append(
                    TeamMember(
                        person=person,
                        role=Role.COLLABORATOR,
                        unit=unit,
                        area_id=person.area_id,
                        valid_from=start,
                        valid_to=end,
                        is_demo=True,
                    )
                )
    district_areas = [c.id for c in communes]
    for code, role, n, organisation in DISTRICT_ROLES:
        unit = Unit.objects.filter(code=code).first()
        if unit is None:
            continue
        for person in people_in(district_areas, n):
            used.add(person.pk)
            members.append(
                TeamMember(
                    person=person,
                    role=role,
                    unit=unit,
                    area_id=person.area_id,
                    valid_from=dt.date(2021, 6, 1),
                    organisation=organisation,
                    is_demo=True,
                )
            )
    TeamMember.objects.bulk_create(members, batch_size=500)

    # One row per person receives the year's attendance (a person is trained, not a role).
    first_row: dict[int, TeamMember] = {}
    for m in members:
        first_row.setdefault(m.person_id, m)
    rows = []
    for year in YEARS:
        classes = list(
            Activity.objects.filter(
                is_demo=True, kind=Kind.TRAINING, status=Activity.Status.DONE, start_date__year=year
            ).order_by("start_date", "pk")
        )
        if not classes:
            continue
        active = [
            m for m in first_row.values() if m.is_valid_on(dt.date(year, 12, 31)) or m.is_valid_on(dt.date(year, 1, 1))
        ]
        active = [m for m in active if any(m.is_valid_on(c.start_date) for c in classes)]
        rng.shuffle(active)
        trained = round(SHARES[year] * len(active))
        for i, m in enumerate(active):
            possible = [c for c in classes if m.is_valid_on(c.start_date)]
            activity = rng.choice(possible)
            if i < trained:
                rows.append(
                    TrainingAttendance(activity=activity, member=m, attended=True, completed=True, is_demo=True)
                )
            elif rng.random() < 0.5:
                rows.append(
                    TrainingAttendance(activity=activity, member=m, attended=True, completed=False, is_demo=True)
                )
    TrainingAttendance.objects.bulk_create(rows, batch_size=500)
    return {"team_members": len(members), "training_attendance": len(rows)}


def team_demo_remove() -> dict:
    """Before the demo registry is removed (members point to demo people)."""
    attendance = TrainingAttendance.objects.filter(is_demo=True).delete()[0]
    attendance += TrainingAttendance.objects.filter(member__is_demo=True).delete()[0]
    return {
        "training_attendance": attendance,
        "team_members": TeamMember.objects.filter(is_demo=True).delete()[0],
    }
