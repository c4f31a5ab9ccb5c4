"""Demo reports, built on the other demo data: for 2024 most units' annual reports accepted, one returned
with comments, and the district report as a draft; for 2025 a few submitted and one draft; for 2026, on
the demo 2026–2030 plan, two new communes submitted, one returned and one draft (the year's reports are
due in December). Figures are frozen through the services, as a real submission does. Load after the
budget; remove first."""

import random

from django.db import transaction

from lantoa.documents.models import ReportKind
from lantoa.orgs.models import Unit
from lantoa.plans.models import Plan

from . import services
from .models import Report

UNITS_2024 = ("hn-bhxh", "hn-hoiphunu", "hn-vhtt", "hn-ttvhtt")
RESULTS = (
    "Đơn vị đã chủ động phối hợp với cơ quan BHXH tổ chức hội nghị, đối thoại và tuyên truyền lưu động; "
    "các chỉ tiêu chủ yếu đạt và vượt kế hoạch đề ra."
)
SHORTCOMINGS = "Một số địa bàn còn ít người tham gia; kinh phí hạn chế nên số buổi tuyên truyền trực tiếp chưa nhiều."
PROPOSALS = "Đề nghị UBND huyện bổ sung kinh phí và tăng cường tập huấn cho đội ngũ cộng tác viên."
# After the district there is no district committee to ask.
PROPOSALS_2026 = "Đề nghị UBND tỉnh và BHXH khu vực bổ sung kinh phí, tài liệu tuyên truyền cho xã, phường."
# 2026, the commune committees formed on 01/07/2025: (code, what happened to the report).
COMMUNES_2026 = (
    ("dt-ubnd-long-khanh", "submitted"),
    ("dt-ubnd-thuong-phuoc", "submitted"),
    ("dt-ubnd-thuong-lac-moi", "returned"),
    ("dt-ubnd-long-phu-thuan", "draft"),
)


def _write(report: Report, rng: random.Random, proposals: str = PROPOSALS) -> Report:
    return services.report_save(
        actor=None,
        report=report,
        data={
            "results": RESULTS,
            "shortcomings": SHORTCOMINGS,
            "proposals": proposals,
            "signer_position": rng.choice(["Trưởng phòng", "Giám đốc", "Chủ tịch"]),
            "signer_name": rng.choice(["Nguyễn Văn An", "Trần Thị Bích", "Lê Minh Tâm", "Phạm Thị Hoa"]),
        },
    )


def _mark(report: Report) -> None:
    Report.objects.filter(pk=report.pk).update(is_demo=True)


@transaction.atomic
def reports_demo_load(*, seed: int = 2022, next_plan: Plan | None = None) -> dict:
    plan = Plan.objects.filter(is_default=True).first()
    if plan is None:
        return {"reports": 0}
    rng = random.Random(seed)
    made = _reports_2026(next_plan, random.Random(seed + 2026)) if next_plan is not None else 0
    units = list(Unit.objects.filter(code__in=UNITS_2024).order_by("code"))
    communes = list(Unit.objects.filter(kind=Unit.Kind.COMMUNE_COMMITTEE, valid_to__isnull=True).order_by("code")[:2])
    for year, chosen in ((2024, units + communes), (2025, units[:3])):
        if not plan.start_year <= year <= plan.end_year:
            continue
        for i, unit in enumerate(chosen):
            report = services.report_create(actor=None, plan=plan, unit=unit, year=year)
            _mark(report)
            made += 1
            if year == 2025 and i == 2:
                _write(report, rng)  # still a draft
                continue
            report = services.report_submit(actor=None, report=_write(report, rng))
            if year == 2024 and i == len(chosen) - 1:
                services.report_return(
                    actor=None,
                    report=report,
                    comments={"results": "Đề nghị bổ sung số liệu người tham gia tại các ấp.", "proposals": ""},
                )
            elif year == 2024:
                services.report_accept(actor=None, report=report)
    labour = Unit.objects.filter(code="hn-ldtbxh").first()
    if labour is not None and plan.start_year <= 2024 <= plan.end_year:
        district = services.report_create(actor=None, plan=plan, unit=labour, year=2024, kind=ReportKind.DISTRICT)
        _mark(district)
        _write(district, rng)
        made += 1
    return {"reports": made}


def _reports_2026(plan: Plan, rng: random.Random) -> int:
    year = 2026
    if not plan.start_year <= year <= plan.end_year:
        return 0
    made = 0
    units = {u.code: u for u in Unit.objects.filter(code__in=[code for code, _step in COMMUNES_2026])}
    for code, step in COMMUNES_2026:
        unit = units.get(code)
        if unit is None:
            continue
        report = services.report_create(actor=None, plan=plan, unit=unit, year=year)
        _mark(report)
        made += 1
        report = _write(report, rng, PROPOSALS_2026)
        if step == "draft":
            continue
        report = services.report_submit(actor=None, report=report)
        if step == "returned":
            services.report_return(
                actor=None,
                report=report,
                comments={"results": "Đề nghị bổ sung số buổi phát thanh BHXH tự nguyện từng tuần.", "proposals": ""},
            )
    return made


def reports_demo_remove() -> dict:
    reports = Report.objects.filter(is_demo=True)
    count = reports.count()
    reports.delete()
    return {"reports": count}
