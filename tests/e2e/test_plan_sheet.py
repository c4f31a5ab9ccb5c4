"""End to end at desktop and phone width: a coordinator downloads the plan spreadsheet, fills it in (as
Excel would save it), imports it with one wrong row — nothing saved, the row named — then fixes it and
imports again."""

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from lantoa.plans.models import Plan, Target
from tests.e2e import test_activity_phone as base
from tests.e2e.conftest import PHONE, pass_second_step
from tests.e2e.test_activity_phone import LOGIN_PATH, PASSWORD

pytestmark = pytest.mark.browser

coordinator_user = base.coordinator_user


def test_plan_spreadsheet_round_trip_in_the_browser(page, live_server, coordinator_user, artifacts_dir, tmp_path):
    plan = Plan.objects.get(is_default=True)
    page.goto(live_server.url + LOGIN_PATH)
    page.locator("#id_username").fill(coordinator_user.username)
    page.locator("#id_password").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    pass_second_step(page, coordinator_user)
    page.goto(live_server.url + f"/plans/{plan.pk}/")
    with page.expect_download() as download:
        page.locator("main").get_by_role("button", name="Bảng chỉ tiêu (Excel)", exact=True).click()
    sheet = tmp_path / download.value.suggested_filename
    download.value.save_as(sheet)

    wb = load_workbook(sheet)
    ws = wb["Chi tieu"]
    row = next(r for r in ws.iter_rows(min_row=2) if r[0].value == "M4" and r[5].value == 2024)
    row[8].value, row[9].value = 6, 9
    ws.append(["T3", "", "", "", "", 2031, "Long Khánh A", "", "62"])
    filled = tmp_path / "ke-hoach-da-dien.xlsx"
    wb.save(filled)

    with page.expect_navigation():
        page.locator("main").get_by_role("button", name="Nhập bảng chỉ tiêu", exact=True).click()
    page.locator("#id_file").set_input_files(str(filled))
    with page.expect_navigation():
        page.get_by_role("button", name="Nhập", exact=True).click()
    alert = page.locator("main article[role=alert]")
    expect(alert).to_contain_text("1 lỗi — không có gì được lưu")
    expect(alert).to_contain_text(f"Dòng {ws.max_row}, cột “Năm”: 2031 nằm ngoài giai đoạn của kế hoạch 2022–2025.")
    assert Target.objects.get(indicator__plan=plan, indicator__code="M4", year=2024, area=None).min_value == 5
    page.screenshot(path=str(artifacts_dir / "e2e-plan-sheet-errors-desktop.png"), full_page=True)
    page.set_viewport_size(PHONE)
    page.screenshot(path=str(artifacts_dir / "e2e-plan-sheet-errors-phone.png"), full_page=True)

    ws.cell(row=ws.max_row, column=6).value = 2025
    wb.save(filled)
    page.locator("#id_file").set_input_files(str(filled))
    with page.expect_navigation():
        page.get_by_role("button", name="Chỉ kiểm tra", exact=True).click()
    expect(page.locator("main")).to_contain_text("Kiểm tra đạt — chưa lưu gì")
    expect(page.locator("main")).to_contain_text("Nếu nhập sẽ thêm 1 chỉ tiêu năm, thay đổi 1")
    page.locator("#id_file").set_input_files(str(filled))
    with page.expect_navigation():
        page.get_by_role("button", name="Nhập", exact=True).click()
    expect(page.locator("main")).to_contain_text("Đã nhập bảng chỉ tiêu: thêm 1, thay đổi 1, xóa 0.")
    m4 = Target.objects.get(indicator__plan=plan, indicator__code="M4", year=2024, area=None)
    assert (m4.min_value, m4.max_value) == (6, 9)
    page.screenshot(path=str(artifacts_dir / "e2e-plan-sheet-done-phone.png"), full_page=True)
