"""Loading the pre-2025 and current area trees from vietnam-provinces, and linking them."""

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command

from conftest import current_commune, legacy_commune
from lantoa.core.text import search_key
from lantoa.geo.loaders import LEGACY_END, REFORM_DATE, load_current, load_province_both
from lantoa.geo.models import Area, AreaSuccession

HONG_NGU_CODES = {"29956", "29962", "29971", "29974", "29977", "29980", "29983", "29992", "29995", "29998"}
HONG_NGU_NAMES = {
    "Xã Thường Phước 1",
    "Xã Thường Thới Hậu A",
    "Thị trấn Thường Thới Tiền",
    "Xã Thường Phước 2",
    "Xã Thường Lạc",
    "Xã Long Khánh A",
    "Xã Long Khánh B",
    "Xã Long Thuận",
    "Xã Phú Thuận B",
    "Xã Phú Thuận A",
}
CURRENT_NAMES = {"Xã Thường Phước", "Phường Thường Lạc", "Xã Long Khánh", "Xã Long Phú Thuận", "Xã Tân Long"}


def legacy_province(code="87") -> Area:
    return Area.objects.get(level=Area.Level.PROVINCE, code=code, valid_from__isnull=True)


def current_province(code="82") -> Area:
    return Area.objects.get(level=Area.Level.PROVINCE, code=code, valid_from=REFORM_DATE)


def link(predecessor: Area, successor: Area) -> AreaSuccession:
    return AreaSuccession.objects.get(predecessor=predecessor, successor=successor)


def snapshot_tree():
    areas = sorted(Area.objects.values_list("id", "level", "code", "name", "parent_id", "valid_from", "valid_to"))
    links = sorted(AreaSuccession.objects.values_list("predecessor_id", "successor_id", "partial", "primary"))
    return areas, links


# --- pre-2025 ----------------------------------------------------------------------------------------


def test_reform_dates():
    assert dt.date(2025, 7, 1) == REFORM_DATE
    assert dt.date(2025, 6, 30) == LEGACY_END


def test_legacy_dong_thap_and_hong_ngu(default_data):
    province = legacy_province()
    assert province.name == "Tỉnh Đồng Tháp"
    assert province.parent is None
    assert province.valid_from is None
    assert province.valid_to == dt.date(2025, 6, 30)
    districts = list(province.children.all())
    assert [(d.code, d.name, d.level) for d in districts] == [("870", "Huyện Hồng Ngự", Area.Level.DISTRICT)]
    district = districts[0]
    assert district.valid_from is None
    assert district.valid_to == dt.date(2025, 6, 30)
    assert district.division_type == "huyện"


def test_legacy_hong_ngu_has_exactly_its_ten_communes(default_data):
    district = Area.objects.get(level=Area.Level.DISTRICT, code="870")
    communes = list(district.children.all())
    assert len(communes) == 10
    assert {c.code for c in communes} == HONG_NGU_CODES
    assert {c.name for c in communes} == HONG_NGU_NAMES
    for c in communes:
        assert c.level == Area.Level.COMMUNE
        assert c.valid_from is None
        assert c.valid_to == dt.date(2025, 6, 30)
        assert c.search_key == search_key(c.name)
        assert c.source.startswith("vietnam-provinces ")
    # Nothing else of pre-2025 Đồng Tháp was loaded.
    assert Area.objects.filter(level=Area.Level.COMMUNE, valid_from__isnull=True).count() == 10
    assert Area.objects.filter(level=Area.Level.DISTRICT).count() == 1


def test_legacy_division_types(default_data):
    assert legacy_commune("Thị trấn Thường Thới Tiền").division_type == "thị trấn"
    assert legacy_commune("Xã Long Khánh A").division_type == "xã"
    assert legacy_province().division_type == "tỉnh"


# --- current -----------------------------------------------------------------------------------------


def test_current_dong_thap_and_its_communes(default_data):
    province = current_province()
    assert province.name == "Tỉnh Đồng Tháp"
    assert province.valid_from == dt.date(2025, 7, 1)
    assert province.valid_to is None
    assert province.parent is None
    communes = list(province.children.all())
    assert {c.name for c in communes} == CURRENT_NAMES
    assert {c.code for c in communes} == {"29971", "29978", "29983", "29992", "30154"}
    for c in communes:
        assert c.level == Area.Level.COMMUNE
        assert c.valid_from == dt.date(2025, 7, 1)
        assert c.valid_to is None
    assert current_commune("Phường Thường Lạc").division_type == "phường"
    # Two levels only: no current district.
    assert not Area.objects.filter(level=Area.Level.DISTRICT, valid_from=REFORM_DATE).exists()


# --- links -------------------------------------------------------------------------------------------


def test_province_linked_to_current_province(default_data):
    succession = link(legacy_province(), current_province())
    assert succession.effective_on == dt.date(2025, 7, 1)
    assert succession.primary


def test_long_khanh_a_and_b_merge_into_long_khanh(default_data):
    long_khanh = current_commune("Xã Long Khánh")
    for old in ("Xã Long Khánh A", "Xã Long Khánh B"):
        succession = link(legacy_commune(old), long_khanh)
        assert succession.effective_on == dt.date(2025, 7, 1)
        assert succession.primary
        assert not succession.partial
        assert AreaSuccession.objects.filter(predecessor=legacy_commune(old)).count() == 1
    assert set(long_khanh.predecessions.values_list("predecessor__name", flat=True)) == {
        "Xã Long Khánh A",
        "Xã Long Khánh B",
    }


def test_phu_thuan_b_split_with_one_primary(default_data):
    phu_thuan_b = legacy_commune("Xã Phú Thuận B")
    to_lpt = link(phu_thuan_b, current_commune("Xã Long Phú Thuận"))
    to_tan_long = link(phu_thuan_b, current_commune("Xã Tân Long"))
    assert to_lpt.partial and to_lpt.primary
    assert to_tan_long.partial and not to_tan_long.primary
    assert AreaSuccession.objects.filter(predecessor=phu_thuan_b).count() == 2


def test_every_legacy_commune_has_exactly_one_primary_successor(default_data):
    for commune in Area.objects.filter(level=Area.Level.COMMUNE, valid_from__isnull=True):
        primaries = AreaSuccession.objects.filter(predecessor=commune, primary=True)
        assert primaries.count() == 1, commune.name
        assert primaries.get().successor.valid_from == REFORM_DATE


def test_thuong_lac_merges(default_data):
    thuong_lac = current_commune("Phường Thường Lạc")
    assert set(thuong_lac.predecessions.values_list("predecessor__name", flat=True)) == {
        "Xã Thường Lạc",
        "Xã Thường Thới Hậu A",
    }


# --- re-running ---------------------------------------------------------------------------------------


def test_running_twice_creates_nothing(default_data):
    before = snapshot_tree()
    report = load_province_both(87, districts=[870])
    assert report.created == 0
    assert report.existing == 1 + 1 + 10 + 1 + 5
    assert report.links == 0
    assert snapshot_tree() == before


def test_command_twice_creates_nothing(default_data):
    before = snapshot_tree()
    out = io.StringIO()
    call_command("load_areas", legacy_province=87, district=[870], stdout=out)
    assert "0 created" in out.getvalue()
    assert "0 reorganisation links made" in out.getvalue()
    assert snapshot_tree() == before


def test_rerun_does_not_overwrite_hand_edits(default_data):
    old = legacy_commune("Xã Long Khánh A")
    old.name = "Xã Long Khánh A (cũ)"
    old.save()
    new = current_commune("Xã Tân Long")
    new.name = "Xã Tân Long (sửa tay)"
    new.division_type = "xã (sửa)"
    new.save()
    count = Area.objects.count()
    report = load_province_both(87, districts=[870])
    assert report.created == 0
    assert Area.objects.count() == count
    old.refresh_from_db()
    new.refresh_from_db()
    assert old.name == "Xã Long Khánh A (cũ)"
    assert new.name == "Xã Tân Long (sửa tay)"
    assert new.division_type == "xã (sửa)"


def test_rerun_keeps_hand_changed_primary_link(default_data):
    phu_thuan_b = legacy_commune("Xã Phú Thuận B")
    AreaSuccession.objects.filter(predecessor=phu_thuan_b).update(primary=False)
    AreaSuccession.objects.filter(predecessor=phu_thuan_b, successor__name="Xã Tân Long").update(primary=True)
    load_province_both(87, districts=[870])
    primary = AreaSuccession.objects.get(predecessor=phu_thuan_b, primary=True)
    assert primary.successor.name == "Xã Tân Long"


def test_rerun_recreates_a_deleted_link(default_data):
    phu_thuan_b = legacy_commune("Xã Phú Thuận B")
    AreaSuccession.objects.filter(predecessor=phu_thuan_b, successor__name="Xã Tân Long").delete()
    report = load_province_both(87, districts=[870])
    assert report.links == 1
    restored = AreaSuccession.objects.get(predecessor=phu_thuan_b, successor__name="Xã Tân Long")
    assert not restored.primary  # the primary one is still Long Phú Thuận


# --- other provinces ----------------------------------------------------------------------------------


def test_load_current_ha_noi(db):
    report = load_current(1)
    province = current_province("1")
    assert province.name == "Thành phố Hà Nội"
    wards = Area.objects.filter(parent=province, level=Area.Level.COMMUNE)
    assert wards.count() == 126
    assert report.created == 127
    assert report.existing == 0
    ba_dinh = wards.get(code="4")
    assert ba_dinh.name == "Phường Ba Đình"
    assert ba_dinh.valid_from == REFORM_DATE
    assert ba_dinh.search_key == "phuong ba dinh"
    again = load_current(1)
    assert (again.created, again.existing) == (0, 127)


def test_load_current_only_some_wards(db):
    report = load_current(1, ward_codes={4, 8})
    assert report.created == 3
    assert set(Area.objects.filter(level=Area.Level.COMMUNE).values_list("name", flat=True)) == {
        "Phường Ba Đình",
        "Phường Ngọc Hà",
    }


def test_load_both_for_another_district_next_to_default_data(default_data):
    report = load_province_both(1, districts=[1])  # Hà Nội, Quận Ba Đình
    district = Area.objects.get(level=Area.Level.DISTRICT, code="1")
    assert district.name == "Quận Ba Đình"
    assert district.parent == legacy_province("1")
    legacy_wards = Area.objects.filter(parent=district)
    assert legacy_wards.count() == 13
    assert {"Phường Phúc Xá", "Phường Trúc Bạch", "Phường Giảng Võ"} <= set(legacy_wards.values_list("name", flat=True))
    current = Area.objects.filter(parent=current_province("1"))
    assert set(current.values_list("code", flat=True)) == {"4", "8", "25", "70", "97", "190", "199", "226"}
    assert report.created == 1 + 1 + 13 + 1 + 8
    # Legacy ward code 4 (Trúc Bạch) and current ward code 4 (Ba Đình) are different areas.
    assert Area.objects.get(level=3, code="4", valid_from__isnull=True).name == "Phường Trúc Bạch"
    assert Area.objects.get(level=3, code="4", valid_from=REFORM_DATE).name == "Phường Ba Đình"
    for ward in legacy_wards:
        assert AreaSuccession.objects.filter(predecessor=ward, primary=True).count() == 1, ward.name
    assert link(legacy_province("1"), current_province("1")).primary
    # Hồng Ngự is untouched.
    assert Area.objects.filter(parent__code="870").count() == 10
    assert Area.objects.filter(level=Area.Level.DISTRICT).count() == 2


def test_load_areas_command_without_province_is_an_error(db):
    with pytest.raises(CommandError):
        call_command("load_areas", stdout=io.StringIO())


def test_load_areas_command_with_unknown_province_is_an_error(db):
    with pytest.raises(CommandError, match="999"):
        call_command("load_areas", legacy_province=999, stdout=io.StringIO())
    assert not Area.objects.exists()
