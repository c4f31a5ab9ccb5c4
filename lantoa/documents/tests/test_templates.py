"""A unit's own template: checked (a DOCX, tags whole, required fields there, no unknown field, renders),
versioned (a new upload is a new version; the old ones are kept and can be chosen again), audited."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile

from lantoa.accounts.roles import Role
from lantoa.core.models import AuditLog
from lantoa.documents.models import ReportKind, ReportTemplate
from lantoa.documents.selectors import report_template_bytes
from lantoa.documents.services import check_template, default_template, report_template_activate, report_template_upload
from lantoa.orgs.models import Unit

from .helpers import edited

UNIT = "hn-ldtbxh"


def upload(actor, data, kind=ReportKind.UNIT_ANNUAL, unit=UNIT):
    return report_template_upload(
        actor=actor, unit=Unit.objects.get(code=unit), kind=kind, file=ContentFile(data, name="mau-bao-cao.docx")
    )


def messages(excinfo) -> str:
    return " ".join(excinfo.value.messages)


def test_default_template_passes_its_own_check():
    check_template(default_template())


def test_not_a_docx():
    with pytest.raises(ValidationError) as excinfo:
        check_template(b"%PDF-1.7 not a word file")
    assert ".docx" in messages(excinfo)


@pytest.mark.parametrize(
    ("replace", "named"),
    [
        ({"{{ title }}": "{{ title }"}, "{{ title }"),
        ({"{{ signer_name }}": "{{ signer name }}"}, "{{ signer name }}"),
        ({"{%p endfor %}": "{%p endfo %}"}, "{%p endfo %}"),
    ],
)
def test_broken_tag_is_named(replace, named):
    with pytest.raises(ValidationError) as excinfo:
        check_template(edited(default_template(), replace))
    assert named in messages(excinfo)


def test_missing_required_field_is_named():
    with pytest.raises(ValidationError) as excinfo:
        check_template(edited(default_template(), {"Số: {{ doc_number }}": "Số: ...", "{{ signer_name }}": "Ký tên"}))
    text = messages(excinfo)
    assert '"doc_number"' in text and '"signer_name"' in text


def test_unknown_field_is_named():
    with pytest.raises(ValidationError) as excinfo:
        check_template(edited(default_template(), {"{{ subtitle }}": "{{ trich_yeu }}"}))
    assert '"trich_yeu"' in messages(excinfo)


def test_date_parts_stand_for_date_line():
    check_template(
        edited(default_template(), {"{{ date_line }}": "{{ place }}, ngày {{ day }} tháng {{ month }} năm {{ year }}"})
    )


def test_upload_versions_and_choice(default_data, make_user):
    officer = make_user(Role.COORDINATOR, UNIT)
    unit = Unit.objects.get(code=UNIT)
    assert report_template_bytes(unit=unit, kind=ReportKind.UNIT_ANNUAL) == default_template()

    mine = edited(default_template(), {"BÁO CÁO": "BÁO CÁO (mẫu riêng)"})
    first = upload(officer, default_template())
    second = upload(officer, mine)
    assert (first.version, second.version) == (1, 2)
    first.refresh_from_db()
    assert not first.is_active and second.is_active
    assert report_template_bytes(unit=unit, kind=ReportKind.UNIT_ANNUAL) == mine
    assert report_template_bytes(unit=unit, kind=ReportKind.DISTRICT) == default_template()

    report_template_activate(actor=officer, template=first)
    assert report_template_bytes(unit=unit, kind=ReportKind.UNIT_ANNUAL) == default_template()
    assert ReportTemplate.objects.filter(unit=unit).count() == 2
    assert AuditLog.objects.filter(verb="report_template_upload").count() == 2
    assert AuditLog.objects.filter(verb="report_template_activate").count() == 1


def test_refused_upload_keeps_what_was_there(default_data, make_user):
    officer = make_user(Role.COORDINATOR, UNIT)
    kept = upload(officer, default_template())
    with pytest.raises(ValidationError) as excinfo:
        upload(officer, edited(default_template(), {"{{ title }}": "{{ title }"}))
    assert "{{ title }" in messages(excinfo)
    assert list(ReportTemplate.objects.values_list("pk", "is_active")) == [(kept.pk, True)]


def test_outsider_may_not_replace_another_units_template(default_data, make_user):
    outsider = make_user(Role.COMMUNE_OFFICER, "dt-ubnd-long-khanh")
    with pytest.raises(ValidationError):
        upload(outsider, default_template())
    assert not ReportTemplate.objects.exists()


def test_a_role_that_reads_every_unit_changes_only_its_own_units_templates(default_data, make_user, in_2023):
    """The insurance office reads every unit; it keeps its own templates, not the labour office's."""
    staff = make_user(Role.INSURANCE, "hn-bhxh")
    mine = upload(staff, default_template(), unit="hn-bhxh")
    assert mine.unit.code == "hn-bhxh" and mine.is_active
    with pytest.raises(ValidationError):
        upload(staff, default_template(), unit=UNIT)
    assert not ReportTemplate.objects.filter(unit__code=UNIT).exists()
    leader = make_user(Role.LEADER, "hn-ldtbxh")
    with pytest.raises(ValidationError):
        upload(leader, default_template(), unit=UNIT)
