"""The plan spreadsheet: download, fill in Excel, import back — with row errors and nothing half-saved."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from conftest import legacy_commune
from lantoa.core.models import AuditLog
from lantoa.plans.models import Indicator, Plan, Target
from lantoa.plans.sheet import PlanSheetError, plan_sheet, plan_sheet_import

pytestmark = pytest.mark.django_db


def _plan() -> Plan:
    return Plan.objects.get(is_default=True)


def _book(plan):
    return load_workbook(io.BytesIO(plan_sheet(plan)))


def _save(wb) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _row(ws, code, year, area="Toàn kế hoạch"):
    for row in ws.iter_rows(min_row=2):
        if row[0].value == code and row[5].value == year and (row[6].value or "") == area:
            return row
    raise AssertionError(f"no row {code} {year} {area}")


def _targets(plan):
    return sorted(
        (t.indicator.code, t.year, t.area_id, t.unit_id, t.min_value, t.max_value, t.expected, t.label, t.note)
        for t in Target.objects.filter(indicator__plan=plan).select_related("indicator")
    )


def test_download_then_import_changes_nothing(default_data, coordinator):
    plan = _plan()
    before = _targets(plan)
    wb = _book(plan)
    ws = wb["Chi tieu"]
    assert [c.value for c in ws[1]][:7] == [
        "Mã chỉ tiêu",
        "Chỉ tiêu",
        "Cách tính",
        "Đơn vị tính",
        "Cách đánh giá",
        "Năm",
        "Địa bàn",
    ]
    row = _row(ws, "M4", 2022)
    assert [c.value or "" for c in row[8:12]] == ["5", "10", "", "05 - 10 cuộc"]
    assert "Huong dan" in wb.sheetnames
    summary = plan_sheet_import(actor=coordinator, plan=plan, data=_save(wb), filename="ke-hoach.xlsx")
    assert (summary.created, summary.changed, summary.deleted) == (0, 0, 0)
    assert summary.unchanged == len(before)
    assert _targets(plan) == before


def test_filled_sheet_changes_adds_and_deletes_targets(default_data, coordinator):
    plan = _plan()
    wb = _book(plan)
    ws = wb["Chi tieu"]
    _row(ws, "M4", 2023)[8].value = 6  # Excel gives a number back
    for cell in _row(ws, "T1", 2022)[8:12]:
        cell.value = None  # all values empty: the target goes
    ws.append(["T3", "", "", "", "", 2024, "Long Khánh A", "", "62,5", "", "", "62,5% (xã tự đặt)", "HĐND xã"])
    ws.append(
        [
            "X1",
            "Hội nghị đối thoại",
            "Hội nghị với người lao động và người sử dụng lao động tại doanh nghiệp",
            "số lượng",
            "tối thiểu (≥)",
        ]
    )
    ws.append(["X1", "", "", "", "", 2025, "", "", "2"])
    summary = plan_sheet_import(actor=coordinator, plan=plan, data=_save(wb), filename="ke-hoach.xlsx")
    assert (summary.created, summary.changed, summary.deleted) == (2, 1, 1)
    assert summary.indicators_added == ["X1"]
    m4 = Target.objects.get(indicator__plan=plan, indicator__code="M4", year=2023, area=None)
    assert m4.min_value == 6 and m4.max_value == 7
    assert not Target.objects.filter(indicator__plan=plan, indicator__code="T1", year=2022).exists()
    own = Target.objects.get(
        indicator__plan=plan, indicator__code="T3", year=2024, area=legacy_commune("Xã Long Khánh A")
    )
    assert own.min_value == Decimal("62.5") and own.label == "62,5% (xã tự đặt)" and own.note == "HĐND xã"
    x1 = Indicator.objects.get(plan=plan, code="X1")
    assert x1.computation == "employer_conferences" and x1.direction == "gte" and x1.measure == "count"
    assert x1.targets.get(year=2025).min_value == 2
    verbs = set(AuditLog.objects.filter(actor=coordinator).values_list("verb", flat=True))
    assert {"target_save", "target_delete", "indicator_save", "plan_sheet_import"} <= verbs


def test_wrong_rows_are_listed_and_nothing_is_saved(default_data, coordinator):
    plan = _plan()
    before = _targets(plan)
    wb = _book(plan)
    ws = wb["Chi tieu"]
    _row(ws, "M4", 2023)[8].value = 6  # a good change, not saved because other rows are wrong
    ws.append(["T1", "", "", "", "", 2026, "", "", "90"])
    ws.append(["T1", "", "", "", "", 2024, "Xã Không Có", "", "90"])
    ws.append(["T2", "", "", "", "", 2024, "Long Khánh B", "", "nhiều"])
    ws.append(["T6", "", "", "", "", 2024, "Long Khánh B", "", "", "", "có lẽ"])
    ws.append(["Z9", "Chỉ tiêu lạ", "đếm cái gì đó", "số lượng", "tối thiểu (≥)", 2024, "", "", "1"])
    ws.append(["M4", "", "", "", "", 2023, "", "", "8"])  # the same target twice
    with pytest.raises(PlanSheetError) as caught:
        plan_sheet_import(actor=coordinator, plan=plan, data=_save(wb), filename="ke-hoach.xlsx")
    errors = caught.value.row_errors
    last = ws.max_row
    assert len(errors) == 6, errors
    assert errors[0] == f"Dòng {last - 5}, cột “Năm”: 2026 nằm ngoài giai đoạn của kế hoạch 2022–2025."
    assert f"Dòng {last - 4}, cột “Địa bàn”" in errors[1] and "Xã Không Có" in errors[1]
    assert f"Dòng {last - 3}, cột “Tối thiểu”: “nhiều” không phải là số." == errors[2]
    assert f"Dòng {last - 2}, cột “Có / Không”" in errors[3]
    assert f"Dòng {last - 1}, cột “Cách tính”" in errors[4]
    assert f"Dòng {last}, cột “Năm”" in errors[5] and "dòng" in errors[5]
    assert _targets(plan) == before
    assert not Indicator.objects.filter(code="Z9").exists()
    assert not AuditLog.objects.filter(verb="plan_sheet_import").exists()


def test_a_target_the_services_refuse_rolls_back_the_earlier_rows(default_data, coordinator):
    plan = _plan()
    before = _targets(plan)
    wb = _book(plan)
    ws = wb["Chi tieu"]
    _row(ws, "M4", 2023)[8].value = 6
    row = _row(ws, "M4", 2024)
    row[8].value, row[9].value = 9, 3  # maximum below minimum
    with pytest.raises(PlanSheetError) as caught:
        plan_sheet_import(actor=coordinator, plan=plan, data=_save(wb), filename="ke-hoach.xlsx")
    assert caught.value.row_errors == [f"Dòng {row[0].row}: Giá trị tối đa phải không nhỏ hơn giá trị tối thiểu."]
    assert _targets(plan) == before


def test_sheet_pages(client, coordinator, officer_long_khanh_a):
    plan = _plan()
    client.force_login(officer_long_khanh_a)
    assert client.get(reverse("plans:sheet", args=[plan.pk])).status_code == 200
    assert client.get(reverse("plans:sheet_import", args=[plan.pk])).status_code == 404
    client.force_login(coordinator)
    page = client.get(reverse("plans:detail", args=[plan.pk])).content.decode()
    assert reverse("plans:sheet_import", args=[plan.pk]) in page
    wb = _book(plan)
    _row(wb["Chi tieu"], "M4", 2023)[8].value = 6
    data = _save(wb)
    check = client.post(
        reverse("plans:sheet_import", args=[plan.pk]),
        {"file": SimpleUploadedFile("kh.xlsx", data), "dry_run": "1"},
    )
    assert "thay đổi 1" in check.content.decode()
    assert Target.objects.get(indicator__plan=plan, indicator__code="M4", year=2023, area=None).min_value == 5
    done = client.post(reverse("plans:sheet_import", args=[plan.pk]), {"file": SimpleUploadedFile("kh.xlsx", data)})
    assert done.status_code == 302
    assert Target.objects.get(indicator__plan=plan, indicator__code="M4", year=2023, area=None).min_value == 6
    bad = client.post(
        reverse("plans:sheet_import", args=[plan.pk]), {"file": SimpleUploadedFile("kh.xlsx", b"not a sheet")}
    )
    assert "không có gì được lưu" in bad.content.decode().lower()


def test_a_superscript_digit_is_a_row_error_not_a_crash(default_data, coordinator):
    from lantoa.audience.fields import FieldError, clean_count

    with pytest.raises(FieldError):
        clean_count("2¹")  # str.isdigit() says yes, int() says no: found by the fuzz tests
    wb = _book(_plan())
    wb["Chi tieu"].append(["T1", "", "", "", "", "202²", "", "", "90"])
    with pytest.raises(PlanSheetError) as caught:
        plan_sheet_import(actor=coordinator, plan=_plan(), data=_save(wb), filename="ke-hoach.xlsx")
    assert "“202²” không phải là năm." in caught.value.row_errors[0]


def test_an_amount_in_exponent_form_is_a_field_error(default_data):
    from lantoa.audience.fields import FieldError, clean_money

    for text in ("1e308", "Infinity", "NaN", "9" * 20):
        with pytest.raises(FieldError):
            clean_money(text)
    assert clean_money("1.500.000") == 1500000
