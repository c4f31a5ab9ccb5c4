"""The coordination pages: lists with filters and export, forms, details — and the outsider who gets 404."""

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from lantoa.accounts.roles import Role
from lantoa.coordination.models import Agreement, AgreementReview, Award, Briefing, Inspection, LeaderContact, UnitPlan
from lantoa.coordination.tests.conftest import PDF, d, leader
from lantoa.orgs.models import Unit

pytestmark = pytest.mark.django_db


def unit(code):
    return Unit.objects.get(code=code)


@pytest.fixture
def records(default_data):
    """One record of each kind, all belonging to district units (none to Xã Tân Long)."""
    a = leader("Lê Văn An", "hn-bhxh")
    b = Briefing.objects.create(date=d("15/03/2024"), kind="conference", title="Hội nghị 2024", unit=unit("hn-bhxh"))
    b.leaders.set([a])
    plan = UnitPlan.objects.create(
        unit=unit("hn-bhxh"),
        year=2024,
        title="Kế hoạch 2024",
        status="filed",
        document=SimpleUploadedFile("ke-hoach.pdf", PDF),
    )
    ag = Agreement.objects.create(title="Quy chế", signed_on=d("01/01/2023"), period_start=d("01/01/2023"))
    ag.parties.set([unit("hn-bhxh"), unit("hn-ldtbxh")])
    AgreementReview.objects.create(agreement=ag, date=d("01/06/2024"), kind="interim", outcome="Sơ kết")
    insp = Inspection.objects.create(
        unit=unit("hn-ldtbxh"), inspecting_unit=unit("hn-bhxh"), date=d("01/05/2024"), kind="inspection", findings="Tốt"
    )
    award = Award.objects.create(date=d("20/12/2024"), title="Giấy khen", awarded_by=unit("hn-bhxh"), person=a)
    return {"leader": a, "briefing": b, "plan": plan, "agreement": ag, "inspection": insp, "award": award}


LISTS = ["list", "leaders", "plans", "agreements", "inspections", "awards"]


def detail_urls(r):
    return [
        reverse("coordination:briefing", args=[r["briefing"].pk]),
        reverse("coordination:briefing_edit", args=[r["briefing"].pk]),
        reverse("coordination:leader", args=[r["leader"].pk]),
        reverse("coordination:plan", args=[r["plan"].pk]),
        reverse("coordination:plan_edit", args=[r["plan"].pk]),
        reverse("coordination:plan_document", args=[r["plan"].pk]),
        reverse("coordination:agreement", args=[r["agreement"].pk]),
        reverse("coordination:agreement_edit", args=[r["agreement"].pk]),
        reverse("coordination:inspection", args=[r["inspection"].pk]),
        reverse("coordination:inspection_edit", args=[r["inspection"].pk]),
        reverse("coordination:award", args=[r["award"].pk]),
        reverse("coordination:award_edit", args=[r["award"].pk]),
    ]


def test_coordinator_sees_every_page(client, records, coordinator):
    client.force_login(coordinator)
    for name in LISTS:
        response = client.get(reverse(f"coordination:{name}"), {"year": "2024"})
        assert response.status_code == 200, name
        for fmt in ("xlsx", "csv"):
            export = client.get(reverse(f"coordination:{name}"), {"year": "2024", "export": fmt})
            assert export.status_code == 200 and export["Content-Disposition"].startswith("attachment"), name
    assert "Hội nghị 2024" in client.get(reverse("coordination:list")).content.decode()
    for url in detail_urls(records):
        assert client.get(url).status_code == 200, url
    for name in ("briefing_new", "email", "plan_new", "agreement_new", "inspection_new", "award_new"):
        assert client.get(reverse(f"coordination:{name}")).status_code == 200, name


def test_outsider_gets_404_everywhere(client, records, make_user):
    outsider = make_user(Role.COMMUNE_OFFICER, "dt-ubnd-tan-long")
    client.force_login(outsider)
    for url in detail_urls(records):
        assert client.get(url).status_code == 404, url
    for action in ("file", "accept", "return"):
        url = reverse("coordination:plan_action", args=[records["plan"].pk, action])
        assert client.post(url, {"note": "x"}).status_code == 404
    assert UnitPlan.objects.get().status == "filed"
    post = client.post(reverse("coordination:agreement", args=[records["agreement"].pk]), {"date": "01/07/2024"})
    assert post.status_code == 404
    # The lists show none of it.
    for name in LISTS:
        html = client.get(reverse(f"coordination:{name}"), {"year": "2024"}).content.decode()
        for text in ("Hội nghị 2024", "Kế hoạch 2024", "Quy chế", "Lê Văn An", "Giấy khen"):
            assert text not in html, (name, text)


def test_read_only_leader_cannot_open_forms(client, records, make_user):
    boss = make_user(Role.LEADER, "hn-ldtbxh")
    client.force_login(boss)
    assert client.get(reverse("coordination:plan", args=[records["plan"].pk])).status_code == 200
    assert client.get(reverse("coordination:plan_new")).status_code == 404
    assert client.get(reverse("coordination:email")).status_code == 404


def test_send_email_through_the_form(client, records, coordinator):
    LeaderContact.objects.create(person=records["leader"], email="an@bhxh.example")
    client.force_login(coordinator)
    response = client.post(
        reverse("coordination:email"),
        {"unit": unit("hn-ldtbxh").pk, "units": [unit("hn-bhxh").pk], "subject": "Luật BHXH 2024", "body": "Kính gửi"},
    )
    b = Briefing.objects.get(kind="email")
    assert response.status_code == 302 and response.url == reverse("coordination:briefing", args=[b.pk])
    assert len(mail.outbox) == 1 and list(b.leaders.all()) == [records["leader"]]


def test_plan_upload_form_refuses_a_non_pdf(client, records, coordinator):
    client.force_login(coordinator)
    response = client.post(
        reverse("coordination:plan_new"),
        {
            "unit": unit("hn-ldtbxh").pk,
            "year": "2024",
            "title": "Kế hoạch LĐTBXH 2024",
            "document": SimpleUploadedFile("ke-hoach.pdf", b"MZ\x90\x00 an exe"),
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["document"]
    assert UnitPlan.objects.count() == 1


def test_plan_accept_through_the_page(client, records, coordinator):
    client.force_login(coordinator)
    response = client.post(reverse("coordination:plan_action", args=[records["plan"].pk, "accept"]))
    assert response.status_code == 302
    assert UnitPlan.objects.get().status == "accepted"


def test_agreement_form_refuses_end_before_start(client, records, coordinator):
    client.force_login(coordinator)
    response = client.post(
        reverse("coordination:agreement_new"),
        {
            "title": "Chương trình mới",
            "parties": [unit("hn-bhxh").pk, unit("hn-mttq").pk],
            "signed_on": "01/01/2025",
            "period_start": "01/01/2025",
            "period_end": "31/12/2024",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["period_end"]
    assert Agreement.objects.count() == 1


def test_review_recorded_on_the_agreement_page(client, records, coordinator):
    client.force_login(coordinator)
    url = reverse("coordination:agreement", args=[records["agreement"].pk])
    response = client.post(url, {"date": "10/12/2025", "kind": "final", "outcome": "Tổng kết", "re_signed": "on"})
    assert response.status_code == 302
    assert AgreementReview.objects.filter(kind="final", re_signed=True).count() == 1


def test_person_page_links_to_leader_page(client, records, coordinator):
    client.force_login(coordinator)
    html = client.get(reverse("audience:person", args=[records["leader"].pk])).content.decode()
    assert reverse("coordination:leader", args=[records["leader"].pk]) in html
