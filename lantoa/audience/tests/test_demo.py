"""The demo registry (issue 4, part 8): believable, consistent with the demo activities, removable."""

import datetime as dt
import re
import unicodedata
from collections import Counter, defaultdict

import pytest

from lantoa.activities.models import Activity
from lantoa.audience.demo import COPY_SOURCES, DEMO_SOURCE, audience_demo_load
from lantoa.audience.duplicates import duplicate_groups
from lantoa.audience.models import (
    ConsentEvent,
    Employer,
    Household,
    InsuranceStatus,
    Person,
    Reach,
    StaffPosting,
    Statistic,
)
from lantoa.core.text import normalize_phone, search_key
from lantoa.demo.services import demo_load, demo_remove
from lantoa.geo.selectors import commune_rollup_map, communes_on
from lantoa.plans.models import Plan
from tests import replay

pytestmark = pytest.mark.django_db

SMALL = 300


@pytest.fixture(scope="module")
def demo_rows(default_data_rows, django_db_blocker):
    """The demo's rows, loaded by the real demo_load once for the module and replayed per test."""
    with django_db_blocker.unblock():
        return replay.capture(
            lambda: demo_load(actor=None, people=SMALL), before=lambda: replay.replay(default_data_rows)
        )


@pytest.fixture
def loaded(default_data, demo_rows):
    replay.replay(demo_rows)
    return demo_rows.result


def test_people_have_valid_unique_identifiers(loaded):
    people = list(Person.objects.filter(is_demo=True).exclude(source__in=COPY_SOURCES))
    assert len(people) == SMALL == loaded["people"]
    cccds = [p.cccd for p in people if p.cccd]
    assert len(cccds) == len(set(cccds)) and len(cccds) > SMALL * 0.7
    for p in people:
        assert p.full_name == unicodedata.normalize("NFC", p.full_name) and len(p.full_name.split()) >= 3
        assert p.name_key == search_key(p.full_name)
        assert p.birth_year == p.birth_date.year and p.birth_date <= dt.date.today()
        if p.cccd:
            # Đồng Tháp (087), then the sex/century digit, then the year of birth.
            assert re.fullmatch(r"087\d{9}", p.cccd)
            century = (0 if p.birth_year < 2000 else 2) + (1 if p.sex == "f" else 0)
            assert p.cccd[3] == str(century) and p.cccd[4:6] == f"{p.birth_year % 100:02d}"
        if p.bhxh_number:
            assert re.fullmatch(r"87\d{8}", p.bhxh_number)
        for phone in (p.phone, p.phone2):
            if phone:
                assert normalize_phone(phone) == phone and phone[3] in "3789"
        if p.insurance_status == InsuranceStatus.VOLUNTARY:
            assert p.payment_mode and p.declared_income
        else:
            assert not p.payment_mode and p.next_due_date is None
        if p.insurance_status != InsuranceStatus.NONE:
            assert p.bhxh_number
    numbers = [p.bhxh_number for p in people if p.bhxh_number]
    assert len(numbers) == len(set(numbers))
    phones = [x for p in people for x in (p.phone, p.phone2) if x]
    assert len(phones) == len(set(phones)) and len(phones) > SMALL * 0.4
    ages = Counter(2025 - p.birth_year for p in people)
    working = sum(n for age, n in ages.items() if 15 <= age <= 60)
    assert 0.5 < working / SMALL < 0.8 and max(ages) <= 96
    statuses = Counter(p.insurance_status for p in people)
    assert statuses[InsuranceStatus.NONE] > SMALL / 2 and statuses[InsuranceStatus.VOLUNTARY] > 0
    # Legacy communes mostly, a few people recorded on the communes in force since 01/07/2025.
    current = sum(1 for p in people if p.area.valid_from is not None)
    assert 0 < current < SMALL * 0.15
    assert all(p.area.level == 3 for p in people)


def test_households_are_consistent(loaded):
    households = list(Household.objects.filter(is_demo=True).prefetch_related("members"))
    assert households and len({(h.area_id, h.code) for h in households}) == len(households)
    for h in households:
        members = list(h.members.all())
        assert 3 <= len(members) <= 5
        assert {m.area_id for m in members} == {h.area_id}
        assert h.head_name in {m.full_name for m in members}
        assert re.fullmatch(r"87\d{8}", h.code)
    in_household = Person.objects.filter(is_demo=True, household__isnull=False).count()
    assert in_household > SMALL * 0.95


def test_consent_employers_and_groups(loaded):
    consenting = Person.objects.filter(is_demo=True, consent=True)
    assert consenting.count() > SMALL * 0.25
    for p in consenting.prefetch_related("consent_events"):
        latest = p.consent_events.all()[0]
        assert latest.given and latest.date == p.consent_date and p.phone
    assert not Person.objects.filter(is_demo=True, consent=True, consent_events__isnull=True).exists()
    withdrawn = ConsentEvent.objects.filter(person__is_demo=True, given=False)
    for event in withdrawn:
        assert not event.person.consent
    employers = list(Employer.objects.filter(is_demo=True))
    assert employers and all(re.fullmatch(r"14\d{8}", e.tax_code) for e in employers)
    for e in employers:
        linked = e.people.count()
        assert e.employees >= linked and e.insured_employees <= e.employees
        assert all("nld-nsdld" in {g.code for g in p.groups.all()} for p in e.people.all())
    codes = Counter(
        code
        for p in Person.objects.filter(is_demo=True).exclude(source__in=COPY_SOURCES)
        for code in p.groups.values_list("code", flat=True)
    )
    assert {"tn-1", "can-bo", "lanh-dao", "nld-nsdld"} <= set(codes)
    assert "tn-7" not in codes  # computed from the due date, never stored


def test_staff_lists_and_statistics(loaded):
    postings = list(StaffPosting.objects.filter(person__is_demo=True).select_related("unit", "person"))
    units = {p.unit.code for p in postings}
    assert {"hn-bhxh", "hn-ldtbxh", "hn-ubnd-thuong-lac", "dt-ubnd-long-khanh"} <= units
    assert any(p.is_leader for p in postings) and any(p.communication for p in postings)
    for p in postings:
        assert p.valid_to is None or p.valid_from is None or p.valid_to >= p.valid_from
        if p.unit.valid_to:
            assert p.valid_to is not None and p.valid_to <= p.unit.valid_to
        if p.unit.valid_from and p.unit.valid_from >= dt.date(2025, 7, 1):
            assert p.valid_from >= p.unit.valid_from
    # Nobody holds two posts at once.
    for day in (dt.date(2023, 12, 31), dt.date(2025, 12, 31)):
        on = [p.person_id for p in postings if p.is_valid_on(day)]
        assert len(on) == len(set(on))
    plan = Plan.objects.get(is_default=True)
    for year in (2022, 2023, 2024, 2025):
        day = dt.date(year, 12, 31)
        labour = Statistic.objects.filter(kind=Statistic.Kind.LABOUR_FORCE, year=year, is_demo=True)
        assert {s.area_id for s in labour} == {c.id for c in communes_on(plan.areas.all(), day)}
        assert all(s.value > 0 and s.source == DEMO_SOURCE for s in labour)
        officials = {s.unit_id: s.value for s in Statistic.objects.filter(kind=Statistic.Kind.OFFICIALS, year=year)}
        on_list = Counter(p.unit_id for p in postings if p.is_official and p.is_valid_on(day))
        # The post office's staff are not officials: listed with 0.
        assert officials == {unit_id: on_list.get(unit_id, 0) for unit_id in officials}
        assert set(on_list) <= set(officials)
        assert Statistic.objects.filter(kind=Statistic.Kind.COMM_STAFF, year=year).exists()


def test_reach_follows_the_activities(loaded):
    rows = list(
        Reach.objects.filter(is_demo=True).select_related("activity", "person").prefetch_related("activity__topics")
    )
    assert rows and loaded["reach"] == len(rows)
    maps = {}
    for r in rows:
        a = r.activity
        assert a.status == Activity.Status.DONE and a.is_demo
        assert r.source == Reach.Source.ACTIVITY and r.source_key == f"a:{a.pk}" and r.date == a.start_date
        topics = list(a.topics.all())
        assert r.voluntary == any(t.voluntary_bhxh for t in topics)
        assert r.reform == any(t.reform_number is not None for t in topics)
        # The person lives in the activity's commune (records roll up to the commune in force that day).
        day = a.start_date
        if day not in maps:
            maps[day] = commune_rollup_map(day)
        assert maps[day].get(r.person.area_id) == maps[day][a.area_id]
    years = Counter(r.date.year for r in rows)
    assert set(years) == {2022, 2023, 2024, 2025, 2026}  # 2026 up to today
    # A person reached by several activities in a year: several rows, counted once.
    per_person = Counter((r.person_id, r.date.year) for r in rows)
    assert max(per_person.values()) > 1
    # The new activities name exactly as many people as their head-count says.
    named = defaultdict(int)
    for r in rows:
        named[r.activity_id] += 1
    for a in Activity.objects.filter(pk__in=list(named)).prefetch_related("audiences"):
        assert named[a.pk] <= sum(x.headcount for x in a.audiences.all()) or a.participants == named[a.pk]
    # Radio, leaflets and posts keep no names: their reach stays estimated.
    for kind in ("visual", "press_piece", "social_post"):
        assert not Reach.objects.filter(activity__kind=kind).exists()
        assert Activity.objects.filter(kind=kind, is_demo=True).exists()
    # Officials were told about the reform contents.
    officials = set(StaffPosting.objects.filter(is_official=True).values_list("person_id", flat=True))
    reform = {r.person_id for r in rows if r.reform}
    assert len(officials & reform) > len(officials) * 0.6


def test_loading_twice_changes_nothing_and_remove_leaves_nothing(loaded):
    counts = (Person.objects.count(), Reach.objects.count(), Household.objects.count())
    assert demo_load(actor=None, people=SMALL)["already"]
    assert audience_demo_load(people=SMALL)["already"]
    assert (Person.objects.count(), Reach.objects.count(), Household.objects.count()) == counts
    removed = demo_remove(actor=None)
    assert removed["people"] == SMALL + loaded["duplicates"] and removed["reach"] > 0
    for model in (Person, Reach, Household, Employer, Statistic, StaffPosting, ConsentEvent, Activity):
        assert not model.objects.exists(), model


def test_the_same_seed_gives_the_same_registry(default_data):
    def snapshot():
        return sorted(Person.objects.filter(is_demo=True).values_list("full_name", "cccd", "phone", "birth_date"))

    demo_load(actor=None, people=120, seed=7)
    first = snapshot()
    demo_remove(actor=None)
    demo_load(actor=None, people=120, seed=7)
    assert snapshot() == first


def test_the_planted_duplicates_are_found(loaded):
    copies = Person.objects.filter(is_demo=True, source__in=COPY_SOURCES)
    assert copies.count() == loaded["duplicates"] >= 3
    found = {pk for g in duplicate_groups(user=None) for pk in g.ids}
    assert set(copies.values_list("id", flat=True)) <= found
