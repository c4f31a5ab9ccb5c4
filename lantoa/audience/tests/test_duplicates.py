"""Duplicates on demand: the finder (each reason, merged communes, scope), the merge (reach counted once,
consent opt-outs kept, audit, the race), and the list / side-by-side pages (scope, masking, redirect)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import include, path, reverse
from django.utils.translation import gettext as _

from config import urls as project_urls
from conftest import current_commune, legacy_commune
from lantoa.accounts.roles import Role
from lantoa.activities.kinds import Channel, Kind
from lantoa.activities.models import Activity
from lantoa.activities.services import activity_save
from lantoa.audience import urls as audience_urls
from lantoa.audience.duplicates import Reason, duplicate_groups, duplicates_of
from lantoa.audience.merge import people_merge, person_merge
from lantoa.audience.models import (
    ConsentEvent,
    DuplicateDismissal,
    Household,
    MergeRecord,
    Person,
    Reach,
    StaffPosting,
)
from lantoa.audience.services import consent_record, person_anonymise, reach_add_for_activity
from lantoa.core.models import AuditLog
from lantoa.core.text import search_key
from lantoa.orgs.models import Unit
from lantoa.taxonomy.models import TargetGroup


def _people_patterns():
    """The registry's URLs with the duplicates pages, whether or not audience/urls.py includes them yet."""
    patterns = list(audience_urls.urlpatterns)
    if not any(str(p.pattern) == "duplicates/" for p in patterns):
        patterns.append(path("duplicates/", include("lantoa.audience.urls_duplicates")))
    return patterns


urlpatterns = [
    path("people/", include((_people_patterns(), "audience"))) if str(p.pattern) == "people/" else p
    for p in project_urls.urlpatterns
]

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]

LKA = "hn-ubnd-long-khanh-a"


def make_person(full_name, area, unit_code=LKA, **extra):
    birth = extra.get("birth_date")
    return Person.objects.create(
        full_name=full_name,
        name_key=search_key(full_name),
        birth_year=birth.year if birth else None,
        area=area,
        unit=Unit.objects.get(code=unit_code),
        **extra,
    )


def groups_by_reason(user, **kw):
    return {(tuple(g.ids), tuple(sorted(g.reasons))) for g in duplicate_groups(user=user, **kw)}


def reached_people(activity):
    """Distinct active people reached by an activity, the way the indicators count them."""
    return Reach.objects.filter(activity=activity, person__merged_into__isnull=True).values("person").distinct().count()


def activity(actor, day, unit_code=LKA, area=None):
    return activity_save(
        actor=actor,
        activity=Activity(
            kind=Kind.HOUSEHOLD_VISIT,
            channel=Channel.DIRECT,
            start_date=day,
            organiser=Unit.objects.get(code=unit_code),
            area=area or legacy_commune("Xã Long Khánh A"),
        ),
        audiences=[],
    )


# ----- finder ----------------------------------------------------------------------------------------


def test_each_reason_is_found_and_different_people_are_not(coordinator):
    lka, tl = legacy_commune("Xã Long Khánh A"), legacy_commune("Xã Thường Lạc")
    born = dt.date(1980, 5, 17)
    a1 = make_person("Trần Thị Bé", lka, cccd="087180000001")
    a2 = make_person("Tran Thi Be", lka, cccd="087180000001")
    b1 = make_person("Lê Văn Cường", lka, bhxh_number="8712345678")
    b2 = make_person("Lê Văn Cương", lka, bhxh_number="8712345678")
    c1 = make_person("Phạm Minh Đức", lka, phone="+84912345678")
    c2 = make_person("Phạm Thị Hoa", lka, phone="+84912345678")
    d1 = make_person("Nguyễn Văn Ân", lka, birth_date=born)
    d2 = make_person("NGUYỄN VĂN ẤN", lka, birth_date=born)  # other accents and case: same key
    # Not duplicates: same name, other birth date; same name and birth date in another commune.
    make_person("Võ Thị Lan", lka, birth_date=born)
    make_person("Võ Thị Lan", lka, birth_date=dt.date(1981, 5, 17))
    make_person("Đặng Văn Hùng", lka, birth_date=born)
    make_person("Đặng Văn Hùng", tl, birth_date=born, unit_code="hn-ubnd-thuong-lac")
    # A merged and an anonymised record share a CCCD with an active one: not proposed.
    e1 = make_person("Huỳnh Văn Tâm", lka, cccd="087180000009")
    make_person("Huỳnh Văn Tâm", lka, cccd="087180000009", merged_into=e1)
    anonymised = make_person("Huỳnh Văn Tâm", lka, bhxh_number="8700000009")
    make_person("Huỳnh Văn Tám", lka, bhxh_number="8700000009")
    person_anonymise(actor=coordinator, person=anonymised)

    assert groups_by_reason(coordinator) == {
        ((a1.pk, a2.pk), ("cccd",)),
        ((b1.pk, b2.pk), ("bhxh",)),
        ((c1.pk, c2.pk), ("phone",)),
        ((d1.pk, d2.pk), ("name",)),
    }
    assert groups_by_reason(coordinator, reason=Reason.NAME) == {((d1.pk, d2.pk), ("name",))}
    # The strongest reasons come first, each with its label.
    groups = duplicate_groups(user=coordinator)
    assert [g.reasons for g in groups] == [["cccd"], ["bhxh"], ["name"], ["phone"]]
    assert groups[0].reason_labels == [str(Reason.CCCD.label)]
    assert [(o.pk, r) for o, r in duplicates_of(d1, user=coordinator)] == [(d2.pk, ["name"])]


def test_one_group_with_every_reason_it_matches(coordinator):
    lka = legacy_commune("Xã Long Khánh A")
    born = dt.date(1990, 1, 2)
    one = make_person("Trương Văn Bảy", lka, cccd="087190000002", phone="+84987654321", birth_date=born)
    two = make_person("Truong Van Bay", lka, cccd="087190000002", phone="+84987654321", birth_date=born)
    assert groups_by_reason(coordinator) == {((one.pk, two.pk), ("cccd", "name", "phone"))}


def test_a_record_on_a_commune_merged_in_2025_matches_one_on_its_successor(coordinator):
    born = dt.date(1975, 9, 2)
    old = make_person("Ngô Thị Mai", legacy_commune("Xã Long Khánh A"), birth_date=born)
    new = make_person("Ngô Thị Mai", current_commune("Xã Long Khánh"), "dt-ubnd-long-khanh", birth_date=born)
    assert groups_by_reason(coordinator) == {((old.pk, new.pk), ("name",))}
    # Filtering on either commune finds them: the new commune covers the old one.
    assert len(duplicate_groups(user=coordinator, area=current_commune("Xã Long Khánh"))) == 1
    assert duplicate_groups(user=coordinator, area=legacy_commune("Xã Thường Lạc")) == []
    # Seen in 2023, before the reorganisation, the two communes were different places.
    assert duplicate_groups(user=coordinator, day=dt.date(2023, 6, 15)) == []


def test_an_officer_sees_only_the_duplicates_of_their_commune(officer_long_khanh_a, officer_thuong_lac):
    lka = legacy_commune("Xã Long Khánh A")
    make_person("Trần Thị Bé", lka, cccd="087180000001")
    make_person("Tran Thi Be", lka, cccd="087180000001")
    assert len(duplicate_groups(user=officer_long_khanh_a)) == 1
    assert duplicate_groups(user=officer_thuong_lac) == []


def test_dismissed_pairs_stay_dismissed(client, coordinator):
    lka = legacy_commune("Xã Long Khánh A")
    # A mother and son sharing the household's phone.
    mother = make_person("Lý Thị Năm", lka, phone="+84912000111")
    son = make_person("Lý Văn Sáu", lka, phone="+84912000111")
    client.force_login(coordinator)
    response = client.post(reverse("audience:duplicate_dismiss"), {"p": [mother.pk, son.pk]})
    assert response.status_code == 302
    assert duplicate_groups(user=coordinator) == []
    assert duplicates_of(mother, user=coordinator) == []
    assert AuditLog.objects.filter(verb="person_not_duplicate").count() == 1
    assert (
        DuplicateDismissal.objects.filter(person_a=min(mother.pk, son.pk), person_b=max(mother.pk, son.pk)).count() == 1
    )
    # A third record with the phone is proposed with each of them.
    third = make_person("Lý Văn Bảy", lka, phone="+84912000111")
    assert [g.ids for g in duplicate_groups(user=coordinator)] == [(mother.pk, son.pk, third.pk)]


# ----- merge -----------------------------------------------------------------------------------------


def test_merge_moves_reach_and_a_person_reached_under_both_records_counts_once(coordinator):
    lka = legacy_commune("Xã Long Khánh A")
    kept = make_person("Trần Thị Bé", lka, cccd="087180000001")
    merged = make_person("Tran Thi Be", lka, cccd="087180000001", phone="+84912345678")
    meeting = activity(coordinator, dt.date(2024, 3, 5))
    visit = activity(coordinator, dt.date(2024, 4, 9))
    reach_add_for_activity(actor=coordinator, activity=meeting, person_ids=[kept.pk, merged.pk])
    reach_add_for_activity(actor=coordinator, activity=visit, person_ids=[merged.pk])
    assert reached_people(meeting) == 2

    record = person_merge(actor=coordinator, kept=kept, merged=merged, choices={"full_name": "kept"})

    assert reached_people(meeting) == 1 and reached_people(visit) == 1
    assert Reach.objects.filter(person=kept).count() == 2
    assert not Reach.objects.filter(person=merged).exists()
    assert record.reach_moved == 1 and record.kept == kept and record.merged == merged
    assert record.merged_snapshot["phone"] == "+84912345678" and record.merged_snapshot["merged_into"] is None
    assert record.fields_taken == ["phone"]  # the kept record had no phone: filled from the other
    kept.refresh_from_db()
    merged.refresh_from_db()
    assert kept.phone == "+84912345678" and kept.full_name == "Trần Thị Bé"
    assert merged.merged_into == kept and not merged.active
    assert AuditLog.objects.filter(verb="person_merge", target_id=str(kept.pk), actor=coordinator).exists()
    assert AuditLog.objects.filter(verb="person_merged_into", target_id=str(merged.pk), actor=coordinator).exists()
    assert duplicate_groups(user=coordinator) == []


def test_merge_takes_the_chosen_values_and_keeps_the_history(coordinator):
    lka = legacy_commune("Xã Long Khánh A")
    household = Household.objects.create(
        head_name="Lê Văn Hai", area=lka, unit=Unit.objects.get(code=LKA), search_key="le van hai"
    )
    kept = make_person("Le Van Hai", lka, birth_date=dt.date(1970, 1, 1), occupation="Nông dân")
    merged = make_person(
        "Lê Văn Hai",
        lka,
        birth_date=dt.date(1970, 1, 10),
        occupation="Buôn bán",
        household=household,
        insurance_status="voluntary",
        payment_mode="12m",
    )
    kept.groups.add(TargetGroup.objects.filter(computed=False).order_by("code")[0])
    merged.groups.add(TargetGroup.objects.filter(computed=False).order_by("code")[1])
    StaffPosting.objects.create(person=merged, unit=Unit.objects.get(code=LKA), position="Cán bộ")

    person_merge(
        actor=coordinator,
        kept=kept,
        merged=merged,
        choices={"full_name": "merged", "birth_date": "merged", "occupation": "kept"},
    )

    kept.refresh_from_db()
    assert (kept.full_name, kept.name_key, kept.birth_date, kept.birth_year) == (
        "Lê Văn Hai",
        "le van hai",
        dt.date(1970, 1, 10),
        1970,
    )
    assert kept.occupation == "Nông dân"
    # Not chosen: what the kept record lacked comes from the other (household, status).
    assert kept.household == household and (kept.insurance_status, kept.payment_mode) == ("voluntary", "12m")
    assert kept.groups.count() == 2
    assert kept.postings.count() == 1
    record = MergeRecord.objects.get(kept=kept)
    assert sorted(record.fields_taken) == sorted(
        ["full_name", "birth_date", "household", "insurance_status", "payment_mode"]
    )
    assert len(record.merged_snapshot["groups"]) == 1


@pytest.mark.parametrize(
    ("kept_event", "merged_event", "consent"),
    [
        ((True, dt.date(2024, 3, 1)), (False, dt.date(2024, 5, 1)), False),  # the other record opted out later
        ((False, dt.date(2024, 5, 1)), (True, dt.date(2024, 3, 1)), False),  # the kept record opted out later
        ((True, dt.date(2024, 5, 1)), (False, dt.date(2024, 5, 1)), False),  # the same day: the opt-out stands
        ((False, dt.date(2023, 1, 1)), (True, dt.date(2024, 5, 1)), True),  # consent given again later
    ],
)
def test_an_opt_out_is_never_undone_by_a_merge(coordinator, kept_event, merged_event, consent):
    lka = legacy_commune("Xã Long Khánh A")
    kept = make_person("Trần Thị Bé", lka, cccd="087180000001")
    merged = make_person("Tran Thi Be", lka, cccd="087180000001")
    consent_record(actor=coordinator, person=kept, given=kept_event[0], day=kept_event[1], channel="sms")
    consent_record(actor=coordinator, person=merged, given=merged_event[0], day=merged_event[1], channel="zalo")

    person_merge(actor=coordinator, kept=kept, merged=merged)

    kept.refresh_from_db()
    assert kept.consent is consent
    assert kept.consent_date == max(kept_event[1], merged_event[1])
    assert ConsentEvent.objects.filter(person=kept).count() == 2


def test_the_same_record_cannot_be_merged_twice(coordinator):
    lka = legacy_commune("Xã Long Khánh A")
    kept = make_person("Trần Thị Bé", lka, cccd="087180000001")
    other = make_person("Trần Thị Bé", lka, cccd="087180000001")
    merged = make_person("Tran Thi Be", lka, cccd="087180000001")
    stale = Person.objects.get(pk=merged.pk)  # loaded before the first merge, like a second browser tab
    person_merge(actor=coordinator, kept=kept, merged=merged)
    with pytest.raises(ValidationError) as err:
        person_merge(actor=coordinator, kept=other, merged=stale)
    assert err.value.messages == [_("This record has already been merged into another one.")]
    assert Person.objects.get(pk=merged.pk).merged_into == kept
    assert MergeRecord.objects.count() == 1


def test_refused_merges_write_nothing(coordinator, make_user):
    lka = legacy_commune("Xã Long Khánh A")
    one = make_person("Trần Thị Bé", lka, cccd="087180000001")
    two = make_person("Tran Thi Be", lka, cccd="087180000001")
    three = make_person("Tran Thi Be", lka, cccd="087180000001")
    with pytest.raises(ValidationError):
        person_merge(actor=coordinator, kept=one, merged=one)
    person_merge(actor=coordinator, kept=one, merged=two)
    with pytest.raises(ValidationError):  # into a record that is itself merged
        person_merge(actor=coordinator, kept=two, merged=three)
    person_anonymise(actor=coordinator, person=three)
    with pytest.raises(ValidationError):  # a deleted record
        person_merge(actor=coordinator, kept=one, merged=three)
    with pytest.raises(ValidationError):  # an officer of another commune
        person_merge(actor=make_user(Role.COMMUNE_OFFICER, "hn-ubnd-thuong-lac"), kept=one, merged=three)
    with pytest.raises(ValidationError):  # a read-only role
        person_merge(actor=make_user(Role.LEADER), kept=one, merged=three)
    assert MergeRecord.objects.count() == 1


def test_merging_three_records_at_once(coordinator):
    lka = legacy_commune("Xã Long Khánh A")
    one = make_person("Trần Thị Bé", lka, cccd="087180000001")
    two = make_person("Tran Thi Be", lka, cccd="087180000001", phone="+84912345678")
    three = make_person("Trần Thị Bé", lka, cccd="087180000001", phone="+84987654321", occupation="Thợ may")
    meeting = activity(coordinator, dt.date(2024, 3, 5))
    reach_add_for_activity(actor=coordinator, activity=meeting, person_ids=[one.pk, two.pk, three.pk])
    people_merge(actor=coordinator, kept=one, others=[two, three], selection={"phone": two.pk})
    one.refresh_from_db()
    assert (one.phone, one.occupation) == ("+84912345678", "Thợ may")
    assert reached_people(meeting) == 1
    assert Person.objects.filter(merged_into=one).count() == 2


# ----- pages -----------------------------------------------------------------------------------------


def test_the_list_shows_groups_with_their_reasons_and_filters(client, coordinator):
    lka, tl = legacy_commune("Xã Long Khánh A"), legacy_commune("Xã Thường Lạc")
    make_person("Trần Thị Bé", lka, cccd="087180000001")
    make_person("Tran Thi Be", lka, cccd="087180000001")
    make_person("Hồ Văn Út", tl, "hn-ubnd-thuong-lac", phone="+84912000222")
    make_person("Hồ Thị Út", tl, "hn-ubnd-thuong-lac", phone="+84912000222")
    client.force_login(coordinator)
    url = reverse("audience:duplicates")
    page = client.get(url).content.decode()
    assert "Trần Thị Bé" in page and "Hồ Văn Út" in page
    assert str(Reason.CCCD.label) in page and str(Reason.PHONE.label) in page
    assert reverse("audience:duplicate_compare") + "?p=" in page
    page = client.get(url, {"reason": "phone"}).content.decode()
    assert "Hồ Văn Út" in page and "Trần Thị Bé" not in page
    page = client.get(url, {"commune": lka.pk}).content.decode()
    assert "Trần Thị Bé" in page and "Hồ Văn Út" not in page
    assert client.get(url, {"page": 2}).status_code == 200


def test_compare_masks_identifiers_for_a_collaborator(client, officer_long_khanh_a, make_user):
    lka = legacy_commune("Xã Long Khánh A")
    one = make_person("Trần Thị Bé", lka, cccd="087180000001", birth_date=dt.date(1980, 1, 1))
    two = make_person("Tran Thi Be", lka, cccd="087180000001", birth_date=dt.date(1980, 1, 2))
    url = reverse("audience:duplicate_compare") + f"?p={one.pk}&p={two.pk}"
    client.force_login(make_user(Role.COLLABORATOR, LKA))
    page = client.get(url).content.decode()
    assert "087180000001" not in page and "0871******01" in page
    client.force_login(officer_long_khanh_a)
    page = client.get(url).content.decode()
    assert "087180000001" in page
    # The differing row offers a choice, the kept record's value checked; equal rows offer none.
    assert f'name="f_birth_date" value="{one.pk}" checked' in page
    assert 'name="f_cccd"' not in page


def test_outsiders_get_404(client, officer_thuong_lac):
    lka = legacy_commune("Xã Long Khánh A")
    one = make_person("Trần Thị Bé", lka, cccd="087180000001")
    two = make_person("Tran Thi Be", lka, cccd="087180000001")
    client.force_login(officer_thuong_lac)
    assert "Trần Thị Bé" not in client.get(reverse("audience:duplicates")).content.decode()
    url = reverse("audience:duplicate_compare")
    assert client.get(url, {"p": [one.pk, two.pk]}).status_code == 404
    assert client.post(url, {"p": [one.pk, two.pk], "kept": one.pk}).status_code == 404
    assert client.post(reverse("audience:duplicate_dismiss"), {"p": [one.pk, two.pk]}).status_code == 404
    assert not Person.objects.filter(merged_into__isnull=False).exists()


def test_merging_from_the_page_redirects_to_the_kept_person(client, officer_long_khanh_a):
    lka = legacy_commune("Xã Long Khánh A")
    one = make_person("Trần Thị Bé", lka, cccd="087180000001", birth_date=dt.date(1980, 1, 1))
    two = make_person("Tran Thi Be", lka, cccd="087180000001", birth_date=dt.date(1980, 1, 2))
    client.force_login(officer_long_khanh_a)
    url = reverse("audience:duplicate_compare")
    response = client.post(url, {"p": [one.pk, two.pk], "kept": two.pk, "f_full_name": one.pk})
    assert response.status_code == 302 and response.url == two.get_absolute_url()
    two.refresh_from_db()
    assert (two.full_name, two.birth_date) == ("Trần Thị Bé", dt.date(1980, 1, 2))
    # Coming back to the page of merged records: told so, nothing happens.
    response = client.post(url, {"p": [one.pk, two.pk], "kept": one.pk})
    assert response.status_code == 302 and response.url == reverse("audience:duplicates")
    assert MergeRecord.objects.count() == 1


def test_merging_several_records_is_all_or_nothing(coordinator):
    lka = legacy_commune("Xã Long Khánh A")
    one = make_person("Trần Thị Bé", lka, cccd="087180000001")
    two = make_person("Tran Thi Be", lka, cccd="087180000001", phone="+84912345678")
    three = make_person("Trần Thị Bé", lka, cccd="087180000001")
    person_anonymise(actor=coordinator, person=three)
    with pytest.raises(ValidationError):
        people_merge(actor=coordinator, kept=one, others=[two, three], selection={"phone": two.pk})
    assert not Person.objects.filter(merged_into__isnull=False).exists()
    assert Person.objects.get(pk=one.pk).phone == "" and not MergeRecord.objects.exists()


def test_the_page_refuses_read_only_roles_and_asks_for_the_record_to_keep(client, make_user, officer_long_khanh_a):
    lka = legacy_commune("Xã Long Khánh A")
    one = make_person("Trần Thị Bé", lka, cccd="087180000001")
    two = make_person("Tran Thi Be", lka, cccd="087180000001")
    url = reverse("audience:duplicate_compare")
    client.force_login(make_user(Role.LEADER))
    assert client.get(url, {"p": [one.pk, two.pk]}).status_code == 200  # may read, not merge
    assert 'name="kept"' not in client.get(url, {"p": [one.pk, two.pk]}).content.decode()
    assert client.post(url, {"p": [one.pk, two.pk], "kept": one.pk}).status_code == 404
    client.force_login(officer_long_khanh_a)
    response = client.post(url, {"p": [one.pk, two.pk]})
    assert response.status_code == 302 and response.url == f"{url}?p={one.pk}&p={two.pk}"
    assert client.get(url, {"p": [one.pk]}).status_code == 404  # one record is not a comparison
    assert not Person.objects.filter(merged_into__isnull=False).exists()
