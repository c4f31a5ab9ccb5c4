"""Reports after the district: who writes the aggregate report and the final evaluation is a duty held by a
unit with dates (the labour office, then the home-affairs office, then its successor), and the symbol,
governing body and recipients of a document come from the units' data, so a 2026 report of Xã Long Khánh never
names the abolished district. The final evaluation is given by commune and by unit."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from lantoa.accounts.roles import Role
from lantoa.documents.models import ReportKind
from lantoa.orgs.models import UnitDuty
from lantoa.orgs.services import unit_duty_save
from lantoa.plans.models import Plan
from lantoa.reports import build, figures, services

from .conftest import UNIT_NAME, YEAR, docx_text, unit_of, write

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 12, 7)


@pytest.fixture(autouse=True)
def written_in_january_2025(monkeypatch):
    """Overrides the directory's date: these reports are written today, after the district."""
    monkeypatch.setattr("lantoa.core.clock.today", lambda: TODAY)


@pytest.fixture
def plan_2026(default_data) -> Plan:
    """A 2026–2030 plan of the province (no indicator needed for the headings)."""
    return Plan.objects.create(
        number="01/KH-UBND",
        title="Kế hoạch 2026–2030",
        issuer_name="UBND tỉnh Đồng Tháp",
        start_year=2026,
        end_year=2030,
    )


def test_a_2026_report_of_long_khanh_never_names_the_district(plan_2026, make_user, make_file):
    officer = make_user(Role.COMMUNE_OFFICER, "dt-ubnd-long-khanh")
    report = services.report_create(actor=officer, plan=plan_2026, unit=unit_of("dt-ubnd-long-khanh"), year=2026)
    # Through the unit gathering the reports today, to its governing body: the units' data, not a default.
    assert report.recipients == "UBND tỉnh Đồng Tháp (qua Sở Nội vụ)\nLưu: VT"
    heading = build.context(report, {}, day=TODAY)
    assert heading["issuer_parent"] == "" and heading["issuer"] == "ỦY BAN NHÂN DÂN XÃ LONG KHÁNH"
    assert heading["place"] == "Long Khánh" and heading["doc_number"].endswith("/BC-UBND")
    report = write(report, officer, "Xã đã tổ chức 12 buổi tuyên truyền.")
    text = docx_text(_content(make_file(report, officer, "docx")))
    assert "ỦY BAN NHÂN DÂN XÃ LONG KHÁNH" in text
    assert "HỒNG NGỰ" not in text.upper() and "huyện" not in text.lower()


def _content(item) -> bytes:
    assert item.status == item.Status.DONE, item.error
    with item.file.open("rb") as handle:
        return handle.read()


def test_the_final_evaluation_of_2022_2025_is_the_successors_today(default_data, make_user):
    plan = Plan.objects.get(is_default=True)
    staff = make_user(Role.UNIT_OFFICER, "dt-snv")
    successor = unit_of("dt-snv")
    report = services.report_create(actor=staff, plan=plan, unit=successor, year=2025, kind=ReportKind.FINAL_EVALUATION)
    assert "huyện" not in report.recipients.lower() and report.recipients.endswith("Lưu: VT")
    assert report.recipients.splitlines()[0] == "UBND tỉnh Đồng Tháp"
    heading = build.context(report, {}, day=TODAY)
    assert heading["issuer_parent"] == "UBND TỈNH ĐỒNG THÁP" and heading["issuer"] == "SỞ NỘI VỤ TỈNH ĐỒNG THÁP"
    assert heading["doc_number"].endswith("/BC-SNV") and heading["place"] == "Đồng Tháp"
    # The abolished labour office no longer holds the duty; the refusal names the unit that does.
    with pytest.raises(ValidationError) as err:
        services.report_create(
            actor=None, plan=plan, unit=unit_of("hn-ldtbxh"), year=2025, kind=ReportKind.FINAL_EVALUATION
        )
    assert "Sở Nội vụ tỉnh Đồng Tháp" in err.value.message_dict["unit"][0]
    # A unit given the duty on its page writes it from then on.
    long_khanh = unit_of("dt-ubnd-long-khanh")
    unit_duty_save(
        actor=None, duty=UnitDuty(unit=long_khanh, duty=UnitDuty.Duty.AGGREGATE_REPORT, valid_from=dt.date(2026, 1, 1))
    )
    aggregate = services.report_create(actor=None, plan=plan, unit=long_khanh, year=2025, kind=ReportKind.DISTRICT)
    assert aggregate.unit == long_khanh


def test_units_expected_after_the_district(default_data):
    from lantoa.plans.services import plan_copy

    assert services.units_expected(2026) == []  # no plan covers 2026 yet: no report is owed
    old = Plan.objects.get(is_default=True)
    plan_copy(
        actor=None,
        plan=old,
        number="2/KH",
        title="KH 2026",
        start_year=2026,
        end_year=2030,
        issuer=None,
        issuer_name="UBND tỉnh",
    )
    expected = {u.code for u in services.units_expected(2026)}
    assert "dt-ubnd-long-khanh" in expected and "dt-bhxh-kv" in expected
    assert "dt-snv" not in expected  # it gathers the reports
    assert not any(code.startswith("hn-") for code in expected)
    in_2024 = {u.code for u in services.units_expected(2024)}
    assert "hn-hoiphunu" in in_2024 and "hn-ldtbxh" not in in_2024 and "dt-snv" not in in_2024


def test_district_era_documents_keep_the_district_heading_from_the_data(world, plan, make_user, monkeypatch):
    monkeypatch.setattr("lantoa.core.clock.today", lambda: dt.date(2025, 1, 20))
    coordinator = make_user(Role.COORDINATOR, "hn-ldtbxh")
    officer_report = services.report_create(actor=None, plan=plan, unit=unit_of("hn-hoiphunu"), year=YEAR)
    assert officer_report.recipients == "UBND huyện Hồng Ngự (qua Phòng LĐ-TB&XH)\nLưu: VT"
    district = services.report_create(
        actor=coordinator, plan=plan, unit=unit_of("hn-ldtbxh"), year=YEAR, kind=ReportKind.DISTRICT
    )
    assert district.recipients.splitlines() == [
        "UBND huyện Hồng Ngự",
        "BHXH tỉnh Đồng Tháp",
        "Các cơ quan, đơn vị thành viên",
        "Lưu: VT",
    ]
    heading = build.context(district, {}, day=dt.date(2025, 1, 20))
    assert heading["issuer_parent"] == "UBND HUYỆN HỒNG NGỰ"
    assert heading["issuer"] == "PHÒNG LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI HUYỆN HỒNG NGỰ"
    assert heading["doc_number"].endswith("/BC-UBND")  # the duty's symbol
    assert "trên địa bàn huyện Hồng Ngự" in heading["subtitle"]
    # A unit's own annual report: BC- and its abbreviation.
    assert build.context(officer_report, {}, day=dt.date(2025, 1, 20))["doc_number"].endswith("/BC-HLHPN")


def test_the_final_evaluation_is_given_by_unit_as_well_as_by_commune(small_plan, world):
    result = figures.final_figures(user=None, plan=small_plan)
    m10 = next(r for r in result["indicators"] if r["code"] == "M10")
    union = next(u for u in m10["units"] if u["unit"] == UNIT_NAME)
    assert union["years"][str(YEAR)]["display"] == "1"  # its one training class of 2024
    assert "communes" in m10
    report = services.report_create(
        actor=None, plan=small_plan, unit=unit_of("dt-snv"), year=2025, kind=ReportKind.FINAL_EVALUATION
    )
    blocks = [
        b
        for s in build.sections(report, result)
        if s.heading.startswith("III.")
        for b in s.blocks
        if hasattr(b, "rows")
    ]
    by_unit = [t for t in blocks if t.headers[0] in ("Unit", "Đơn vị")]
    assert any(row[0] == UNIT_NAME for t in by_unit for row in t.rows)


def test_a_commune_reports_on_the_plan_it_picks_when_two_cover_the_year(client, default_data, make_user):
    from django.urls import reverse

    from conftest import current_commune
    from lantoa.plans.services import plan_copy
    from lantoa.reports.models import Report

    old = Plan.objects.get(is_default=True)
    args = {"actor": None, "plan": old, "start_year": 2026, "end_year": 2030}
    province = plan_copy(**args, number="1/KH-UBND", title="Tỉnh 2026–2030", issuer=None, issuer_name="UBND tỉnh")
    commune = plan_copy(
        **args,
        number="5/KH-UBND",
        title="Xã Long Khánh 2026–2030",
        issuer=unit_of("dt-ubnd-long-khanh"),
        parent=province,
        areas=[current_commune("Xã Long Khánh")],
    )
    officer = make_user(Role.COMMUNE_OFFICER, "dt-ubnd-long-khanh")
    client.force_login(officer)
    url = reverse("reports:new")
    unit = unit_of("dt-ubnd-long-khanh").pk
    # A plan that does not cover the year is refused on the form, naming the field; nothing is created.
    bad = client.post(url, {"kind": "unit_annual", "unit": unit, "year": 2026, "plan": old.pk})
    assert bad.status_code == 200 and "plan" in bad.context["form"].errors
    assert not Report.objects.exists()
    client.post(url, {"kind": "unit_annual", "unit": unit, "year": 2026, "plan": commune.pk})
    assert Report.objects.get().plan == commune
    # The list filters by the plan picked; a plan of another period opens on its own year.
    listed = client.get(reverse("reports:list"), {"plan": commune.pk, "year": 2026})
    assert listed.context["plan"] == commune and list(listed.context["page"].object_list) == [Report.objects.get()]
    other = client.get(reverse("reports:list"), {"plan": province.pk, "year": 2026})
    assert other.context["plan"] == province and not list(other.context["page"].object_list)
    assert client.get(reverse("reports:list"), {"plan": old.pk, "year": 2026}).context["year"] == 2025


def test_a_retired_indicator_leaves_the_reports_of_the_years_it_left(default_data):
    from lantoa.plans.services import indicator_retire, plan_copy

    old = Plan.objects.get(is_default=True)
    new = plan_copy(
        actor=None,
        plan=old,
        number="3/KH",
        title="KH 2026",
        start_year=2026,
        end_year=2030,
        issuer=None,
        issuer_name="UBND tỉnh",
    )
    indicator_retire(actor=None, indicator=new.indicators.get(code="M10"), from_year=2027)
    codes = {r["code"] for r in figures.plan_indicators(user=None, plan=new, year=2027)}
    assert "M10" not in codes and "M4" in codes
    assert "M10" in {r["code"] for r in figures.plan_indicators(user=None, plan=new, year=2026)}
    final = figures._final_figures(user=None, plan=new)
    m10 = next(r for r in final["indicators"] if r["code"] == "M10")
    assert [c["status"] for c in m10["years"]][1:] == ["retired"] * 4
