"""The workflow of a report (draft → submitted → accepted / returned → resubmitted), who may move it, what bad
input is refused with nothing changed, the audit trail and the overdue reminders."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from lantoa.accounts.roles import Role
from lantoa.core.models import AuditLog
from lantoa.documents.models import ReportKind
from lantoa.reports import services, tasks
from lantoa.reports.models import Report, ReportComment, ReportFile, ReportReminder

from .conftest import RESULTS, YEAR, unit_of, write


def errors(excinfo) -> dict:
    return excinfo.value.message_dict


def state(report) -> tuple:
    """What a refused step must leave as it was."""
    row = Report.objects.get(pk=report.pk)
    return (
        row.status,
        row.figures,
        row.frozen_at,
        row.submissions,
        row.submitted_at,
        row.decided_by_id,
        row.results,
        row.comments.count(),
    )


# ----------------------------------------------------------------------------- creating


def test_create_fills_the_defaults_and_is_audited(plan, unit, officer, coordinator):
    report = services.report_create(actor=officer, plan=plan, unit=unit, year=YEAR)
    assert report.kind == ReportKind.UNIT_ANNUAL and report.status == Report.Status.DRAFT
    assert report.due_date == dt.date(YEAR, 12, 15)
    assert report.created_by == officer and report.figures is None and report.submissions == 0
    assert "UBND huyện" in report.recipients
    log = AuditLog.objects.get(verb="report_create", target_id=str(report.pk))
    assert log.actor == officer and log.action == AuditLog.Action.CREATE
    # The final evaluation is of the plan's last year whatever year is asked; district-wide reports have no
    # due day.
    final = services.report_create(
        actor=coordinator, plan=plan, unit=unit_of("hn-ldtbxh"), year=2023, kind=ReportKind.FINAL_EVALUATION
    )
    assert final.year == plan.end_year == 2025 and final.due_date is None


def test_bad_creation_is_refused_and_nothing_is_written(plan, unit, officer, commune_officer, coordinator):
    for year in (2021, 2026):
        with pytest.raises(ValidationError) as excinfo:
            services.report_create(actor=officer, plan=plan, unit=unit, year=year)
        assert "year" in errors(excinfo)
    assert not Report.objects.exists()

    first = services.report_create(actor=officer, plan=plan, unit=unit, year=YEAR)
    for actor in (officer, coordinator):  # a second report for the same unit and year
        with pytest.raises(ValidationError) as excinfo:
            services.report_create(actor=actor, plan=plan, unit=unit, year=YEAR)
        assert "year" in errors(excinfo)

    labour = unit_of("hn-ldtbxh")
    for outsider in (commune_officer, officer):  # the district report is the labour office's
        with pytest.raises(ValidationError) as excinfo:
            services.report_create(actor=outsider, plan=plan, unit=labour, year=YEAR, kind=ReportKind.DISTRICT)
        assert "unit" in errors(excinfo)
    with pytest.raises(ValidationError) as excinfo:  # … not the Women's Union's, even for the coordinator
        services.report_create(actor=coordinator, plan=plan, unit=unit, year=YEAR, kind=ReportKind.DISTRICT)
    assert "unit" in errors(excinfo)

    # A commune officer may not write the Women's Union's report.
    with pytest.raises(ValidationError) as excinfo:
        services.report_create(actor=commune_officer, plan=plan, unit=unit, year=YEAR - 1)
    assert "unit" in errors(excinfo)
    before = state(first)
    for step in (
        lambda: services.report_save(actor=commune_officer, report=first, data={"results": "Sửa hộ"}),
        lambda: services.report_submit(actor=commune_officer, report=first),
    ):
        with pytest.raises(ValidationError) as excinfo:
            step()
        assert "unit" in errors(excinfo)
    assert state(first) == before
    assert list(Report.objects.values_list("pk", flat=True)) == [first.pk]
    assert AuditLog.objects.filter(verb="report_create").count() == 1


def test_the_insurance_office_writes_its_report_to_the_province(plan, make_user):
    staff = make_user(Role.INSURANCE, "hn-bhxh")
    office = unit_of("hn-bhxh")
    report = services.report_create(actor=staff, plan=plan, unit=office, year=YEAR, kind=ReportKind.INSURANCE_PROVINCE)
    assert report.unit == office
    assert services.report_create(actor=staff, plan=plan, unit=office, year=YEAR).kind == ReportKind.UNIT_ANNUAL


# ----------------------------------------------------------------------------- editing and submitting


def test_save_keeps_the_narrative_and_is_audited(plan, unit, officer):
    report = services.report_create(actor=officer, plan=plan, unit=unit, year=YEAR)
    report = services.report_save(
        actor=officer,
        report=report,
        data={"results": f"  {RESULTS}  ", "proposals": "Đề nghị hỗ trợ kinh phí in tờ rơi.", "unknown": "x"},
    )
    assert report.results == RESULTS and report.proposals == "Đề nghị hỗ trợ kinh phí in tờ rơi."
    assert AuditLog.objects.filter(verb="report_save", target_id=str(report.pk)).count() == 1
    with pytest.raises(ValidationError) as excinfo:
        services.report_save(actor=officer, report=report, data={"signer_name": "x" * 121})
    assert "signer_name" in errors(excinfo)
    assert Report.objects.get(pk=report.pk).signer_name == ""


def test_a_draft_needs_its_results_to_be_submitted_and_is_not_decided(plan, unit, officer, coordinator):
    report = services.report_create(actor=officer, plan=plan, unit=unit, year=YEAR)
    with pytest.raises(ValidationError) as excinfo:
        services.report_submit(actor=officer, report=report)
    assert "results" in errors(excinfo)
    with pytest.raises(ValidationError):
        services.report_return(actor=coordinator, report=report, comments={"results": "Chưa nộp"})
    with pytest.raises(ValidationError):
        services.report_accept(actor=coordinator, report=report)
    assert state(report) == (Report.Status.DRAFT, None, None, 0, None, None, "", 0)


def test_submit_twice_is_refused_and_changes_nothing(draft, officer):
    stale = Report.objects.get(pk=draft.pk)  # a second tab still showing the draft
    report = services.report_submit(actor=officer, report=draft)
    assert report.status == Report.Status.SUBMITTED and report.submitted_by == officer and report.figures
    before = state(report)
    with pytest.raises(ValidationError) as excinfo:
        services.report_submit(actor=officer, report=report)
    assert "__all__" in errors(excinfo)
    with pytest.raises(ValidationError) as excinfo:
        services.report_submit(actor=officer, report=stale)  # passes the status check, loses the race
    assert "__all__" in errors(excinfo)
    assert state(report) == before
    assert AuditLog.objects.filter(verb="report_submit", target_id=str(report.pk)).count() == 1


def test_a_submitted_report_cannot_be_saved(submitted, officer, coordinator):
    stale = Report.objects.get(pk=submitted.pk)
    stale.status = Report.Status.DRAFT  # as read before it was submitted
    before = state(submitted)
    for actor, report in ((officer, submitted), (coordinator, submitted), (officer, stale)):
        with pytest.raises(ValidationError) as excinfo:
            services.report_save(actor=actor, report=report, data={"results": "Viết lại sau khi nộp"})
        assert "__all__" in errors(excinfo)
    assert state(submitted) == before
    assert not AuditLog.objects.filter(verb="report_save", target_id=str(submitted.pk), actor=coordinator).exists()


def test_the_district_report_waits_for_an_accepted_unit_report_and_is_issued(submitted, plan, coordinator):
    report = services.report_create(
        actor=coordinator, plan=plan, unit=unit_of("hn-ldtbxh"), year=YEAR, kind=ReportKind.DISTRICT
    )
    report = write(report, coordinator)
    with pytest.raises(ValidationError) as excinfo:
        services.report_submit(actor=coordinator, report=report)
    assert "__all__" in errors(excinfo)
    assert Report.objects.get(pk=report.pk).status == Report.Status.DRAFT

    services.report_accept(actor=coordinator, report=submitted)
    report = services.report_submit(actor=coordinator, report=report)
    assert report.status == Report.Status.SUBMITTED
    # Issued: nobody accepts or returns the district report.
    with pytest.raises(ValidationError):
        services.report_accept(actor=coordinator, report=report)
    with pytest.raises(ValidationError):
        services.report_return(actor=coordinator, report=report, comments={"results": "Xem lại"})
    assert Report.objects.get(pk=report.pk).status == Report.Status.SUBMITTED


# ----------------------------------------------------------------------------- returning and accepting


def test_refused_returns_and_accepts_change_nothing(submitted, coordinator, officer, commune_officer, make_user):
    before = state(submitted)
    for comments in ({}, {"results": "   "}, {"nowhere": "Không thuộc mục nào"}):
        with pytest.raises(ValidationError) as excinfo:
            services.report_return(actor=coordinator, report=submitted, comments=comments)
        assert "comments" in errors(excinfo)
    # Only the coordinator (or the administrator) decides: not the unit, another commune, nor a leader.
    leader = make_user(Role.LEADER, "hn-ldtbxh")
    for actor in (officer, commune_officer, leader):
        with pytest.raises(ValidationError) as excinfo:
            services.report_return(actor=actor, report=submitted, comments={"results": "Bổ sung số liệu"})
        assert "__all__" in errors(excinfo)
        with pytest.raises(ValidationError) as excinfo:
            services.report_accept(actor=actor, report=submitted)
        assert "__all__" in errors(excinfo)
    assert state(submitted) == before
    assert not ReportComment.objects.exists()


def test_return_keeps_comments_per_section_with_the_round(submitted, officer, coordinator):
    report = services.report_return(
        actor=coordinator,
        report=submitted,
        comments={
            "figures": "Thiếu buổi nói chuyện tháng 11.",
            "proposals": "  Nêu rõ kinh phí đề nghị.  ",
            "results": "",
            "nowhere": "bỏ qua",
        },
    )
    assert report.status == Report.Status.RETURNED and report.decided_by == coordinator
    assert list(report.comments.values_list("section", "text", "round", "author")) == [
        ("figures", "Thiếu buổi nói chuyện tháng 11.", 1, coordinator.pk),
        ("proposals", "Nêu rõ kinh phí đề nghị.", 1, coordinator.pk),
    ]
    # A returned report is edited and submitted again; the next return is the second round.
    report = services.report_save(actor=officer, report=report, data={"proposals": "Đề nghị 5.000.000 đồng."})
    report = services.report_submit(actor=officer, report=report)
    assert report.submissions == 2 and report.decided_by is None
    report = services.report_return(actor=coordinator, report=report, comments={"general": "Ký và đóng dấu."})
    assert list(report.comments.values_list("section", "round")) == [("figures", 1), ("proposals", 1), ("general", 2)]


def test_accept_then_no_return(submitted, officer, coordinator):
    report = services.report_accept(actor=coordinator, report=submitted)
    assert report.status == Report.Status.ACCEPTED and report.decided_by == coordinator and report.decided_at
    before = state(report)
    with pytest.raises(ValidationError) as excinfo:
        services.report_return(actor=coordinator, report=report, comments={"results": "Xem lại"})
    assert "__all__" in errors(excinfo)
    for step in (
        lambda: services.report_accept(actor=coordinator, report=report),
        lambda: services.report_submit(actor=officer, report=report),
        lambda: services.report_save(actor=officer, report=report, data={"results": "Sửa"}),
    ):
        with pytest.raises(ValidationError):
            step()
    assert state(report) == before


def test_every_step_is_audited(draft, officer, coordinator):
    report = services.report_submit(actor=officer, report=draft)
    report = services.report_return(actor=coordinator, report=report, comments={"results": "Bổ sung"})
    report = services.report_submit(actor=officer, report=report)
    services.report_accept(actor=coordinator, report=report)
    logs = AuditLog.objects.filter(target_id=str(report.pk), verb__startswith="report_").order_by("pk")
    assert [(log.verb, log.actor_id) for log in logs] == [
        ("report_create", officer.pk),
        ("report_save", officer.pk),
        ("report_submit", officer.pk),
        ("report_return", coordinator.pk),
        ("report_submit", officer.pk),
        ("report_accept", coordinator.pk),
    ]
    submit = logs.filter(verb="report_submit").first()
    assert submit.changes["status"] == ["draft", "submitted"]
    assert "Bổ sung" in logs.get(verb="report_return").note


# ----------------------------------------------------------------------------- the library request


def test_file_request_checks_the_format_and_does_not_queue_twice(submitted, officer):
    with pytest.raises(ValidationError) as excinfo:
        services.file_request(actor=officer, report=submitted, fmt="odt")
    assert "format" in errors(excinfo)
    first = services.file_request(actor=officer, report=submitted, fmt="docx")  # the task runs after commit
    again = services.file_request(actor=officer, report=submitted, fmt="docx")
    assert again.pk == first.pk and first.status == ReportFile.Status.QUEUED and first.requested_by == officer
    assert services.file_request(actor=officer, report=submitted, fmt="xlsx").pk != first.pk
    assert AuditLog.objects.filter(verb="report_file").count() == 2


# ----------------------------------------------------------------------------- reminders


def test_reminders_after_the_due_day_once_per_unit(plan, unit, officer, make_user, monkeypatch):
    farmer = make_user(Role.UNIT_OFFICER, "hn-hoinongdan", email="nongdan@example.vn")
    make_user(Role.UNIT_OFFICER, "hn-hoinongdan")  # no e-mail address
    make_user(Role.COORDINATOR, "hn-ldtbxh", email="ldtbxh@example.vn")  # writes the district report instead

    assert services.reminders_send(today=dt.date(YEAR, 12, 15)) == 0  # the due day itself
    assert mail.outbox == []

    # The Women's Union has submitted, the Farmers' Union has not.
    report = write(services.report_create(actor=officer, plan=plan, unit=unit, year=YEAR), officer)
    services.report_submit(actor=officer, report=report)
    assert services.reminders_send(today=dt.date(YEAR, 12, 20)) == 1
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [farmer.email]
    assert str(YEAR) in mail.outbox[0].subject
    assert list(ReportReminder.objects.values_list("unit__code", "year")) == [("hn-hoinongdan", YEAR)]

    assert services.reminders_send(today=dt.date(YEAR, 12, 21)) == 0  # the next day's run: not again
    assert len(mail.outbox) == 1

    # The daily task after the plan has ended sends nothing.
    monkeypatch.setattr("lantoa.core.clock.today", lambda: dt.date(2026, 12, 20))
    assert tasks.reminders.enqueue().return_value == 0
    assert len(mail.outbox) == 1 and ReportReminder.objects.count() == 1


def test_final_evaluation_is_submitted_with_the_figures_of_its_latest_document(
    small_plan, world, coordinator, make_file
):
    """Computing the final evaluation takes minutes at province scale: it is done by the document's background
    task, and submitting freezes those figures (a request never computes them)."""
    report = services.report_create(
        actor=coordinator, plan=small_plan, unit=unit_of("hn-ldtbxh"), year=2025, kind=ReportKind.FINAL_EVALUATION
    )
    report = services.report_save(actor=coordinator, report=report, data={"results": "Đạt phần lớn chỉ tiêu."})
    with pytest.raises(ValidationError):
        services.report_submit(actor=coordinator, report=report)  # no document yet
    assert Report.objects.get(pk=report.pk).status == Report.Status.DRAFT
    item = make_file(report, coordinator, "xlsx")
    assert item.status == ReportFile.Status.DONE and item.figures["scope"] == "final"
    submitted = services.report_submit(actor=coordinator, report=report)
    assert submitted.figures == item.figures and submitted.frozen_at == item.finished_at
    assert [r["code"] for r in submitted.figures["indicators"]] == ["T1", "T7", "M10"]
