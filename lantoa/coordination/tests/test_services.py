"""Bad input (a clear message naming the field, nothing saved), plan states and the reminder job."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from lantoa.accounts.roles import Role
from lantoa.coordination import services
from lantoa.coordination.models import Agreement, PlanReminder, UnitPlan
from lantoa.coordination.tests.conftest import PDF, d, docx_bytes
from lantoa.core.models import AuditLog
from lantoa.orgs.models import Unit

pytestmark = pytest.mark.django_db


def unit(code):
    return Unit.objects.get(code=code)


def new_plan(**over):
    # 2026: the regional BHXH office, which the district's closed office merged into.
    data = {"unit": unit("dt-bhxh-kv"), "year": 2026, "title": "Kế hoạch tuyên truyền 2026"}
    data.update(over)
    return UnitPlan(**data)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("ke-hoach.txt", b"plain text"),
        ("ke-hoach.pdf", b"not really a pdf"),
        ("ke-hoach.docx", docx_bytes(with_document=False)),  # a zip, but not a Word document
        ("ke-hoach.docx", b"PK\x03\x04broken"),
        ("ke-hoach.xlsx", docx_bytes()),
    ],
)
def test_plan_file_must_be_pdf_or_docx(coordinator, name, content):
    with pytest.raises(ValidationError) as exc:
        services.plan_save(actor=coordinator, plan=new_plan(), document=SimpleUploadedFile(name, content))
    assert "document" in exc.value.message_dict
    assert "PDF" in exc.value.message_dict["document"][0]
    assert not UnitPlan.objects.exists()


def test_plan_file_size_limit(coordinator, monkeypatch):
    monkeypatch.setattr(services, "PLAN_MAX_BYTES", 10)
    with pytest.raises(ValidationError) as exc:
        services.plan_save(actor=coordinator, plan=new_plan(), document=SimpleUploadedFile("a.pdf", PDF))
    assert "MB" in exc.value.message_dict["document"][0]


def test_plan_life_cycle(coordinator, make_user):
    officer = make_user(Role.UNIT_OFFICER, "dt-bhxh-kv")
    plan = services.plan_save(
        actor=officer, plan=new_plan(), document=SimpleUploadedFile("ke-hoach.docx", docx_bytes())
    )
    assert plan.status == UnitPlan.Status.DRAFT and plan.document.name.endswith(".docx")
    services.plan_file(actor=officer, plan=plan)
    assert plan.status == UnitPlan.Status.FILED and plan.filed_on is not None
    with pytest.raises(ValidationError):  # a unit officer may not accept
        services.plan_accept(actor=officer, plan=plan)
    services.plan_accept(actor=coordinator, plan=plan)
    assert plan.status == UnitPlan.Status.ACCEPTED and plan.accepted_by == coordinator
    with pytest.raises(ValidationError) as exc:  # returning needs a reason
        services.plan_return(actor=coordinator, plan=plan)
    assert "note" in exc.value.message_dict
    services.plan_return(actor=coordinator, plan=plan, note="Thiếu chỉ tiêu BHXH tự nguyện")
    assert plan.status == UnitPlan.Status.DRAFT and plan.accepted_by is None
    verbs = set(AuditLog.objects.filter(target_type="coordination.unitplan").values_list("verb", flat=True))
    assert verbs == {"unit_plan_save", "unit_plan_file", "unit_plan_accept", "unit_plan_return"}


def test_plan_needs_document_to_be_filed_and_one_per_year(coordinator):
    plan = services.plan_save(actor=coordinator, plan=new_plan())
    with pytest.raises(ValidationError) as exc:
        services.plan_file(actor=coordinator, plan=plan)
    assert "document" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.plan_save(actor=coordinator, plan=new_plan())
    assert "year" in exc.value.message_dict


def test_plan_of_another_unit_refused(default_data, make_user):
    officer = make_user(Role.COMMUNE_OFFICER, "dt-ubnd-tan-long")
    with pytest.raises(ValidationError) as exc:
        services.plan_save(actor=officer, plan=new_plan())
    assert "unit" in exc.value.message_dict
    leader = make_user(Role.LEADER, "hn-ldtbxh")
    with pytest.raises(ValidationError):
        services.plan_save(actor=leader, plan=new_plan())
    assert not UnitPlan.objects.exists()


def agreement(**over):
    data = {
        "title": "Chương trình phối hợp",
        "signed_on": d("01/02/2023"),
        "period_start": d("01/02/2023"),
        "period_end": d("31/12/2025"),
    }
    data.update(over)
    return Agreement(**data)


def test_agreement_ending_before_it_starts_is_refused(coordinator):
    with pytest.raises(ValidationError) as exc:
        services.agreement_save(
            actor=coordinator,
            agreement=agreement(period_end=d("31/12/2022")),
            parties=[unit("hn-bhxh"), unit("hn-ldtbxh")],
        )
    assert "period_end" in exc.value.message_dict
    assert "31/12/2022" in exc.value.message_dict["period_end"][0]
    assert not Agreement.objects.exists()


def test_agreement_needs_two_parties(coordinator):
    with pytest.raises(ValidationError) as exc:
        services.agreement_save(actor=coordinator, agreement=agreement(), parties=[unit("hn-bhxh")])
    assert "parties" in exc.value.message_dict
    saved = services.agreement_save(
        actor=coordinator, agreement=agreement(), parties=[unit("hn-bhxh"), unit("hn-ldtbxh")]
    )
    assert saved.parties.count() == 2


def test_email_needs_leaders_with_an_address(coordinator):
    with pytest.raises(ValidationError) as exc:
        services.briefing_email_send(
            actor=coordinator, unit=unit("hn-bhxh"), units=[unit("hn-bhxh")], subject="Tin", body="Nội dung"
        )
    assert "units" in exc.value.message_dict
    assert not mail.outbox


def test_award_goes_to_one_recipient(coordinator):
    from lantoa.coordination.models import Award

    with pytest.raises(ValidationError) as exc:
        services.award_save(
            actor=coordinator,
            award=Award(date=d("01/12/2023"), title="Giấy khen", awarded_by=unit("hn-bhxh")),
        )
    assert "person" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.award_save(
            actor=coordinator,
            award=Award(
                date=d("01/12/2023"),
                title="Giấy khen",
                awarded_by=unit("hn-bhxh"),
                recipient_unit=unit("hn-ldtbxh"),
                recipient_name="Bưu điện",
            ),
        )


def _plan_2026(actor):
    from lantoa.plans.models import Plan
    from lantoa.plans.services import plan_copy

    old = Plan.objects.get(is_default=True)
    return plan_copy(
        actor=actor, plan=old, number="1/KH", title="KH 2026", start_year=2026, end_year=2030, issuer=unit("dt-snv")
    )


def test_no_reminder_in_a_year_no_plan_covers(default_data, make_user, settings):
    settings.COORDINATION_PLAN_DUE = "15/02"
    make_user(Role.UNIT_OFFICER, "dt-bhxh-kv", email="bhxh@dongthap.example")
    assert services.plan_reminders_send(today=dt.date(2026, 2, 16)) == 0
    assert not mail.outbox and not PlanReminder.objects.exists()


def test_reminder_once_per_unit_and_year(default_data, make_user, settings):
    settings.COORDINATION_PLAN_DUE = "15/02"
    _plan_2026(None)
    officer = make_user(Role.UNIT_OFFICER, "dt-bhxh-kv", email="bhxh@dongthap.example")
    make_user(Role.UNIT_OFFICER, "dt-snv", email="snv@dongthap.example")
    UnitPlan.objects.create(unit=unit("dt-snv"), year=2026, title="KH", status=UnitPlan.Status.FILED)
    assert services.plan_reminders_send(today=dt.date(2026, 2, 15)) == 0  # not after the due date yet
    assert services.plan_reminders_send(today=dt.date(2026, 2, 16)) == 1  # dt-bhxh-kv: no plan; dt-snv filed
    assert [m.to for m in mail.outbox] == [[officer.email]]
    assert "2026" in mail.outbox[0].subject
    assert services.plan_reminders_send(today=dt.date(2026, 2, 17)) == 0  # never twice
    assert PlanReminder.objects.count() == 1


def test_reminder_job_registered():
    from lantoa.core.scheduler import JOBS

    assert any(j.task == "lantoa.coordination.tasks.plan_reminders" for j in JOBS)
