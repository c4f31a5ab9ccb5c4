"""Finding 13 of issue 17: the read-only leader reads a report and its documents but cannot have one made."""

import pytest
from django.urls import reverse

from lantoa.accounts.roles import Role
from lantoa.documents.models import ReportKind
from lantoa.orgs.models import Unit
from lantoa.plans.models import Plan
from lantoa.reports.models import Report, ReportFile

pytestmark = pytest.mark.django_db
UNIT = "hn-ubnd-thuong-lac"


@pytest.fixture
def draft(default_data, in_2023):
    """Thường Lạc's 2023 report (the commune existed until 30/06/2025), seen in 2023."""
    return Report.objects.create(
        kind=ReportKind.UNIT_ANNUAL,
        plan=Plan.objects.get(is_default=True),
        unit=Unit.objects.get(code=UNIT),
        year=2023,
        results="Xã đã tổ chức hội nghị.",
    )


@pytest.fixture
def officer(draft, make_user):
    return make_user(Role.COMMUNE_OFFICER, UNIT)


@pytest.mark.parametrize("fmt", ["pdf", "docx", "xlsx"])
def test_the_leader_cannot_queue_a_document(client, draft, make_user, fmt, django_capture_on_commit_callbacks):
    leader = make_user(Role.LEADER, "hn-ldtbxh")
    client.force_login(leader)
    page = client.get(reverse("reports:detail", args=[draft.pk]))
    assert page.status_code == 200 and reverse("reports:file_new", args=[draft.pk]) not in page.text
    with django_capture_on_commit_callbacks() as queued:
        r = client.post(reverse("reports:file_new", args=[draft.pk]), {"format": fmt})
    assert r.status_code == 302
    assert not ReportFile.objects.exists() and not queued


def test_the_units_officer_still_can(client, draft, officer, django_capture_on_commit_callbacks):
    client.force_login(officer)
    assert reverse("reports:file_new", args=[draft.pk]) in client.get(reverse("reports:detail", args=[draft.pk])).text
    with django_capture_on_commit_callbacks() as queued:
        client.post(reverse("reports:file_new", args=[draft.pk]), {"format": "pdf"})
    assert ReportFile.objects.get().requested_by == officer and len(queued) == 1


def test_the_service_refuses_the_leader_too(draft, make_user):
    from django.core.exceptions import ValidationError

    from lantoa.reports.services import file_request

    leader = make_user(Role.LEADER, "hn-ldtbxh")
    with pytest.raises(ValidationError):
        file_request(actor=leader, report=draft, fmt="pdf")
    assert not ReportFile.objects.exists()
