"""The report screens: list and overview, create, write, submit, return with comments, accept, documents
and the library — each through the access gate."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from lantoa.accounts.roles import Role
from lantoa.core.models import AuditLog
from lantoa.reports.models import Report, ReportComment, ReportFile

from .conftest import RESULTS, UNIT, YEAR, unit_of


def login(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def outsider(make_user, default_data):
    """An officer of another unit (the Farmers' Union)."""
    return make_user(Role.UNIT_OFFICER, "hn-hoinongdan")


def test_new_report_form_creates_the_units_report(client, world, officer, plan):
    login(client, officer)
    page = client.get(reverse("reports:new"))
    assert page.status_code == 200
    units = list(page.context["form"].fields["unit"].queryset)
    assert unit_of(UNIT) in units and unit_of("hn-hoinongdan") not in units
    response = client.post(reverse("reports:new"), {"kind": "unit_annual", "unit": unit_of(UNIT).pk, "year": YEAR})
    report = Report.objects.get(unit__code=UNIT, year=YEAR)
    assert response.status_code == 302 and response["Location"] == reverse("reports:detail", args=[report.pk])
    # The same report again: the form says so on the year, nothing new is made.
    again = client.post(reverse("reports:new"), {"kind": "unit_annual", "unit": unit_of(UNIT).pk, "year": YEAR})
    assert again.status_code == 200 and again.context["form"].errors["year"]
    assert Report.objects.filter(unit__code=UNIT, year=YEAR).count() == 1


def test_a_year_outside_the_plan_is_refused_on_the_form(client, world, officer):
    login(client, officer)
    response = client.post(reverse("reports:new"), {"kind": "unit_annual", "unit": unit_of(UNIT).pk, "year": 2030})
    assert response.status_code == 200 and "year" in response.context["form"].errors
    assert not Report.objects.exists()


def test_draft_page_shows_live_figures_and_saves_the_narrative(client, draft, officer):
    login(client, officer)
    page = client.get(reverse("reports:detail", args=[draft.pk]))
    assert page.status_code == 200
    assert page.context["figures"]["totals"]["activities"] == 3
    assert "1.203" in page.content.decode()  # people present, Vietnamese separators
    response = client.post(
        reverse("reports:detail", args=[draft.pk]),
        {"results": "Kết quả mới", "shortcomings": "Thiếu kinh phí", "proposals": "", "recipients": "UBND huyện"},
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.results == "Kết quả mới" and draft.shortcomings == "Thiếu kinh phí"
    assert AuditLog.objects.filter(verb="report_save", target_id=str(draft.pk)).exists()


def test_save_and_submit_then_the_page_is_read_only(client, draft, officer):
    login(client, officer)
    response = client.post(
        reverse("reports:detail", args=[draft.pk]), {"results": RESULTS, "recipients": "", "then": "submit"}
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Report.Status.SUBMITTED and draft.figures["totals"]["activities"] == 3
    page = client.get(reverse("reports:detail", args=[draft.pk]))
    assert page.context["form"] is None
    # A POST to change it now is refused and changes nothing.
    client.post(reverse("reports:detail", args=[draft.pk]), {"results": "đổi", "recipients": ""})
    draft.refresh_from_db()
    assert draft.results == RESULTS


def test_submit_twice_says_so_and_keeps_the_first_freeze(client, draft, officer):
    login(client, officer)
    client.post(reverse("reports:submit", args=[draft.pk]))
    draft.refresh_from_db()
    frozen_at = draft.frozen_at
    response = client.post(reverse("reports:submit", args=[draft.pk]), follow=True)
    draft.refresh_from_db()
    assert draft.submissions == 1 and draft.frozen_at == frozen_at
    assert any(m.level_tag == "error" for m in response.context["messages"])


def test_return_with_comments_resubmit_accept(client, submitted, officer, coordinator):
    login(client, coordinator)
    url = reverse("reports:return", args=[submitted.pk])
    # Without a comment: refused, still submitted.
    client.post(url, {"results": "", "proposals": ""})
    submitted.refresh_from_db()
    assert submitted.status == Report.Status.SUBMITTED
    client.post(url, {"results": "Bổ sung số người tham gia tại ấp", "proposals": ""})
    submitted.refresh_from_db()
    assert submitted.status == Report.Status.RETURNED
    comment = ReportComment.objects.get(report=submitted)
    assert comment.section == "results" and comment.round == 1
    # The unit sees the comment and may write again.
    login(client, officer)
    page = client.get(reverse("reports:detail", args=[submitted.pk]))
    assert "Bổ sung số người tham gia tại ấp" in page.content.decode()
    assert page.context["form"] is not None
    client.post(reverse("reports:submit", args=[submitted.pk]))
    submitted.refresh_from_db()
    assert submitted.status == Report.Status.SUBMITTED and submitted.submissions == 2
    login(client, coordinator)
    client.post(reverse("reports:accept", args=[submitted.pk]))
    submitted.refresh_from_db()
    assert submitted.status == Report.Status.ACCEPTED
    # Returning an accepted report: refused, nothing lost.
    client.post(url, {"general": "muộn"})
    submitted.refresh_from_db()
    assert submitted.status == Report.Status.ACCEPTED and ReportComment.objects.filter(report=submitted).count() == 1


def test_the_unit_cannot_accept_its_own_report(client, submitted, officer):
    login(client, officer)
    client.post(reverse("reports:accept", args=[submitted.pk]))
    submitted.refresh_from_db()
    assert submitted.status == Report.Status.SUBMITTED


def test_another_units_report_is_not_found(client, draft, outsider):
    login(client, outsider)
    assert client.get(reverse("reports:detail", args=[draft.pk])).status_code == 404
    assert client.post(reverse("reports:submit", args=[draft.pk])).status_code == 404
    listed = client.get(reverse("reports:list"), {"year": YEAR})
    assert draft not in list(listed.context["page"])


def test_list_overview_and_export(client, submitted, coordinator):
    login(client, coordinator)
    page = client.get(reverse("reports:list"), {"year": YEAR})
    assert page.status_code == 200
    assert submitted in list(page.context["page"])
    row = next(o for o in page.context["overview"] if o["unit"].code == UNIT)
    assert row["report"] == submitted
    assert page.context["counts"]["submitted"] == 1 and page.context["counts"]["missing"] >= 1
    export = client.get(reverse("reports:list"), {"year": YEAR, "export": "xlsx"})
    sheet = load_workbook(io.BytesIO(export.content)).active
    values = [c.value for row in sheet.iter_rows() for c in row]
    assert unit_of(UNIT).name in values and YEAR in values
    filtered = client.get(reverse("reports:list"), {"year": YEAR, "status": "accepted"})
    assert list(filtered.context["page"]) == []


def test_frozen_report_page_shows_what_changed_since(client, submitted, officer, world):
    world["conference"].participants = 1500
    world["conference"].save()
    login(client, officer)
    page = client.get(reverse("reports:detail", args=[submitted.pk]))
    assert page.context["figures"]["totals"]["participants"] == 1203
    changed = {c["key"]: c for c in page.context["changes"]}
    assert changed["tot:participants"]["frozen"] == "1203" and changed["tot:participants"]["now"] == "1503"


def test_document_request_makes_a_library_file_and_downloads(
    client, submitted, officer, outsider, django_capture_on_commit_callbacks
):
    login(client, officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:file_new", args=[submitted.pk]), {"format": "xlsx"})
    assert response.status_code == 302
    item = ReportFile.objects.get(report=submitted)
    assert item.status == ReportFile.Status.DONE and item.progress == 100 and item.requested_by == officer
    assert item.source["figures"] == "frozen"
    download = client.get(reverse("reports:download", args=[item.pk]))
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment")
    assert b"".join(download.streaming_content).startswith(b"PK")
    rows = client.get(reverse("reports:files", args=[submitted.pk]))
    assert rows.status_code == 200 and item.filename in rows.content.decode()
    library = client.get(reverse("reports:library"), {"format": "xlsx"})
    assert item in list(library.context["page"])
    export = client.get(reverse("reports:library"), {"export": "csv"})
    assert item.filename in export.content.decode("utf-8-sig")
    # Someone of another unit neither sees nor downloads it.
    login(client, outsider)
    assert client.get(reverse("reports:download", args=[item.pk])).status_code == 404
    assert item not in list(client.get(reverse("reports:library")).context["page"])


def test_unknown_format_is_refused(client, submitted, officer):
    login(client, officer)
    response = client.post(reverse("reports:file_new", args=[submitted.pk]), {"format": "odt"}, follow=True)
    assert not ReportFile.objects.exists()
    assert any(m.level_tag == "error" for m in response.context["messages"])


def test_district_report_page_lists_the_accepted_unit_reports(client, district, coordinator):
    login(client, coordinator)
    page = client.get(reverse("reports:detail", args=[district.pk]))
    assert page.status_code == 200
    units = page.context["figures"]["units"]
    assert [u["unit"] for u in units] == [unit_of(UNIT).name]
    assert page.context["figures"]["totals"]["activities"] == 3


def test_a_report_moved_by_the_system_shows_a_dash_for_who(client, draft, coordinator):
    """Demo data and tasks act without an account: the page still names nobody rather than failing."""
    from lantoa.reports import services

    services.report_submit(actor=None, report=draft)
    services.report_return(actor=None, report=draft, comments={"general": "Bổ sung số liệu"})
    login(client, coordinator)
    page = client.get(reverse("reports:detail", args=[draft.pk]))
    assert page.status_code == 200 and "Bổ sung số liệu" in page.content.decode()
    assert page.context["submitted_name"] == "—" and page.context["decided_name"] == "—"


def test_reports_of_an_ended_plan_stay_reachable_once_the_next_plan_is_default(client, world, coordinator, plan):
    from lantoa.plans.services import plan_copy

    new = plan_copy(
        actor=None,
        plan=plan,
        number="15/KH-UBND",
        title="KH 2026–2030",
        start_year=2026,
        end_year=2030,
        issuer=None,
        issuer_name="Ủy ban nhân dân tỉnh Đồng Tháp",
        make_default=True,
    )
    login(client, coordinator)
    page = client.get(reverse("reports:new"))
    years = [int(v) for v, _label in page.context["form"].fields["year"].choices if str(v).isdigit()]
    assert years == list(range(2022, 2031))
    unit = page.context["form"].fields["unit"].queryset.first()
    client.post(reverse("reports:new"), {"kind": "unit_annual", "unit": unit.pk, "year": 2025})
    # The 2025 report belongs to the plan of 2025, not to the default one.
    assert Report.objects.get(year=2025).plan == plan
    listed = client.get(reverse("reports:list"), {"year": 2025})
    assert listed.status_code == 200 and listed.context["plan"] == plan
    assert client.get(reverse("reports:list"), {"year": 2027}).context["plan"] == new
