"""The library documents of a report: DOCX from the unit's template (or the default Decree 30 one), PDF by
LibreOffice, XLSX with every table; made by the background task with its progress, from the frozen figures
of a submitted report (the live ones of a draft); a template that fails leaves a failed row and no file.

LibreOffice conversions take seconds each: three in all (the unit report's PDF, the district report and the
final evaluation), each read back with pdftotext for several things at once."""

import datetime as dt
import hashlib
import io

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import timezone
from openpyxl import load_workbook

from lantoa.activities.kinds import Kind
from lantoa.core.models import AuditLog
from lantoa.documents.models import ReportKind
from lantoa.documents.services import date_line, default_template, docx_to_pdf, report_template_upload
from lantoa.documents.tests.helpers import edited
from lantoa.reports import build, services
from lantoa.reports.models import ReportFile

from .conftest import RESULTS, UNIT_NAME, YEAR, activity, content, docx_text, pdf_text, unit_of

HEADINGS = ("BÁO CÁO", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")
SUBTITLE = f"Kết quả thực hiện Kế hoạch tuyên truyền chính sách, pháp luật về BHXH năm {YEAR}"
# The activities table's total row: 3 activities, 1.203 present, 1.234 reached (Vietnamese separators).
TOTAL_ROW = "| 3 | 1.203 | 1.234"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_unit_report_docx_carries_the_frozen_figures(submitted, officer, make_file, monkeypatch):
    steps = []
    record = build._progress
    monkeypatch.setattr(
        build, "_progress", lambda item, percent, step: (steps.append(percent), record(item, percent, step))
    )
    activity(dt.date(YEAR, 11, 5), kind=Kind.TALK, participants=30)  # recorded after the report was submitted

    item = make_file(submitted, officer, "docx")
    assert item.status == ReportFile.Status.DONE and item.error == "" and item.finished_at
    assert item.progress == 100 and steps and steps == sorted(steps)
    assert item.source == {
        "figures": "frozen",
        "frozen_at": submitted.frozen_at.isoformat(),
        "submission": 1,
        "status": "submitted",
        "template": {"version": "default"},
    }
    assert item.requested_by == officer
    assert item.filename == f"bao-cao-nam-hoi-lhpn-{YEAR}.docx"
    data = content(item)
    assert data.startswith(b"PK") and item.size == len(data) and item.sha256 == sha256(data)
    assert AuditLog.objects.filter(verb="report_file", actor=officer, target_id=str(item.pk)).exists()

    text = docx_text(data)
    for expected in (
        *HEADINGS,
        SUBTITLE,
        UNIT_NAME.upper(),
        date_line(getattr(settings, "REPORTS_PLACE", "Hồng Ngự"), timezone.localdate(submitted.submitted_at)),
        RESULTS,
        TOTAL_ROW,
        "| 1.203",  # people present, in the summary
        "| 20.000.000 |",  # the estimate
        "| 8.000.000 |",  # spent
        "| 33,3% |",  # T1 and T7
        "Võ Thị Thu",
    ):
        assert expected in text, expected
    # The talk recorded after submission is not in it: 4 activities and 1.233 present are today's figures.
    assert "1.233" not in text and "| 4 | 1.233" not in text


def test_unit_report_pdf_through_libreoffice(libreoffice, submitted, officer, make_file, tmp_path):
    item = make_file(submitted, officer, "pdf")
    assert item.status == ReportFile.Status.DONE and item.progress == 100, item.error
    assert item.filename.endswith(".pdf") and item.source["figures"] == "frozen"
    assert item.source["template"] == {"version": "default"}
    pdf = content(item)
    assert pdf.startswith(b"%PDF") and item.sha256 == sha256(pdf)

    text = pdf_text(pdf, tmp_path)
    for expected in (
        *HEADINGS,
        SUBTITLE,
        UNIT_NAME.upper(),
        RESULTS,
        "3 1.203 1.234",  # the activities' total row
        "1.200",  # the conference
        "20.000.000",
        "8.000.000",
        "33,3%",
        "Võ Thị Thu",
    ):
        assert expected in text, expected


def test_district_report_and_final_evaluation_through_libreoffice(
    libreoffice, district, accepted, coordinator, small_plan, make_file, tmp_path
):
    report = services.report_submit(actor=coordinator, report=district)
    item = make_file(report, coordinator, "docx")
    assert item.status == ReportFile.Status.DONE and item.progress == 100, item.error
    assert item.requested_by == coordinator
    assert item.source["figures"] == "frozen" and item.source["template"] == {"version": "default"}
    assert item.source["unit_reports"] == [{"unit": UNIT_NAME, "report": accepted.pk, "submission": 1}]
    docx = content(item)
    assert TOTAL_ROW in docx_text(docx)
    text = pdf_text(docx_to_pdf(docx), tmp_path)
    for expected in (
        *HEADINGS,
        f"{SUBTITLE} trên địa bàn huyện",
        # The issuer, uppercased; its line breaks after "ĐỘNG -", which pdftotext reads as a hyphenation.
        "PHÒNG LAO ĐỘNG",
        "THƯƠNG BINH VÀ XÃ HỘI HUYỆN HỒNG NGỰ",
        "Hội Liên hiệp Phụ nữ",  # the accepted unit report, in the table of unit reports
        "3 1.203 1.234",
        "Hội Nông dân huyện Hồng Ngự",  # has not reported
        "20.000.000",
    ):
        assert expected in text, expected

    final = services.report_create(
        actor=coordinator, plan=small_plan, unit=unit_of("hn-ldtbxh"), year=2025, kind=ReportKind.FINAL_EVALUATION
    )
    final = services.report_save(actor=coordinator, report=final, data={"results": "Kế hoạch cơ bản hoàn thành."})
    item = make_file(final, coordinator, "docx")
    assert item.status == ReportFile.Status.DONE and item.progress == 100, item.error
    assert item.source["figures"] == "live" and item.source["status"] == "draft" and item.source["computed_at"]
    assert item.filename == "bao-cao-tong-ket-phong-ld-tb-xh-2025.docx"
    text = pdf_text(docx_to_pdf(content(item)), tmp_path)
    for expected in (
        *HEADINGS,
        "Tổng kết thực hiện Kế hoạch tuyên truyền chính sách, pháp luật về BHXH giai đoạn 2022 - 2025",
        "T1",
        "T7",
        "M10",
        "33,3%",  # T1 in 2024, plan-wide and for Xã Thường Lạc
        "Xã Thường Lạc",
        "Kế hoạch cơ bản hoàn thành.",
    ):
        assert expected in text, expected


def test_xlsx_has_every_table_with_the_same_figures(submitted, officer, make_file):
    item = make_file(submitted, officer, "xlsx")
    assert item.status == ReportFile.Status.DONE and item.progress == 100, item.error
    assert item.filename == f"bao-cao-nam-hoi-lhpn-{YEAR}.xlsx" and item.source["figures"] == "frozen"
    assert "template" not in item.source
    workbook = load_workbook(io.BytesIO(content(item)))
    assert len(workbook.sheetnames) == 4  # indicators, activities, summary, budget
    rows = [[c.value for c in row] for ws in workbook for row in ws.iter_rows()]
    values = {v for row in rows for v in row if v is not None}
    # Counts and amounts are numbers Excel can add up; shares stay as shown.
    assert {1203, 1234, 1200, 20000000, 8000000, "33,3%", "T1", "T7", "M10"} <= values
    assert any(row[2:] == [3, 1203, 1234] for row in rows)  # the activities' total row
    assert 1233 not in values


def test_the_units_own_template_is_used_for_its_reports(draft, officer, unit, make_file):
    mine = edited(default_template(), {"{{ subtitle }}": "{{ subtitle }} (mẫu của Hội LHPN huyện)"})
    template = report_template_upload(
        actor=officer, unit=unit, kind=ReportKind.UNIT_ANNUAL, file=ContentFile(mine, name="mau-hoi-lhpn.docx")
    )
    item = make_file(draft, officer, "docx")
    assert item.status == ReportFile.Status.DONE and item.progress == 100, item.error
    assert item.source["template"] == {"version": 1, "sha256": template.sha256}
    assert item.source["figures"] == "live" and item.source["status"] == "draft"
    text = docx_text(content(item))
    assert f"{SUBTITLE} (mẫu của Hội LHPN huyện)" in text
    assert TOTAL_ROW in text  # a draft's document shows the live figures


@pytest.mark.parametrize(
    "tag",
    [
        # Both pass the upload check (the sample data has a signer's authority) and fail on a real report,
        # which has none: a template error, and an error Python raises.
        "{{ (sections if signer_authority else recipients[9]).x }}",
        "{{ 1 // signer_authority|length }}",
    ],
    ids=["undefined", "division"],
)
def test_a_template_that_breaks_when_rendered_leaves_a_failed_row(draft, officer, unit, make_file, tag):
    upload = {"actor": officer, "unit": unit, "kind": ReportKind.UNIT_ANNUAL}
    broken = edited(default_template(), {"{{ signer_authority }}": tag})
    report_template_upload(**upload, file=ContentFile(broken, name="mau-loi.docx"))

    item = make_file(draft, officer, "docx")
    assert item.status == ReportFile.Status.FAILED and item.error and item.finished_at
    assert item.progress < 100
    assert not item.file and item.filename == "" and item.size == 0 and item.sha256 == "" and item.source == {}

    # The next version of the template works; the failed row stays in the library as it was.
    fixed = report_template_upload(**upload, file=ContentFile(default_template(), name="mau.docx"))
    again = make_file(draft, officer, "docx")
    assert again.pk != item.pk and again.status == ReportFile.Status.DONE
    assert again.source["template"]["version"] == fixed.version == 2
    assert ReportFile.objects.get(pk=item.pk).status == ReportFile.Status.FAILED


def test_heading_names_the_issuer_as_it_was_on_the_documents_day(draft, coordinator, monkeypatch):
    """The district union's 2024 report keeps the district heading; a new commune's 2026 report heads
    itself, dated at the commune; a renamed unit's old document keeps the old name."""
    from lantoa.orgs.models import Unit
    from lantoa.orgs.services import unit_rename

    heading = build.context(draft, {}, day=dt.date(2025, 1, 10))
    assert heading["issuer_parent"] == unit_of("hn-mttq").name.upper()
    assert heading["issuer"] == UNIT_NAME.upper() and heading["place"] == "Hồng Ngự"

    monkeypatch.setattr("lantoa.core.clock.today", lambda: dt.date(2026, 12, 7))  # the new commune's time
    commune = Unit.objects.get(code="dt-ubnd-long-khanh")
    report = services.report_create(actor=coordinator, plan=draft.plan, unit=commune, year=2025)
    heading = build.context(report, {}, day=dt.date(2026, 1, 8))
    assert heading["issuer_parent"] == "" and heading["issuer"] == "ỦY BAN NHÂN DÂN XÃ LONG KHÁNH"
    assert heading["place"] == "Long Khánh"

    unit_rename(actor=coordinator, unit=commune, new_name="Ủy ban nhân dân phường Long Khánh", on=dt.date(2026, 3, 1))
    assert build.context(report, {}, day=dt.date(2026, 1, 8))["issuer"] == "ỦY BAN NHÂN DÂN XÃ LONG KHÁNH"
    assert build.context(report, {}, day=dt.date(2026, 3, 2))["issuer"] == "ỦY BAN NHÂN DÂN PHƯỜNG LONG KHÁNH"
