"""A small hand-counted world for the reports: one unit (the district Women's Union) with its 2024 records,
the accounts that write and decide its reports, and helpers to read the documents made from them.

The Women's Union of 2024 (hn-hoiphunu), every figure worked out by hand:
- done activities: a conference in the May campaign (1.200 present, 3.000.000 đ), leaflets (1.234 reached,
  2.500.000 đ), a training class (3 present, 1.000.000 đ) → 3 activities, 1.203 present, 1.234 reached;
- not counted: a planned talk, a 2023 conference, the Farmers' Union's 2024 conference;
- the training's class list: three collaborators of the unit, two attended, one completed → T1 = 33,3 %;
- budget: an estimate of 20.000.000 đ, a spending line of 1.500.000 đ, plus the activities' costs.
"""

import datetime as dt
import io
import itertools
import re
import subprocess
from decimal import Decimal

import pytest
from docx import Document

from conftest import legacy_commune
from lantoa.accounts.roles import Role
from lantoa.activities.kinds import Channel, Kind
from lantoa.activities.models import Activity, Campaign
from lantoa.audience.models import Person
from lantoa.budget.models import BudgetEstimate, SpendingLine
from lantoa.core.text import search_key
from lantoa.documents.models import ReportKind
from lantoa.documents.tests.conftest import libreoffice  # noqa: F401 (the documents tests' fixture, shared)
from lantoa.orgs.models import Unit
from lantoa.plans.models import Plan
from lantoa.reports import services
from lantoa.team.models import TeamMember, TrainingAttendance

YEAR = 2024
UNIT = "hn-hoiphunu"
UNIT_NAME = "Hội Liên hiệp Phụ nữ huyện Hồng Ngự"
RESULTS = "Hội đã tổ chức hội nghị tuyên truyền và phát tờ rơi về BHXH tự nguyện tại xã Thường Lạc."

_n = itertools.count(1)


def unit_of(code: str) -> Unit:
    return Unit.objects.get(code=code)


def activity(
    day: dt.date,
    *,
    kind=Kind.CONFERENCE,
    channel=Channel.DIRECT,
    unit=UNIT,
    status=Activity.Status.DONE,
    participants=0,
    estimated_reach=None,
    cost=None,
    campaign=None,
    commune="Xã Thường Lạc",
    created_by=None,
) -> Activity:
    title = f"{Kind(kind).label} {next(_n)}"
    return Activity.objects.create(
        title=title,
        kind=kind,
        channel=channel,
        status=status,
        start_date=day,
        organiser=unit_of(unit),
        area=legacy_commune(commune),
        participants=participants,
        estimated_reach=estimated_reach,
        cost=None if cost is None else Decimal(cost),
        campaign=campaign,
        search_key=search_key(title),
        created_by=created_by,
    )


def collaborator(name: str, unit=UNIT, commune="Xã Thường Lạc") -> TeamMember:
    area = legacy_commune(commune)
    person = Person.objects.create(
        full_name=name, name_key=search_key(name), area=area, unit=unit_of(unit), birth_year=1985
    )
    return TeamMember.objects.create(person=person, role="collaborator", unit=unit_of(unit), area=area)


@pytest.fixture(autouse=True)
def written_in_january_2025(monkeypatch):
    """The 2024 reports are written in January 2025, while the district's units still existed (they closed
    in 2025: the labour office on 28/02, the others on 30/06). A module about later reports overrides this."""
    monkeypatch.setattr("lantoa.core.clock.today", lambda: dt.date(2025, 1, 20))


@pytest.fixture
def plan(default_data) -> Plan:
    return Plan.objects.get(is_default=True)


@pytest.fixture
def unit(default_data) -> Unit:
    return unit_of(UNIT)


@pytest.fixture
def officer(default_data, make_user):
    """An officer of the Women's Union, who writes its report."""
    return make_user(Role.UNIT_OFFICER, UNIT, email="phunu@example.vn")


@pytest.fixture
def commune_officer(default_data, make_user):
    """An officer of a commune of the time (Xã Long Khánh A): may write only its own unit's reports."""
    return make_user(Role.COMMUNE_OFFICER, "hn-ubnd-long-khanh-a", email="longkhanh@example.vn")


@pytest.fixture
def world(default_data, officer):
    may = Campaign.objects.create(
        name=f"Tháng vận động {YEAR}",
        type=Campaign.Type.MAY,
        start_date=dt.date(YEAR, 5, 1),
        end_date=dt.date(YEAR, 5, 31),
        organiser=unit_of("hn-ldtbxh"),
        search_key=search_key(f"thang van dong {YEAR}"),
    )
    mine = {"created_by": officer}
    conference = activity(dt.date(YEAR, 5, 10), participants=1200, cost="3000000", campaign=may, **mine)
    leaflets = activity(
        dt.date(YEAR, 6, 2), kind=Kind.VISUAL, channel=Channel.VISUAL, estimated_reach=1234, cost="2500000", **mine
    )
    training = activity(dt.date(YEAR, 8, 15), kind=Kind.TRAINING, participants=3, cost="1000000", **mine)
    activity(dt.date(YEAR, 9, 1), kind=Kind.TALK, status=Activity.Status.PLANNED, participants=50)  # not held
    activity(dt.date(YEAR - 1, 9, 1), participants=70)  # another year
    activity(dt.date(YEAR, 3, 3), unit="hn-hoinongdan", participants=90)  # another unit
    members = [collaborator(name) for name in ("Nguyễn Thị Lan", "Trần Thị Hoa", "Lê Thị Mai")]
    TrainingAttendance.objects.create(activity=training, member=members[0], attended=True, completed=True)
    TrainingAttendance.objects.create(activity=training, member=members[1], attended=True, completed=False)
    TrainingAttendance.objects.create(activity=training, member=members[2], attended=False, completed=False)
    estimate = BudgetEstimate.objects.create(unit=unit_of(UNIT), year=YEAR, amount=Decimal("20000000"))
    line = SpendingLine.objects.create(
        unit=unit_of(UNIT),
        year=YEAR,
        spent_on=dt.date(YEAR, 10, 1),
        amount=Decimal("1500000"),
        kind=Kind.GIFT,
        description="Quà tặng người tham gia BHXH tự nguyện",
    )
    return {
        "may": may,
        "conference": conference,
        "leaflets": leaflets,
        "training": training,
        "members": members,
        "estimate": estimate,
        "line": line,
    }


def write(report, actor, results=RESULTS):
    return services.report_save(actor=actor, report=report, data={"results": results, "signer_name": "Võ Thị Thu"})


@pytest.fixture
def draft(world, plan, unit, officer):
    """The Women's Union's 2024 report, written but not yet submitted."""
    report = services.report_create(actor=officer, plan=plan, unit=unit, year=YEAR)
    return write(report, officer)


@pytest.fixture
def submitted(draft, officer):
    return services.report_submit(actor=officer, report=draft)


@pytest.fixture
def accepted(submitted, coordinator):
    return services.report_accept(actor=coordinator, report=submitted)


@pytest.fixture
def district(accepted, plan, coordinator):
    """The labour office's district report of 2024, written by the coordinator (not yet submitted)."""
    report = services.report_create(
        actor=coordinator, plan=plan, unit=unit_of("hn-ldtbxh"), year=YEAR, kind=ReportKind.DISTRICT
    )
    return write(report, coordinator, "Các đơn vị đã triển khai Kế hoạch tuyên truyền năm 2024.")


# ----------------------------------------------------------------------------- reading documents


def squeeze(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def docx_text(data: bytes) -> str:
    """Every paragraph of a DOCX, body and tables (nested), in order, whitespace squeezed."""
    doc = Document(io.BytesIO(data))
    parts: list[str] = []

    def walk(container):
        for block in container.iter_inner_content():
            if hasattr(block, "rows"):
                for row in block.rows:
                    parts.append(" | ".join(cell.text for cell in row.cells))
                    for cell in row.cells:
                        for table in cell.tables:
                            walk_table(table)
            else:
                parts.append(block.text)

    def walk_table(table):
        for row in table.rows:
            parts.append(" | ".join(cell.text for cell in row.cells))

    walk(doc)
    return squeeze("\n".join(parts))


def pdf_text(pdf: bytes, tmp_path) -> str:
    """The PDF's text read twice by pdftotext: as laid out (a table row on one line) and in reading order (the
    lines of one column of the letterhead together), whitespace squeezed."""
    path = tmp_path / f"report-{next(_n)}.pdf"
    path.write_bytes(pdf)
    texts = [
        subprocess.run(["pdftotext", *mode, str(path), "-"], capture_output=True, text=True, check=True).stdout
        for mode in (["-layout"], [])
    ]
    return " ‖ ".join(squeeze(t) for t in texts)


# ----------------------------------------------------------------------------- the library


@pytest.fixture
def make_file(django_capture_on_commit_callbacks):
    """make_file(report, actor, fmt) → the library file, made by the task queued after the request commits."""

    def _make(report, actor, fmt):
        with django_capture_on_commit_callbacks(execute=True):
            item = services.file_request(actor=actor, report=report, fmt=fmt)
        item.refresh_from_db()
        return item

    return _make


def content(item) -> bytes:
    with item.file.open("rb") as handle:
        return handle.read()


@pytest.fixture
def small_plan(plan) -> Plan:
    """The default plan cut down to three indicators: the final evaluation computes each one for every year
    and every commune, which takes too long for a test with all eighteen."""
    plan.indicators.exclude(code__in=("T1", "T7", "M10")).delete()
    return plan
