"""A household head's name with a digit is a message under the field, not a 500; a commune's import
creates no one in another commune."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from conftest import legacy_commune
from lantoa.audience.models import Household, Person
from lantoa.audience.services import household_save
from lantoa.audience.tests.test_import_engine import check, csv_bytes, hamlets, start  # noqa: F401 - fixture
from lantoa.orgs.models import Unit

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    from django.utils import translation

    with translation.override("en"):
        yield


def test_a_digit_in_the_head_of_household_is_a_field_error(officer_long_khanh_a):
    household = Household(
        head_name="Nguyễn Văn 2",
        area=legacy_commune("Xã Long Khánh A"),
        unit=Unit.objects.get(code="hn-ubnd-long-khanh-a"),
    )
    with pytest.raises(ValidationError) as err:
        household_save(actor=officer_long_khanh_a, household=household)
    assert list(err.value.message_dict) == ["head_name"]
    assert not Household.objects.exists()


def test_the_household_form_answers_with_the_message(client, officer_long_khanh_a):
    client.force_login(officer_long_khanh_a)
    lka = legacy_commune("Xã Long Khánh A")
    unit = Unit.objects.get(code="hn-ubnd-long-khanh-a")
    response = client.post(
        reverse("audience:household_new"),
        {"head_name": "Trần Văn 3", "code": "", "area": lka.pk, "address": "", "unit": unit.pk},
    )
    assert response.status_code == 200
    assert response.context["form"].errors.get("head_name")
    assert not Household.objects.exists()


def test_a_commune_import_creates_no_one_in_another_commune(officer_long_khanh_a, hamlets):  # noqa: F811
    rows = [
        [1, "Nguyễn Văn A", "1980", "Nam", "", "", "", "", "Xã Long Khánh A"],
        [2, "Trần Thị B", "1981", "Nữ", "", "", "", "", "Xã Thường Lạc"],  # another commune
    ]
    job = check(start(officer_long_khanh_a, csv_bytes(rows), "ds.csv"))
    messages = [e["message"] for e in job.errors]
    assert len(messages) == 1 and messages[0].startswith("Row 3, column Xã:")
    assert job.valid_rows == 1
    from lantoa.audience.imports import tasks

    tasks.import_commit.enqueue(job.pk)
    assert list(Person.objects.values_list("full_name", flat=True)) == ["Nguyễn Văn A"]


def test_a_searched_cccd_is_not_written_in_clear_in_the_audit(client, coordinator):
    from django.urls import reverse

    from lantoa.core.models import AuditLog

    client.force_login(coordinator)
    response = client.get(reverse("audience:list"), {"q": "087085001230", "export": "csv"})
    assert response.status_code == 200
    row = AuditLog.objects.get(verb="export_personal_data")
    assert "087085001230" not in row.note and "087085001230" not in row.search_text
    assert "sha256" in row.note
