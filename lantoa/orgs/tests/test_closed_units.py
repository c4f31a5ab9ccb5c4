"""The former district's offices after 1 July 2025: closed or merged with dates by the units data (also on a
database loaded from the older file), the duties of the plan following the mergers, a warning on every page for
a user whose units are all closed, and the administrator's one-click move of such people to the successor."""

import datetime as dt
import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db.models import F
from django.urls import reverse

from lantoa.accounts.roles import Role
from lantoa.core.models import AuditLog
from lantoa.geo.models import Area
from lantoa.orgs.models import Membership, Unit, UnitDuty
from lantoa.orgs.services import (
    DATA_DIR,
    closed_unit_notice,
    unit_close,
    unit_duty_on,
    unit_duty_save,
    unit_members_move,
    units_load,
)

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 12, 7)
AGGREGATE = UnitDuty.Duty.AGGREGATE_REPORT


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setattr("lantoa.core.clock.today", lambda: TODAY)


def unit(code: str) -> Unit:
    return Unit.objects.get(code=code)


def postings(user) -> list[tuple]:
    return list(
        Membership.objects.filter(user=user)
        .order_by(F("valid_to").asc(nulls_last=True))
        .values_list("unit__code", "valid_from", "valid_to")
    )


# ----------------------------------------------------------------------------- the data


def test_every_office_of_the_former_district_is_closed_by_30_june_2025(default_data):
    district = Area.objects.get(level=Area.Level.DISTRICT, code="870")
    offices = Unit.objects.filter(area=district)
    assert offices.count() == 21
    assert not offices.filter(valid_to__isnull=True).exists()
    assert not offices.filter(valid_to__gt=dt.date(2025, 6, 30)).exists()
    labour, home, police = unit("hn-ldtbxh"), unit("hn-noivu"), unit("hn-congan")
    assert (labour.valid_to, labour.merged_into) == (dt.date(2025, 2, 28), home)
    assert "chưa được xác minh" in labour.note  # the merge date is not confirmed by a document
    assert (home.valid_to, home.merged_into.code) == (dt.date(2025, 6, 30), "dt-snv")
    assert unit("hn-bhxh").merged_into.code == "dt-bhxh-kv"
    assert police.valid_to == dt.date(2025, 2, 28) and police.merged_into is None
    # The successors sit on the merged province from 1 July 2025, their unverified names said so.
    for code in ("dt-snv", "dt-bhxh-kv"):
        successor = unit(code)
        assert successor.valid_from == dt.date(2025, 7, 1) and successor.valid_to is None
        assert (successor.area.level, successor.area.code) == (Area.Level.PROVINCE, "82")
        assert "✖" in successor.note
    assert AuditLog.objects.filter(verb="unit_merge", target_id=str(labour.pk)).exists()
    # Document data: the district offices' governing body, the communes' own heading.
    assert labour.authority == "UBND huyện Hồng Ngự" and labour.doc_symbol == "LĐTBXH"
    assert unit("dt-ubnd-long-khanh").authority == "" and unit("dt-ubnd-long-khanh").doc_symbol == "UBND"


def test_the_duties_follow_the_labour_office_through_its_mergers(default_data):
    assert unit_duty_on(AGGREGATE, dt.date(2024, 12, 31)).unit.code == "hn-ldtbxh"
    assert unit_duty_on(AGGREGATE, dt.date(2025, 3, 1)).unit.code == "hn-noivu"
    assert unit_duty_on(AGGREGATE, TODAY).unit.code == "dt-snv"
    assert unit_duty_on(UnitDuty.Duty.FINAL_EVALUATION, dt.date(2025, 12, 31)).unit.code == "dt-snv"
    assert unit_duty_on(UnitDuty.Duty.INSURANCE_REPORT, dt.date(2025, 6, 30)).unit.code == "hn-bhxh"
    assert unit_duty_on(UnitDuty.Duty.INSURANCE_REPORT, dt.date(2025, 7, 1)).unit.code == "dt-bhxh-kv"
    assert unit_duty_on(AGGREGATE, dt.date(2024, 12, 31)).symbol == "BC-UBND"


def _old_file(tmp_path):
    """The units file as it was before the closures: no successors, duties or document fields."""
    data = json.loads((DATA_DIR / "hong_ngu_units.json").read_text(encoding="utf-8"))
    data["units"] = [
        {k: v for k, v in row.items() if k not in ("authority", "doc_symbol")}
        for row in data["units"]
        if row["code"] not in ("dt-snv", "dt-bhxh-kv")
    ]
    data["merges"] = [m for m in data["merges"] if m["unit"].startswith("hn-ubnd-")]
    data.pop("duties")
    path = tmp_path / "old.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_loading_again_closes_the_units_of_a_database_loaded_from_the_older_file(db, tmp_path, make_user):
    call_command("load_areas", legacy_province=87, district=[870], stdout=io.StringIO())
    units_load(actor=None, path=_old_file(tmp_path))
    assert unit("hn-ldtbxh").valid_to is None and not UnitDuty.objects.exists()
    # Accounts made on the old machine, while the offices looked open.
    labour_staff = make_user(Role.UNIT_OFFICER, "hn-ldtbxh")
    court_staff = make_user(Role.UNIT_OFFICER, "hn-tand")

    assert units_load(actor=None) == (2, 36)

    labour = unit("hn-ldtbxh")
    assert (labour.valid_to, labour.merged_into.code) == (dt.date(2025, 2, 28), "hn-noivu")
    assert labour.authority == "UBND huyện Hồng Ngự"  # filled in, being empty
    assert unit("hn-tand").valid_to == dt.date(2025, 6, 30)
    # The labour office's people followed it into the home-affairs office, then into its successor.
    assert postings(labour_staff) == [
        ("hn-ldtbxh", None, dt.date(2025, 2, 28)),
        ("hn-noivu", dt.date(2025, 3, 1), dt.date(2025, 6, 30)),
        ("dt-snv", dt.date(2025, 7, 1), None),
    ]
    assert closed_unit_notice(labour_staff) is None
    # The court had no successor: its people are warned.
    assert postings(court_staff) == [("hn-tand", None, dt.date(2025, 6, 30))]
    notice = closed_unit_notice(court_staff)
    assert notice["unit"].code == "hn-tand" and notice["since"] == dt.date(2025, 7, 1)
    assert notice["successor"] is None
    assert unit_duty_on(AGGREGATE, TODAY).unit.code == "dt-snv"

    def state():
        return (
            list(Unit.objects.order_by("pk").values_list("pk", "valid_to", "merged_into", "note", "authority")),
            list(UnitDuty.objects.order_by("pk").values_list("pk", "unit", "valid_from", "valid_to")),
            list(Membership.objects.order_by("pk").values_list("pk", "unit", "valid_from", "valid_to")),
        )

    before = state()
    assert units_load(actor=None) == (0, 38)
    assert state() == before


# ----------------------------------------------------------------------------- duties


def test_a_duty_is_handed_over_and_never_held_twice(default_data, coordinator):
    long_khanh = unit("dt-ubnd-long-khanh")
    row = unit_duty_save(
        actor=coordinator, duty=UnitDuty(unit=long_khanh, duty=AGGREGATE, valid_from=dt.date(2027, 1, 1))
    )
    previous = UnitDuty.objects.get(unit__code="dt-snv", duty=AGGREGATE)
    assert previous.valid_to == dt.date(2026, 12, 31)
    assert unit_duty_on(AGGREGATE, dt.date(2027, 1, 1)) == row
    assert AuditLog.objects.filter(verb="unit_duty_end", target_id=str(previous.pk), actor=coordinator).exists()
    with pytest.raises(ValidationError) as err:  # overlaps the home-affairs office's months
        unit_duty_save(
            actor=coordinator,
            duty=UnitDuty(
                unit=long_khanh, duty=AGGREGATE, valid_from=dt.date(2025, 7, 1), valid_to=dt.date(2025, 8, 1)
            ),
        )
    assert "valid_from" in err.value.message_dict
    with pytest.raises(ValidationError):  # before the unit existed
        unit_duty_save(
            actor=coordinator,
            duty=UnitDuty(unit=long_khanh, duty=UnitDuty.Duty.FINAL_EVALUATION, valid_from=dt.date(2025, 1, 1)),
        )


def test_closing_a_unit_passes_its_duties_to_the_unit_it_merged_into(default_data, coordinator):
    successor = unit("dt-snv")
    merged = Unit.objects.create(
        code="dt-snv-2",
        name="Sở Nội vụ tỉnh Đồng Tháp (sau sắp xếp)",
        kind=Unit.Kind.OTHER_OFFICE,
        area=successor.area,
        valid_from=dt.date(2026, 1, 1),
        search_key="so noi vu",
    )
    unit_close(actor=coordinator, unit=successor, on=dt.date(2026, 10, 1), merged_into=merged)
    assert unit_duty_on(AGGREGATE, dt.date(2026, 9, 30)).unit == successor
    held = unit_duty_on(AGGREGATE, dt.date(2026, 10, 1))
    assert held.unit == merged and held.valid_to is None
    assert "UBND tỉnh Đồng Tháp" in held.recipients  # where the report goes did not change


def test_the_unit_page_edits_its_duties_for_editors_only(client, default_data, coordinator, make_user):
    office = unit("dt-bhxh-kv")
    url = reverse("orgs:duty_new", args=[office.pk])
    outsider = make_user(Role.COMMUNE_OFFICER, "dt-ubnd-long-khanh")
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    assert client.post(url, {"duty": AGGREGATE, "valid_from": "01/01/2027"}).status_code == 404
    client.force_login(coordinator)
    held = UnitDuty.objects.get(unit__code="dt-snv", duty=AGGREGATE)
    page = client.get(reverse("orgs:detail", args=[unit("dt-snv").pk])).content.decode()
    assert reverse("orgs:duty_edit", args=[held.unit_id, held.pk]) in page and "01/07/2025" in page
    response = client.post(
        url,
        {"duty": AGGREGATE, "valid_from": "01/01/2027", "symbol": "BC-BHXH", "recipients": "UBND tỉnh\nLưu: VT"},
    )
    assert response.status_code == 302
    row = UnitDuty.objects.get(unit=office, duty=AGGREGATE)
    assert (row.valid_from, row.symbol, row.recipients) == (dt.date(2027, 1, 1), "BC-BHXH", "UBND tỉnh\nLưu: VT")
    edit = reverse("orgs:duty_edit", args=[office.pk, row.pk])
    assert client.post(edit, {"duty": AGGREGATE, "valid_from": "01/01/2027", "symbol": "BC-X"}).status_code == 302
    row.refresh_from_db()
    assert row.symbol == "BC-X"
    # A duty of another unit is not reached through this unit's address.
    other = UnitDuty.objects.get(unit__code="dt-snv", duty=AGGREGATE)
    assert client.get(reverse("orgs:duty_edit", args=[office.pk, other.pk])).status_code == 404


# ----------------------------------------------------------------------------- people of closed units


def test_a_user_of_a_closed_unit_is_warned_on_every_page(client, default_data, make_user):
    labour = make_user(Role.UNIT_OFFICER, "hn-ldtbxh")  # posted while the office existed
    court = make_user(Role.UNIT_OFFICER, "hn-tand")
    live = make_user(Role.COMMUNE_OFFICER, "dt-ubnd-long-khanh")
    client.force_login(labour)
    for name in ("core:home", "orgs:list", "accounts:password_change"):
        page = client.get(reverse(name), follow=True).content.decode()
        assert 'id="closed-unit"' in page, name
        assert "Phòng Lao động - Thương binh và Xã hội huyện Hồng Ngự" in page
        assert "01/03/2025" in page and "Sở Nội vụ tỉnh Đồng Tháp" in page  # since when, and its successor
    client.force_login(court)
    page = client.get(reverse("orgs:list")).content.decode()
    assert 'id="closed-unit"' in page and "Tòa án nhân dân huyện Hồng Ngự" in page and "01/07/2025" in page
    client.force_login(live)
    assert 'id="closed-unit"' not in client.get(reverse("orgs:list")).content.decode()


def test_the_administrator_moves_a_closed_units_people_to_its_successor(client, default_data, coordinator, make_user):
    insurance = unit("hn-bhxh")
    ended = make_user(Role.UNIT_OFFICER, "hn-bhxh")  # posting ended with the office on 30/06/2025
    still_open = make_user(Role.UNIT_OFFICER, "dt-ubnd-tan-long")
    # A posting left open in the closed office (entered before the closure was recorded).
    Membership.objects.filter(user=still_open).update(unit=insurance, valid_from=dt.date(2023, 1, 1))
    outsider = make_user(Role.COMMUNE_OFFICER, "dt-ubnd-long-khanh")
    url = reverse("orgs:move_members", args=[insurance.pk])

    client.force_login(outsider)
    assert client.post(url).status_code == 404
    client.force_login(coordinator)
    page = client.get(reverse("orgs:detail", args=[insurance.pk])).content.decode()
    assert url in page and "Bảo hiểm xã hội khu vực (Đồng Tháp)" in page
    assert client.post(url).status_code == 302

    assert postings(ended) == [
        ("hn-bhxh", dt.date(2021, 12, 20), dt.date(2025, 6, 30)),
        ("dt-bhxh-kv", dt.date(2025, 7, 1), None),
    ]
    assert postings(still_open) == [
        ("hn-bhxh", dt.date(2023, 1, 1), dt.date(2025, 6, 30)),
        ("dt-bhxh-kv", dt.date(2025, 7, 1), None),
    ]
    assert closed_unit_notice(ended) is None and closed_unit_notice(still_open) is None
    log = AuditLog.objects.get(verb="unit_members_move", target_id=str(insurance.pk))
    assert log.actor == coordinator and "2" in log.note
    assert AuditLog.objects.filter(verb="membership_assign", actor=coordinator).count() == 2
    # Done once: a second click moves nobody, and the button is gone.
    assert unit_members_move(actor=coordinator, unit=insurance) == 0
    assert url not in client.get(reverse("orgs:detail", args=[insurance.pk])).content.decode()


def test_moving_goes_through_every_later_merger(default_data, coordinator, make_user):
    staff = make_user(Role.UNIT_OFFICER, "hn-ldtbxh")
    assert unit_members_move(actor=coordinator, unit=unit("hn-ldtbxh")) == 1
    assert postings(staff) == [
        ("hn-ldtbxh", dt.date(2021, 12, 20), dt.date(2025, 2, 28)),
        ("hn-noivu", dt.date(2025, 3, 1), dt.date(2025, 6, 30)),
        ("dt-snv", dt.date(2025, 7, 1), None),
    ]


def test_no_move_without_a_successor_or_for_an_open_unit(default_data, coordinator, make_user):
    make_user(Role.UNIT_OFFICER, "hn-tand")
    with pytest.raises(ValidationError) as err:
        unit_members_move(actor=coordinator, unit=unit("hn-tand"))
    assert "merged_into" in err.value.message_dict
    with pytest.raises(ValidationError):
        unit_members_move(actor=coordinator, unit=unit("dt-snv"))
    assert not AuditLog.objects.filter(verb="unit_members_move").exists()
