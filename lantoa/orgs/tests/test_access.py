"""The one access gate: a commune officer of Long Khánh A sees nothing of Thường Lạc."""

import datetime as dt

import pytest
from django.urls import reverse

from conftest import current_commune, legacy_commune
from lantoa.accounts.roles import Role
from lantoa.geo.models import Area
from lantoa.geo.services import hamlet_create
from lantoa.orgs.access import get_scoped_or_404, scope_for, scope_queryset
from lantoa.orgs.models import Unit

pytestmark = pytest.mark.django_db


def test_commune_officer_scope_is_own_commune(officer_long_khanh_a):
    scope = scope_for(officer_long_khanh_a)
    lka, lkb, tl = (legacy_commune(n) for n in ("Xã Long Khánh A", "Xã Long Khánh B", "Xã Thường Lạc"))
    assert not scope.sees_all
    assert scope.allows(area_id=lka.id)
    assert not scope.allows(area_id=tl.id)
    assert not scope.allows(area_id=lkb.id)
    own = Unit.objects.get(code="hn-ubnd-long-khanh-a")
    assert scope.allows(unit_id=own.id)
    assert not scope.allows(unit_id=Unit.objects.get(code="hn-ubnd-thuong-lac").id)
    assert not scope.allows(unit_id=Unit.objects.get(code="hn-bhxh").id)


def test_hamlets_of_own_commune_are_in_scope(officer_long_khanh_a):
    hamlet = hamlet_create(actor=None, commune=legacy_commune("Xã Long Khánh A"), name="Ấp Long Thạnh A")
    other = hamlet_create(actor=None, commune=legacy_commune("Xã Thường Lạc"), name="Ấp 1")
    officer_long_khanh_a.__dict__.pop("_lantoa_scope", None)
    scope = scope_for(officer_long_khanh_a)
    assert scope.allows(area_id=hamlet.id)
    assert not scope.allows(area_id=other.id)


def test_new_commune_officer_sees_records_of_merged_communes(default_data, make_user):
    officer = make_user(Role.COMMUNE_OFFICER, "dt-ubnd-long-khanh")
    scope = scope_for(officer)
    assert scope.allows(area_id=current_commune("Xã Long Khánh").id)
    assert scope.allows(area_id=legacy_commune("Xã Long Khánh A").id)
    assert scope.allows(area_id=legacy_commune("Xã Long Khánh B").id)
    assert not scope.allows(area_id=legacy_commune("Xã Thường Lạc").id)
    # The merged committees' units are visible as history of the new one.
    assert scope.allows(unit_id=Unit.objects.get(code="hn-ubnd-long-khanh-b").id)


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.LEADER, Role.INSURANCE, Role.FINANCE, Role.ADMIN])
def test_plan_wide_roles_see_all(default_data, make_user, role):
    assert scope_for(make_user(role, "hn-ldtbxh")).sees_all


def test_association_officer_sees_own_unit_not_communes(default_data, make_user, in_2023):
    officer = make_user(Role.UNIT_OFFICER, "hn-hoinongdan")
    scope = scope_for(officer)
    assert scope.allows(unit_id=Unit.objects.get(code="hn-hoinongdan").id)
    assert not scope.allows(unit_id=Unit.objects.get(code="hn-hoiphunu").id)
    assert not scope.allows(area_id=legacy_commune("Xã Long Khánh A").id)


def test_user_without_unit_sees_nothing(db, django_user_model):
    user = django_user_model.objects.create_user("nobody", password="x" * 12, role=Role.COMMUNE_OFFICER)
    scope = scope_for(user)
    assert not scope.sees_all and not scope.unit_ids and not scope.area_ids
    assert scope_queryset(Unit.objects.all(), user, unit_field="id").count() == 0


def test_ended_membership_gives_no_access(default_data, make_user):
    from lantoa.orgs.models import Membership

    officer = make_user(Role.COMMUNE_OFFICER, "hn-ubnd-long-khanh-a")
    Membership.objects.filter(user=officer).update(valid_to=dt.date(2020, 1, 1), valid_from=dt.date(2019, 1, 1))
    assert scope_for(officer).unit_ids == frozenset()


def test_get_scoped_or_404(officer_long_khanh_a):
    from django.http import Http404

    tl = Unit.objects.get(code="hn-ubnd-thuong-lac")
    with pytest.raises(Http404):
        get_scoped_or_404(Unit.objects.all(), officer_long_khanh_a, unit_field="id", pk=tl.pk)
    own = get_scoped_or_404(
        Unit.objects.all(), officer_long_khanh_a, unit_field="id", pk=Unit.objects.get(code="hn-ubnd-long-khanh-a").pk
    )
    assert own.code == "hn-ubnd-long-khanh-a"


def test_outsider_gets_404_on_thuong_lac_pages(client, officer_long_khanh_a):
    client.force_login(officer_long_khanh_a)
    tl_unit = Unit.objects.get(code="hn-ubnd-thuong-lac")
    tl_area = legacy_commune("Xã Thường Lạc")
    assert client.get(reverse("orgs:detail", args=[tl_unit.pk])).status_code == 404
    assert client.get(reverse("geo:detail", args=[tl_area.pk])).status_code == 404
    # …and the pages of their own commune open.
    own_unit = Unit.objects.get(code="hn-ubnd-long-khanh-a")
    assert client.get(reverse("orgs:detail", args=[own_unit.pk])).status_code == 200
    assert client.get(reverse("geo:detail", args=[legacy_commune("Xã Long Khánh A").pk])).status_code == 200


def test_lists_leave_out_other_communes(client, officer_long_khanh_a):
    client.force_login(officer_long_khanh_a)
    units = client.get(reverse("orgs:list")).content.decode()
    assert "Ủy ban nhân dân xã Long Khánh A" in units
    assert "Thường Lạc" not in units
    areas = client.get(reverse("geo:list")).content.decode()
    assert "Xã Long Khánh A" in areas
    assert "Xã Thường Lạc" not in areas
    export = client.get(reverse("orgs:list") + "?export=csv").content.decode("utf-8-sig")
    assert "Long Khánh A" in export and "Thường Lạc" not in export


def test_audit_log_is_404_for_non_readers(client, officer_long_khanh_a):
    client.force_login(officer_long_khanh_a)
    assert client.get(reverse("core:audit")).status_code == 404


def test_anonymous_is_sent_to_login(client, default_data):
    for url in [
        reverse("plans:dashboard"),
        reverse("plans:list"),
        reverse("orgs:list"),
        reverse("geo:list"),
        reverse("core:audit"),
    ]:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_current_province_page_lists_only_own_communes(client, default_data, make_user):
    officer = make_user(Role.COMMUNE_OFFICER, "dt-ubnd-long-khanh")
    client.force_login(officer)
    province = Area.objects.get(level=Area.Level.PROVINCE, code="82")
    html = client.get(reverse("geo:detail", args=[province.pk])).content.decode()
    assert "Xã Long Khánh" in html and "Xã Tân Long" not in html and "Phường Thường Lạc" not in html


def test_partial_handover_does_not_widen_scope(default_data, make_user):
    from lantoa.geo.services import area_reorganise

    # Part of Xã Tân Long goes to Xã Long Khánh in 2026; Tân Long lives on and keeps its records.
    area_reorganise(
        actor=None,
        predecessors=[current_commune("Xã Tân Long")],
        successor=current_commune("Xã Long Khánh"),
        effective_on=dt.date(2026, 1, 1),
        partial=True,
    )
    officer = make_user(Role.COMMUNE_OFFICER, "dt-ubnd-long-khanh")
    assert not scope_for(officer).allows(area_id=current_commune("Xã Tân Long").id)
