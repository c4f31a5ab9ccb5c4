"""Units of §VII: loaded with their areas; renamed, merged and closed with dates, history kept, audited."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db.models import F
from django.urls import reverse

from conftest import current_commune, legacy_commune
from lantoa.accounts.roles import Role
from lantoa.core.models import AuditLog
from lantoa.orgs.models import Membership, Unit, UnitDuty
from lantoa.orgs.services import (
    membership_assign,
    unit_close,
    unit_merge,
    unit_name_on,
    unit_rename,
    unit_save,
    units_load,
)

pytestmark = pytest.mark.django_db

SECTION_VII_KINDS = {
    "labour_office",
    "insurance_office",
    "culture_office",
    "radio_centre",
    "finance_office",
    "other_office",
    "post_office",
    "procuracy",
    "court",
    "fatherland_front",
    "association",
    "commune_committee",
}


def test_every_unit_of_section_vii_is_loaded(default_data):
    kinds = set(Unit.objects.values_list("kind", flat=True))
    assert kinds >= SECTION_VII_KINDS
    associations = set(Unit.objects.filter(kind="association").values_list("short_name", flat=True))
    assert {"Hội Nông dân", "Hội LHPN", "Huyện Đoàn", "LĐLĐ huyện"} <= associations
    assert Unit.objects.get(code="hn-hoinongdan").parent.code == "hn-mttq"
    assert Unit.objects.get(code="hn-ttvhtt").parent.code == "hn-vhtt"
    # One People's Committee per commune of the former district, on its commune.
    committees = Unit.objects.filter(kind="commune_committee", valid_to=dt.date(2025, 6, 30))
    assert committees.count() == 10
    assert committees.get(code="hn-ubnd-long-khanh-a").area == legacy_commune("Xã Long Khánh A")


def test_commune_committees_merged_on_1_july_2025(default_data):
    old = Unit.objects.get(code="hn-ubnd-long-khanh-a")
    assert old.valid_to == dt.date(2025, 6, 30)
    assert old.merged_into.code == "dt-ubnd-long-khanh"
    assert old.merged_into.area == current_commune("Xã Long Khánh")
    assert set(old.merged_into.merged_from.values_list("code", flat=True)) == {
        "hn-ubnd-long-khanh-a",
        "hn-ubnd-long-khanh-b",
    }


def test_loading_units_twice_changes_nothing(default_data):
    before = list(Unit.objects.order_by("id").values_list("id", "name", "valid_to"))

    def duties():
        return list(UnitDuty.objects.order_by("id").values_list("id", "unit_id", "duty", "valid_from", "valid_to"))

    held = duties()
    assert units_load(actor=None) == (0, 38)
    assert list(Unit.objects.order_by("id").values_list("id", "name", "valid_to")) == before
    assert duties() == held


def office(code: str, name: str, *, parent: str = "dt-ubnd-long-khanh") -> Unit:
    """An office of a commune in force today (units of the default data are the district's, closed in 2025)."""
    return unit_save(
        actor=None,
        unit=Unit(
            code=code,
            name=name,
            kind=Unit.Kind.OTHER_OFFICE,
            parent=Unit.objects.get(code=parent),
            area=current_commune("Xã Long Khánh"),
            valid_from=dt.date(2025, 7, 1),
        ),
    )


def test_rename_keeps_the_old_name_with_dates(default_data, coordinator):
    unit = Unit.objects.get(code="dt-bhxh-kv")
    unit_rename(actor=coordinator, unit=unit, new_name="Bảo hiểm xã hội tỉnh Đồng Tháp", on=dt.date(2026, 3, 1))
    unit.refresh_from_db()
    assert unit.name == "Bảo hiểm xã hội tỉnh Đồng Tháp"
    assert unit_name_on(unit, dt.date(2025, 12, 31)) == "Bảo hiểm xã hội khu vực (Đồng Tháp)"
    assert unit_name_on(unit, dt.date(2026, 3, 1)) == unit.name
    row = AuditLog.objects.get(verb="unit_rename", target_id=str(unit.pk))
    assert row.changes["name"] == ["Bảo hiểm xã hội khu vực (Đồng Tháp)", unit.name]
    assert row.actor == coordinator


def test_rename_rejects_a_date_before_the_current_name(default_data, coordinator):
    unit = Unit.objects.get(code="dt-bhxh-kv")
    with pytest.raises(ValidationError) as err:
        unit_rename(actor=coordinator, unit=unit, new_name="BHXH tỉnh", on=dt.date(2020, 1, 1))
    assert "on" in err.value.message_dict
    unit.refresh_from_db()
    assert unit.name == "Bảo hiểm xã hội khu vực (Đồng Tháp)" and not unit.former_names.exists()


def test_merge_moves_people_and_closes_units(default_data, coordinator, make_user):
    economy = office("lk-kinh-te", "Phòng Kinh tế xã Long Khánh")
    social = office("lk-vhxh", "Phòng Văn hóa - Xã hội xã Long Khánh")
    staff = make_user(Role.UNIT_OFFICER, "lk-kinh-te", valid_from=dt.date(2025, 7, 1))
    unit_merge(actor=coordinator, units=[economy], into=social, on=dt.date(2026, 3, 1))
    economy.refresh_from_db()
    assert economy.valid_to == dt.date(2026, 2, 28) and economy.merged_into == social
    memberships = list(Membership.objects.filter(user=staff).order_by(F("valid_to").asc(nulls_last=True)))
    assert [(m.unit.code, m.valid_to) for m in memberships] == [("lk-kinh-te", dt.date(2026, 2, 28)), ("lk-vhxh", None)]
    assert memberships[1].valid_from == dt.date(2026, 3, 1)
    assert AuditLog.objects.filter(verb="unit_merge", target_id=str(economy.pk)).exists()


def test_close_twice_or_into_itself_is_refused(default_data, coordinator):
    court = office("lk-kinh-te", "Phòng Kinh tế xã Long Khánh")
    with pytest.raises(ValidationError):
        unit_close(actor=coordinator, unit=court, on=dt.date(2026, 7, 1), merged_into=court)
    unit_close(actor=coordinator, unit=court, on=dt.date(2026, 7, 1))
    with pytest.raises(ValidationError):
        unit_close(actor=coordinator, unit=court, on=dt.date(2026, 8, 1))


def test_membership_in_a_closed_unit_only_for_its_lifetime(default_data, django_user_model):
    user = django_user_model.objects.create_user("ctv1", password="x" * 12)
    closed = Unit.objects.get(code="hn-ubnd-thuong-lac")
    with pytest.raises(ValidationError):
        membership_assign(actor=None, user=user, unit=closed)
    m = membership_assign(
        actor=None, user=user, unit=closed, valid_from=dt.date(2022, 1, 1), valid_to=dt.date(2024, 12, 31)
    )
    assert m.pk and not Membership.objects.filter(user=user, valid_to__isnull=True).exists()


def test_unit_views_for_editors_and_outsiders(client, coordinator, make_user):
    outsider = make_user(Role.COMMUNE_OFFICER, "dt-ubnd-long-phu-thuan")
    court = Unit.objects.get(code="hn-tand")
    court = Unit.objects.get(code="dt-bhxh-kv")
    rename = reverse("orgs:rename", args=[court.pk])
    client.force_login(outsider)
    assert client.get(rename).status_code == 404
    assert client.post(rename, {"new_name": "X", "on": "2025-01-01"}).status_code == 404
    client.force_login(coordinator)
    response = client.post(rename, {"new_name": "Bảo hiểm xã hội tỉnh Đồng Tháp", "on": "01/01/2026"})
    assert response.status_code == 302
    court.refresh_from_db()
    assert court.name == "Bảo hiểm xã hội tỉnh Đồng Tháp"
    page = client.get(reverse("orgs:detail", args=[court.pk])).content.decode()
    assert "Bảo hiểm xã hội khu vực (Đồng Tháp)" in page  # former name shown


def test_staff_account_gets_one_time_password(client, coordinator):
    unit = Unit.objects.get(code="dt-ubnd-long-khanh")
    client.force_login(coordinator)
    response = client.post(
        reverse("orgs:staff_add", args=[unit.pk]),
        {"username": "ctv.lan", "full_name": "Trần Thị Lan", "role": Role.UNIT_OFFICER, "position": "Cán bộ"},
    )
    assert response.status_code == 200
    user = Membership.objects.get(unit=unit, user__username="ctv.lan").user
    assert user.must_change_password and user.first_name == "Lan" and user.last_name == "Trần Thị"
    assert response.context["password"] and user.check_password(response.context["password"])


def test_phone_is_masked_for_other_units(client, default_data, make_user, in_2023):
    staff = make_user(Role.UNIT_OFFICER, "hn-hoinongdan", phone="+84912345678")
    same_unit = make_user(Role.UNIT_OFFICER, "hn-hoinongdan")
    coordinator = make_user(Role.COORDINATOR, "hn-ldtbxh")
    culture = make_user(Role.CULTURE, "hn-vhtt")
    url = reverse("orgs:detail", args=[Unit.objects.get(code="hn-hoinongdan").pk])
    client.force_login(same_unit)
    assert "+84912345678" in client.get(url).content.decode()
    client.force_login(coordinator)
    assert "+84912345678" in client.get(url).content.decode()
    client.force_login(culture)
    assert client.get(url).status_code == 404  # another unit: not visible at all
    assert staff.phone == "+84912345678"


def test_closing_a_unit_with_open_units_under_it_is_refused(default_data, coordinator):
    culture = office("lk-vhxh", "Phòng Văn hóa - Xã hội xã Long Khánh")
    office("lk-dich-vu", "Trung tâm Dịch vụ tổng hợp xã Long Khánh", parent="lk-vhxh")
    with pytest.raises(ValidationError) as err:
        unit_close(actor=coordinator, unit=culture, on=dt.date(2026, 7, 1))
    assert "Trung tâm Dịch vụ" in err.value.message_dict["on"][0]
    culture.refresh_from_db()
    assert culture.valid_to is None


def test_closing_with_a_posting_that_starts_later_is_refused(default_data, coordinator, make_user):
    court = office("lk-kinh-te", "Phòng Kinh tế xã Long Khánh")
    make_user(Role.UNIT_OFFICER, "lk-kinh-te", valid_from=dt.date(2026, 9, 1))
    with pytest.raises(ValidationError):
        unit_close(actor=coordinator, unit=court, on=dt.date(2026, 7, 1))
    court.refresh_from_db()
    assert court.valid_to is None
