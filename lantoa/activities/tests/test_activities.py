"""Recording activities: validation, scope, audit, evidence; the list, export and detail pages."""

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conftest import current_commune, legacy_commune
from lantoa.activities.kinds import Channel, Kind
from lantoa.activities.models import Activity, Evidence
from lantoa.activities.services import AudienceRow, activity_save, activity_set_status, evidence_add
from lantoa.core.models import AuditLog
from lantoa.orgs.models import Unit
from lantoa.taxonomy.models import TargetGroup

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def new_activity(unit_code, area, day, kind=Kind.HOUSEHOLD_VISIT, **extra):
    return Activity(
        kind=kind,
        channel=extra.pop("channel", Channel.DIRECT),
        start_date=day,
        organiser=Unit.objects.get(code=unit_code),
        area=area,
        **extra,
    )


def group(code):
    return TargetGroup.objects.get(code=code)


def test_a_household_visit_is_recorded_and_audited(officer_long_khanh_a):
    lka = legacy_commune("Xã Long Khánh A")
    a = activity_save(
        actor=officer_long_khanh_a,
        activity=new_activity("hn-ubnd-long-khanh-a", lka, dt.date(2023, 6, 10)),
        audiences=[AudienceRow(group("tn-1"), 4), AudienceRow(group("tn-5"), 0)],
    )
    assert a.title == "Thăm hộ gia đình" and a.participants == 4 and not a.modern
    assert [(x.group.code, x.headcount) for x in a.audiences.all()] == [("tn-1", 4)]
    assert AuditLog.objects.filter(verb="activity_save", target_id=str(a.pk), actor=officer_long_khanh_a).exists()


def test_modern_follows_the_channel(coordinator):
    a = activity_save(
        actor=coordinator,
        activity=new_activity(
            "hn-bhxh",
            current_commune("Xã Long Khánh"),
            dt.date(2025, 8, 1),
            kind=Kind.SOCIAL_POST,
            channel=Channel.ZALO,
            title="Bài Zalo",
        ),
        audiences=[],
    )
    assert a.modern


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"start_date": dt.date(2023, 6, 30), "status": "done"}, "start_date"),  # done in the future (today 15/06)
        ({"start_date": dt.date(1994, 5, 1)}, "start_date"),  # before Vietnam Social Security existed
        ({"end_date": dt.date(2023, 6, 1)}, "end_date"),  # ends before it starts
    ],
)
def test_bad_dates_save_nothing(officer_long_khanh_a, changes, field):
    lka = legacy_commune("Xã Long Khánh A")
    activity = new_activity("hn-ubnd-long-khanh-a", lka, dt.date(2023, 6, 10))
    for k, v in changes.items():
        setattr(activity, k, v)
    with pytest.raises(ValidationError) as err:
        activity_save(actor=officer_long_khanh_a, activity=activity, audiences=[])
    assert field in err.value.message_dict
    assert not Activity.objects.exists()


def test_another_commune_is_refused(officer_long_khanh_a):
    activity = new_activity("hn-ubnd-long-khanh-a", legacy_commune("Xã Thường Lạc"), dt.date(2023, 6, 10))
    with pytest.raises(ValidationError) as err:
        activity_save(actor=officer_long_khanh_a, activity=activity, audiences=[])
    assert "Thường Lạc" in err.value.message_dict["area"][0]
    other_unit = new_activity("hn-ubnd-thuong-lac", legacy_commune("Xã Long Khánh A"), dt.date(2023, 6, 10))
    with pytest.raises(ValidationError) as err:
        activity_save(actor=officer_long_khanh_a, activity=other_unit, audiences=[])
    assert "organiser" in err.value.message_dict
    assert not Activity.objects.exists()


def test_an_abolished_commune_after_its_end_is_refused(coordinator):
    activity = new_activity("hn-bhxh", legacy_commune("Xã Long Khánh A"), dt.date(2025, 8, 1))
    with pytest.raises(ValidationError) as err:
        activity_save(actor=coordinator, activity=activity, audiences=[])
    assert "01/08/2025" in err.value.message_dict["area"][0]


def test_negative_headcount_and_duplicate_submit(officer_long_khanh_a):
    lka = legacy_commune("Xã Long Khánh A")
    with pytest.raises(ValidationError):
        activity_save(
            actor=officer_long_khanh_a,
            activity=new_activity("hn-ubnd-long-khanh-a", lka, dt.date(2023, 6, 1)),
            audiences=[AudienceRow(group("tn-1"), -3)],
        )
    activity_save(
        actor=officer_long_khanh_a,
        activity=new_activity("hn-ubnd-long-khanh-a", lka, dt.date(2023, 6, 1)),
        audiences=[AudienceRow(group("tn-1"), 3)],
    )
    with pytest.raises(ValidationError) as err:
        activity_save(
            actor=officer_long_khanh_a,
            activity=new_activity("hn-ubnd-long-khanh-a", lka, dt.date(2023, 6, 1)),
            audiences=[AudienceRow(group("tn-1"), 3)],
        )
    assert "title" in err.value.message_dict
    assert Activity.objects.count() == 1


def test_district_association_records_in_any_commune_of_the_district(default_data, make_user, in_2023):
    officer = make_user("unit_officer", "hn-hoinongdan")
    a = activity_save(
        actor=officer,
        activity=new_activity(
            "hn-hoinongdan",
            legacy_commune("Xã Thường Lạc"),
            dt.date(2023, 5, 20),
            kind=Kind.CONFERENCE,
            title="Hội nghị nông dân",
        ),
        audiences=[AudienceRow(group("tn-1"), 40)],
    )
    assert a.pk


def test_leaders_only_read(default_data, make_user, in_2023):
    leader = make_user("leader", "hn-ubnd-huyen")
    with pytest.raises(ValidationError):
        activity_save(
            actor=leader,
            activity=new_activity("hn-ubnd-huyen", legacy_commune("Xã Thường Lạc"), dt.date(2023, 5, 20)),
            audiences=[],
        )


def test_planned_then_done_once(officer_long_khanh_a):
    lka = legacy_commune("Xã Long Khánh A")
    a = activity_save(
        actor=officer_long_khanh_a,
        activity=new_activity("hn-ubnd-long-khanh-a", lka, dt.date(2023, 6, 12), status="planned"),
        audiences=[],
    )
    stale = Activity.objects.get(pk=a.pk)
    activity_set_status(actor=officer_long_khanh_a, activity=a, status="done")
    with pytest.raises(ValidationError):
        activity_set_status(actor=officer_long_khanh_a, activity=stale, status="cancelled")
    assert Activity.objects.get(pk=a.pk).status == "done"


def test_evidence_type_and_content_are_checked(officer_long_khanh_a):
    a = activity_save(
        actor=officer_long_khanh_a,
        activity=new_activity("hn-ubnd-long-khanh-a", legacy_commune("Xã Long Khánh A"), dt.date(2023, 6, 12)),
        audiences=[],
    )
    with pytest.raises(ValidationError):
        evidence_add(actor=officer_long_khanh_a, activity=a, upload=SimpleUploadedFile("x.exe", b"MZ"))
    with pytest.raises(ValidationError):
        evidence_add(actor=officer_long_khanh_a, activity=a, upload=SimpleUploadedFile("fake.png", b"<html>"))
    ok = evidence_add(actor=officer_long_khanh_a, activity=a, upload=SimpleUploadedFile("anh.png", PNG))
    assert list(Evidence.objects.values_list("original_name", flat=True)) == ["anh.png"] and ok.size == len(PNG)


def test_quick_entry_page_on_a_phone_and_scoping(client, officer_long_khanh_a, officer_thuong_lac):
    client.force_login(officer_long_khanh_a)
    page = client.get(reverse("activities:new"))
    assert page.status_code == 200
    form = page.context["form"]
    lka = legacy_commune("Xã Long Khánh A")
    assert form.initial["area"] == lka.pk and form.initial["kind"] == Kind.HOUSEHOLD_VISIT
    assert not form.fields["area"].queryset.filter(name="Xã Thường Lạc").exists()
    field = next(name for g, name in form.group_fields if g.code == "tn-1")
    response = client.post(
        reverse("activities:new"),
        {
            "kind": Kind.HOUSEHOLD_VISIT,
            "start_date": "14/06/2023",
            "area": lka.pk,
            "title": "",
            "status": "done",
            "organiser": Unit.objects.get(code="hn-ubnd-long-khanh-a").pk,
            field: "3",
        },
    )
    assert response.status_code == 302, response.context["form"].errors if response.context else ""
    activity = Activity.objects.get()
    assert activity.participants == 3 and activity.channel == Channel.DIRECT
    detail = reverse("activities:detail", args=[activity.pk])
    assert client.get(detail).status_code == 200
    client.force_login(officer_thuong_lac)
    assert client.get(detail).status_code == 404
    assert client.get(reverse("activities:edit", args=[activity.pk])).status_code == 404
    assert detail not in client.get(reverse("activities:list")).content.decode()


def test_form_error_names_the_field(client, officer_long_khanh_a):
    client.force_login(officer_long_khanh_a)
    lka = legacy_commune("Xã Long Khánh A")
    response = client.post(
        reverse("activities:new"),
        {
            "kind": Kind.CONFERENCE,
            "start_date": "14/06/2023",
            "end_date": "01/06/2023",
            "area": lka.pk,
            "status": "done",
            "organiser": Unit.objects.get(code="hn-ubnd-long-khanh-a").pk,
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["end_date"] == ["Ngày kết thúc phải sau ngày bắt đầu."]
    assert not Activity.objects.exists()


def test_list_filters_and_export(client, coordinator):
    lkb = legacy_commune("Xã Long Khánh B")
    for day, title in ((dt.date(2023, 3, 1), "Hội nghị A"), (dt.date(2024, 3, 1), "Hội nghị B")):
        activity_save(
            actor=coordinator,
            activity=new_activity("hn-bhxh", lkb, day, kind=Kind.CONFERENCE, title=title),
            audiences=[AudienceRow(group("nld-nsdld"), 30)],
        )
    client.force_login(coordinator)
    html = client.get(reverse("activities:list"), {"date_from": "01/01/2024"}).content.decode()
    assert "Hội nghị B" in html and "Hội nghị A" not in html
    html = client.get(reverse("activities:list"), {"q": "hoi nghi a"}).content.decode()
    assert "Hội nghị A" in html and "Hội nghị B" not in html
    from openpyxl import load_workbook

    xlsx = client.get(reverse("activities:list"), {"export": "xlsx", "kind": Kind.CONFERENCE}).content
    rows = list(load_workbook(io.BytesIO(xlsx)).active.values)
    assert len(rows) == 3 and {r[5] for r in rows[1:]} == {"Hội nghị A", "Hội nghị B"}
