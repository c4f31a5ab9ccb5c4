"""What an old record counts under after the 2025 reform, and which areas cover an abolished one."""

import datetime as dt

import pytest

from conftest import current_commune, legacy_commune
from lantoa.geo.models import Area
from lantoa.geo.selectors import (
    ancestor_at_level,
    area_list,
    area_path,
    covering_areas,
    descendant_ids,
    predecessor_ids,
    rollup,
    rollup_source_ids,
)
from lantoa.geo.services import hamlet_create

CURRENT_NAMES = ["Phường Thường Lạc", "Xã Long Khánh", "Xã Long Phú Thuận", "Xã Thường Phước", "Xã Tân Long"]


@pytest.fixture
def hamlets(default_data):
    lka = legacy_commune("Xã Long Khánh A")
    lkb = legacy_commune("Xã Long Khánh B")
    lk = current_commune("Xã Long Khánh")
    tl = legacy_commune("Xã Thường Lạc")
    return {
        "long_hoa": hamlet_create(actor=None, commune=lka, name="Ấp Long Hòa"),
        "long_thanh": hamlet_create(actor=None, commune=lkb, name="Ấp Long Thạnh"),
        "new_hamlet": hamlet_create(actor=None, commune=lk, name="Ấp Long Hòa", valid_from=dt.date(2025, 7, 1)),
        "thuong_lac_hamlet": hamlet_create(actor=None, commune=tl, name="Ấp Thượng"),
    }


def district() -> Area:
    return Area.objects.get(level=Area.Level.DISTRICT, code="870")


# --- rollup ------------------------------------------------------------------------------------------


def test_record_on_long_khanh_a_before_the_reform_stays(default_data):
    lka = legacy_commune("Xã Long Khánh A")
    assert rollup(lka, dt.date(2023, 3, 15)) == lka
    assert rollup(lka, dt.date(2025, 6, 30)) == lka  # last day of the old commune


@pytest.mark.parametrize("day", [dt.date(2025, 7, 1), dt.date(2025, 12, 31), dt.date(2030, 1, 1)])
def test_record_on_long_khanh_a_rolls_up_to_long_khanh_after_the_reform(default_data, day):
    assert rollup(legacy_commune("Xã Long Khánh A"), day) == current_commune("Xã Long Khánh")
    assert rollup(legacy_commune("Xã Long Khánh B"), day) == current_commune("Xã Long Khánh")


def test_hamlet_rolls_up_to_its_commune_then_to_the_successor(hamlets):
    long_hoa = hamlets["long_hoa"]
    assert rollup(long_hoa, dt.date(2023, 3, 15)) == legacy_commune("Xã Long Khánh A")
    assert rollup(long_hoa, dt.date(2025, 7, 1)) == current_commune("Xã Long Khánh")
    assert rollup(long_hoa, dt.date(2026, 1, 1)) == current_commune("Xã Long Khánh")


def test_hamlet_under_current_commune_rolls_up_to_it(hamlets):
    assert rollup(hamlets["new_hamlet"], dt.date(2026, 1, 1)) == current_commune("Xã Long Khánh")


def test_split_commune_rolls_up_to_its_primary_successor(default_data):
    ptb = legacy_commune("Xã Phú Thuận B")
    assert rollup(ptb, dt.date(2025, 7, 1)) == current_commune("Xã Long Phú Thuận")
    assert rollup(ptb, dt.date(2024, 1, 1)) == ptb


def test_rollup_at_province_and_district_level(default_data):
    lka = legacy_commune("Xã Long Khánh A")
    old_province = Area.objects.get(level=Area.Level.PROVINCE, code="87")
    new_province = Area.objects.get(level=Area.Level.PROVINCE, code="82")
    assert rollup(lka, dt.date(2023, 3, 15), Area.Level.PROVINCE) == old_province
    assert rollup(lka, dt.date(2025, 7, 1), Area.Level.PROVINCE) == new_province
    assert rollup(lka, dt.date(2023, 3, 15), Area.Level.DISTRICT) == district()
    # Districts were abolished without a successor.
    assert rollup(lka, dt.date(2025, 7, 1), Area.Level.DISTRICT) is None


def test_rollup_of_a_commune_at_hamlet_level_is_none(default_data):
    assert rollup(legacy_commune("Xã Long Khánh A"), dt.date(2023, 1, 1), Area.Level.HAMLET) is None


def test_ancestor_and_path(hamlets):
    long_hoa = hamlets["long_hoa"]
    assert ancestor_at_level(long_hoa, Area.Level.DISTRICT) == district()
    assert [a.name for a in area_path(long_hoa)] == [
        "Tỉnh Đồng Tháp",
        "Huyện Hồng Ngự",
        "Xã Long Khánh A",
        "Ấp Long Hòa",
    ]


# --- rollup_source_ids / predecessor_ids / descendant_ids ---------------------------------------------


def test_rollup_source_ids_of_long_khanh(hamlets):
    ids = rollup_source_ids(current_commune("Xã Long Khánh"))
    expected = {
        current_commune("Xã Long Khánh").id,
        legacy_commune("Xã Long Khánh A").id,
        legacy_commune("Xã Long Khánh B").id,
        hamlets["long_hoa"].id,
        hamlets["long_thanh"].id,
        hamlets["new_hamlet"].id,
    }
    assert ids == expected
    assert legacy_commune("Xã Thường Lạc").id not in ids
    assert current_commune("Phường Thường Lạc").id not in ids
    assert hamlets["thuong_lac_hamlet"].id not in ids


def test_rollup_source_ids_follow_only_primary_links(default_data):
    ptb = legacy_commune("Xã Phú Thuận B").id
    assert ptb in rollup_source_ids(current_commune("Xã Long Phú Thuận"))
    assert ptb not in rollup_source_ids(current_commune("Xã Tân Long"))
    assert rollup_source_ids(current_commune("Xã Tân Long")) == {current_commune("Xã Tân Long").id}


def test_rollup_source_ids_of_current_province_covers_all_of_hong_ngu(hamlets):
    ids = rollup_source_ids(Area.objects.get(level=Area.Level.PROVINCE, code="82"))
    # Everything loaded (old province, district, communes, hamlets; the new communes) counts under it.
    assert ids == set(Area.objects.values_list("id", flat=True))
    assert district().id in ids


def test_predecessor_ids(default_data):
    lk = current_commune("Xã Long Khánh")
    assert predecessor_ids([lk.id]) == {
        lk.id,
        legacy_commune("Xã Long Khánh A").id,
        legacy_commune("Xã Long Khánh B").id,
    }
    assert predecessor_ids([]) == set()


def test_descendant_ids(hamlets):
    old_province = Area.objects.get(level=Area.Level.PROVINCE, code="87")
    ids = descendant_ids([old_province.id])
    legacy = set(Area.objects.filter(valid_from__isnull=True).values_list("id", flat=True))
    # The province, its district, 10 communes and the three hamlets under old communes.
    assert len(ids) == 1 + 1 + 10 + 3
    assert ids == legacy
    assert descendant_ids([legacy_commune("Xã Long Khánh A").id]) == {
        legacy_commune("Xã Long Khánh A").id,
        hamlets["long_hoa"].id,
    }
    assert descendant_ids([]) == set()


# --- covering_areas ----------------------------------------------------------------------------------


def test_covering_areas_of_abolished_district(default_data):
    found = covering_areas([district()], dt.date(2026, 1, 1))
    assert [a.name for a in found] == CURRENT_NAMES
    assert all(a.valid_from == dt.date(2025, 7, 1) for a in found)


def test_covering_areas_before_the_reform_is_the_area_itself(default_data):
    assert covering_areas([district()], dt.date(2024, 1, 1)) == [district()]


def test_covering_areas_of_a_split_commune_includes_every_part(default_data):
    found = covering_areas([legacy_commune("Xã Phú Thuận B")], dt.date(2026, 1, 1))
    assert [a.name for a in found] == ["Xã Long Phú Thuận", "Xã Tân Long"]


def test_covering_areas_deduplicates(default_data):
    found = covering_areas(
        [legacy_commune("Xã Long Khánh A"), legacy_commune("Xã Long Khánh B"), current_commune("Xã Long Khánh")],
        dt.date(2026, 1, 1),
    )
    assert [a.name for a in found] == ["Xã Long Khánh"]


def test_covering_areas_of_old_province(default_data):
    found = covering_areas([Area.objects.get(level=Area.Level.PROVINCE, code="87")], dt.date(2026, 1, 1))
    assert [(a.level, a.code) for a in found] == [(Area.Level.PROVINCE, "82")]


# --- area_list ---------------------------------------------------------------------------------------


def test_area_list_filters_by_date_and_accentless_query(default_data):
    in_2024 = area_list(level=Area.Level.COMMUNE, on=dt.date(2024, 1, 1))
    assert in_2024.count() == 10
    in_2026 = area_list(level=Area.Level.COMMUNE, on=dt.date(2026, 1, 1))
    assert sorted(a.name for a in in_2026) == sorted(CURRENT_NAMES)
    assert [a.name for a in area_list(q="long khanh", on=dt.date(2026, 1, 1))] == ["Xã Long Khánh"]
    assert {a.name for a in area_list(q="LONG KHÁNH", on=dt.date(2024, 1, 1))} == {"Xã Long Khánh A", "Xã Long Khánh B"}


def test_covering_areas_ignores_areas_not_created_yet(default_data, django_assert_max_num_queries):
    import datetime as dt

    from lantoa.geo.models import Area
    from lantoa.geo.selectors import covering_areas

    current = Area.objects.get(level=Area.Level.PROVINCE, code="82")
    legacy = Area.objects.get(level=Area.Level.PROVINCE, code="87")
    # On a 2023 day the current province and its communes do not exist yet: only the old province covers.
    with django_assert_max_num_queries(3):
        assert covering_areas([current, legacy], dt.date(2023, 6, 1)) == [legacy]
