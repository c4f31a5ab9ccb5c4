"""Status and evidence follow the edit rule (the organising unit), in the service; a commune names no other
commune's unit as co-organiser, party or inspected unit; a commune's import creates no one elsewhere."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conftest import legacy_commune
from lantoa.activities.kinds import Channel, Kind
from lantoa.activities.models import Activity, Evidence
from lantoa.activities.services import activity_save, activity_set_status, evidence_add
from lantoa.coordination import services as coordination
from lantoa.coordination.models import Agreement, Inspection
from lantoa.orgs.models import Unit

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def unit(code):
    return Unit.objects.get(code=code)


@pytest.fixture
def district_activity(coordinator, in_2023):
    """Organised by the district insurance office in Long Khánh A, the commune's committee co-organising:
    the commune officer reads it, but it is not the commune's to change."""
    return activity_save(
        actor=coordinator,
        activity=Activity(
            kind=Kind.HOUSEHOLD_VISIT,
            channel=Channel.DIRECT,
            start_date=dt.date(2023, 6, 10),
            organiser=unit("hn-bhxh"),
            area=legacy_commune("Xã Long Khánh A"),
            status=Activity.Status.PLANNED,
        ),
        audiences=[],
        co_organisers=[unit("hn-ubnd-long-khanh-a")],
    )


def test_a_unit_that_only_reads_an_activity_cannot_change_its_status(officer_long_khanh_a, district_activity):
    with pytest.raises(ValidationError):
        activity_set_status(actor=officer_long_khanh_a, activity=district_activity, status="done")
    assert Activity.objects.get(pk=district_activity.pk).status == "planned"


def test_nor_add_evidence(officer_long_khanh_a, district_activity):
    with pytest.raises(ValidationError):
        evidence_add(
            actor=officer_long_khanh_a,
            activity=district_activity,
            upload=SimpleUploadedFile("a.png", PNG, content_type="image/png"),
        )
    assert not Evidence.objects.exists()


def test_the_pages_say_so_and_change_nothing(client, officer_long_khanh_a, district_activity):
    client.force_login(officer_long_khanh_a)
    assert client.get(reverse("activities:detail", args=[district_activity.pk])).status_code == 200
    response = client.post(reverse("activities:status", args=[district_activity.pk]), {"status": "done"})
    assert response.status_code == 302
    response = client.post(
        reverse("activities:evidence_add", args=[district_activity.pk]),
        {"file": SimpleUploadedFile("a.png", PNG, content_type="image/png")},
    )
    assert response.status_code == 302
    assert Activity.objects.get(pk=district_activity.pk).status == "planned"
    assert not Evidence.objects.exists()


def test_the_organiser_still_changes_it(coordinator, district_activity):
    activity_set_status(actor=coordinator, activity=district_activity, status="done")
    assert Activity.objects.get(pk=district_activity.pk).status == "done"


def test_a_commune_names_no_other_commune_as_co_organiser(officer_long_khanh_a):
    activity = Activity(
        kind=Kind.HOUSEHOLD_VISIT,
        channel=Channel.DIRECT,
        start_date=dt.date(2023, 6, 10),
        organiser=unit("hn-ubnd-long-khanh-a"),
        area=legacy_commune("Xã Long Khánh A"),
    )
    with pytest.raises(ValidationError) as err:
        activity_save(
            actor=officer_long_khanh_a, activity=activity, audiences=[], co_organisers=[unit("hn-ubnd-thuong-lac")]
        )
    assert "co_organisers" in err.value.message_dict
    assert not Activity.objects.exists()
    saved = activity_save(  # a district office co-organising: fine
        actor=officer_long_khanh_a, activity=activity, audiences=[], co_organisers=[unit("hn-bhxh")]
    )
    assert list(saved.co_organisers.values_list("code", flat=True)) == ["hn-bhxh"]


def test_a_commune_records_no_inspection_of_another_commune(officer_long_khanh_a):
    inspection = Inspection(
        unit=unit("hn-ubnd-thuong-lac"),
        inspecting_unit=unit("hn-ubnd-long-khanh-a"),
        date=dt.date(2023, 6, 1),
        kind=Inspection.Kind.values[0],
        findings="Đã kiểm tra",
    )
    with pytest.raises(ValidationError) as err:
        coordination.inspection_save(actor=officer_long_khanh_a, inspection=inspection)
    assert "unit" in err.value.message_dict
    assert not Inspection.objects.exists()


def test_a_commune_signs_no_agreement_for_another_commune(officer_long_khanh_a):
    agreement = Agreement(
        title="Chương trình phối hợp",
        signed_on=dt.date(2023, 2, 1),
        period_start=dt.date(2023, 2, 1),
        period_end=dt.date(2025, 12, 31),
    )
    with pytest.raises(ValidationError) as err:
        coordination.agreement_save(
            actor=officer_long_khanh_a,
            agreement=agreement,
            parties=[unit("hn-ubnd-long-khanh-a"), unit("hn-ubnd-thuong-lac")],
        )
    assert "parties" in err.value.message_dict
    assert not Agreement.objects.exists()
    coordination.agreement_save(
        actor=officer_long_khanh_a, agreement=agreement, parties=[unit("hn-ubnd-long-khanh-a"), unit("hn-bhxh")]
    )
    assert Agreement.objects.count() == 1
