"""T1 against a hand-counted world (today is the real date, after 2025)."""

from decimal import Decimal

import pytest

from lantoa.plans.kpi import compute
from lantoa.plans.models import Indicator
from lantoa.team.models import Role

from .conftest import attend, commune, d, member, person, training


@pytest.fixture
def world(default_data):
    lk, tl = commune("Xã Long Khánh"), commune("Xã Tân Long")
    u = "dt-ubnd-long-khanh"
    m = {}
    # A: in the team since 2020, completes a done 2024 class → trained in 2024.
    m["A"] = member(person("An", lk, u), Role.COLLABORATOR, u, d("01/01/2020"))
    # B: one person, two roles (hamlet head and collaborator) → counted once; completes on one row.
    pb = person("Bình", lk, u)
    member(pb, Role.HAMLET_HEAD, u, d("01/01/2022"))
    m["B"] = member(pb, Role.COLLABORATOR, u, d("01/01/2022"))
    # C: in the team only 01/01–31/03/2024 (part of the year), completes the class of 15/03/2024.
    m["C"] = member(person("Cúc", lk, u), Role.COLLECTION_AGENT, u, d("01/01/2024"), d("31/03/2024"))
    # D: joins on 01/10/2024, never trained → in the 2024 denominator, not trained.
    m["D"] = member(person("Dũng", lk, u), Role.PRESTIGIOUS, u, d("01/10/2024"))
    # E: attended the 2024 class but did not complete it.
    m["E"] = member(person("Em", lk, u), Role.COLLABORATOR, u, d("01/01/2022"))
    # F: "completed" a class that was cancelled → not trained.
    m["F"] = member(person("Phúc", lk, u), Role.RELIGIOUS, u, d("01/01/2022"))
    # G: completed a 2023 class only → trained in 2023, not in 2024.
    m["G"] = member(person("Giang", lk, u), Role.COLLABORATOR, u, d("01/01/2022"))
    # H: left on 31/12/2023 → not in the 2024 denominator; trained in 2023.
    m["H"] = member(person("Hà", lk, u), Role.COLLABORATOR, u, d("01/01/2021"), d("31/12/2023"))
    # I: a member of Tân Long (another commune's unit), trained in 2024: outside the Long Khánh scope.
    m["I"] = member(person("Ính", tl, "dt-ubnd-tan-long"), Role.COLLABORATOR, "dt-ubnd-tan-long", d("01/01/2022"))
    c2024 = training(d("15/03/2024"), lk)
    cancelled = training(d("20/05/2024"), lk, status="cancelled")
    c2023 = training(d("10/04/2023"), lk)
    for key in "ABCI":
        attend(c2024, m[key])
    attend(c2024, m["E"], completed=False)
    attend(cancelled, m["F"])
    attend(c2023, m["G"])
    attend(c2023, m["H"])
    return m


def _t1(year, user=None, **kw):
    indicator = Indicator.objects.filter(computation="team_trained_share").first()
    return compute(indicator, year, user=user, **kw)


def test_t1_whole_district_2024(world, coordinator):
    # Active in 2024 (distinct people): A B C D E F G I = 8 (H left in 2023; B's two rows count once).
    # Trained in 2024: A B C I = 4 (E did not complete, F's class was cancelled, G was trained in 2023).
    r = _t1(2024, coordinator)
    assert (r.numerator, r.denominator, r.actual) == (Decimal(4), Decimal(8), Decimal("50.0"))
    rows = list(r.records)
    assert len(rows) == 8
    assert {x.person.full_name for x in rows if x.trained} == {"An", "Bình", "Cúc", "Ính"}


def test_t1_commune_scope_2024(world, lk_officer):
    # The Long Khánh officer sees A–G (I belongs to Tân Long): 7 people, 3 trained (A B C) → 42.9 %.
    r = _t1(2024, lk_officer)
    assert (r.numerator, r.denominator, r.actual) == (Decimal(3), Decimal(7), Decimal("42.9"))


def test_t1_narrowed_to_area_and_unit(world, coordinator):
    r = _t1(2024, coordinator, area=commune("Xã Tân Long"))
    assert (r.numerator, r.denominator) == (Decimal(1), Decimal(1))
    from lantoa.orgs.models import Unit

    r = _t1(2024, coordinator, unit=Unit.objects.get(code="dt-ubnd-long-khanh"))
    assert (r.numerator, r.denominator) == (Decimal(3), Decimal(7))


def test_t1_2023(world, coordinator):
    # Active in 2023: A B E F G H I = 7 (C and D joined in 2024); trained in 2023: G H = 2 → 28.6 %.
    r = _t1(2023, coordinator)
    assert (r.numerator, r.denominator, r.actual) == (Decimal(2), Decimal(7), Decimal("28.6"))


def test_t1_future_year_and_empty(world, coordinator, outsider):
    assert not _t1(2099, coordinator).has_data
    # 2021: only A (since 2020) and H (since 2021) were in the team; nobody trained → 0 %.
    r = _t1(2021, coordinator)
    assert (r.numerator, r.denominator, r.actual) == (Decimal(0), Decimal(2), Decimal("0.0"))


def test_t1_no_members_in_scope(default_data, make_user):
    from lantoa.accounts.roles import Role as UserRole

    user = make_user(UserRole.COMMUNE_OFFICER, "dt-ubnd-tan-long")
    r = _t1(2024, user)
    assert not r.has_data and r.no_data_reason
