"""End to end on a phone, in December 2026: the 2022–2025 plan has ended and the district is gone. A
coordinator starts the 2026–2030 plan from the old one, then records today's conference in one of the
new communes, and the new plan's dashboard counts it under 2026."""

import re

import pytest
from playwright.sync_api import expect

from lantoa.activities.models import Activity
from lantoa.core import clock
from lantoa.plans.models import Plan
from tests.e2e import test_activity_phone as base
from tests.e2e.conftest import DESKTOP, PHONE, pass_second_step
from tests.e2e.test_activity_phone import DASHBOARD_PATH, LOGIN_PATH, PASSWORD, WORKERS, label, open_menu_item, path_re

pytestmark = pytest.mark.browser

NEW_COMMUNE = "Xã Long Khánh"
phone = base.phone  # the same fixtures as the 2023 phone test
coordinator_user = base.coordinator_user


def test_coordinator_starts_the_next_plan_and_logs_todays_work_on_a_phone(
    phone, live_server, coordinator_user, artifacts_dir
):
    page = phone
    today = clock.today()
    old = Plan.objects.get(is_default=True)

    page.goto(live_server.url + LOGIN_PATH)
    page.locator("#id_username").fill(coordinator_user.username)
    page.locator("#id_password").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").tap()
    pass_second_step(page, coordinator_user)

    # The ended plan's page offers the next one.
    page.goto(live_server.url + f"/plans/{old.pk}/")
    with page.expect_navigation():
        page.locator("main").get_by_role("button", name="Lập kế hoạch giai đoạn tiếp theo", exact=True).tap()
    expect(page.locator("main h1")).to_have_text("Lập kế hoạch giai đoạn tiếp theo")
    form = page.locator("main form[method=post]")
    expect(form.get_by_label(label("Năm bắt đầu"))).to_have_value("2026")
    expect(form.get_by_label(label("Năm kết thúc"))).to_have_value("2030")
    # The five communes and wards that absorbed the district are proposed and ticked.
    areas = form.locator("#areas input[type=checkbox]:checked")
    expect(areas).to_have_count(5)
    expect(form.locator("#areas")).to_contain_text(NEW_COMMUNE)
    expect(form.locator("#indicators input[type=checkbox]:checked")).to_have_count(18)
    number = form.get_by_label(label("Số, ký hiệu"))
    number.tap()
    number.press_sequentially("15/KH-UBND")
    form.get_by_label(label("Đặt làm kế hoạch mặc định")).check()
    page.screenshot(path=str(artifacts_dir / "e2e-next-plan-phone.png"), full_page=True)
    page.set_viewport_size(DESKTOP)
    page.screenshot(path=str(artifacts_dir / "e2e-next-plan-desktop.png"), full_page=True)
    page.set_viewport_size(PHONE)
    with page.expect_navigation():
        form.get_by_role("button", name="Tạo kế hoạch mới", exact=True).tap()

    new = Plan.objects.get(number="15/KH-UBND")
    assert new.years == [2026, 2027, 2028, 2029, 2030] and new.is_default and new.copied_from == old
    expect(page).to_have_url(path_re(f"/plans/{new.pk}/"))
    expect(page.locator("main .msg")).to_contain_text("Đã tạo kế hoạch mới")

    # Today's work: the date is filled in with today and accepted.
    open_menu_item(page, "Hoạt động tuyên truyền")
    with page.expect_navigation():
        page.locator("main").get_by_role("button", name="+ Ghi nhận hoạt động", exact=True).tap()
    form = page.locator("main form[method=post]")
    form.get_by_label(label("Hình thức")).select_option(label="Hội nghị")
    expect(form.get_by_label(label("Ngày"))).to_have_value(today.strftime("%d/%m/%Y"))
    form.get_by_label(label("Địa điểm (xã hoặc ấp/khóm)")).select_option(label=NEW_COMMUNE)
    workers = form.get_by_label(WORKERS, exact=True)
    workers.tap()
    workers.press_sequentially("25")
    with page.expect_navigation():
        form.get_by_role("button", name="Lưu", exact=True).first.tap()
    expect(page.locator("main .msg")).to_have_text("Đã lưu hoạt động.")
    activity = Activity.objects.get()
    assert activity.start_date == today and activity.area.name == NEW_COMMUNE

    # The new plan's dashboard counts it (M4: conferences with workers and employers).
    open_menu_item(page, "Bảng theo dõi")
    expect(page).to_have_url(path_re(DASHBOARD_PATH))
    row = page.locator("table.dash tbody tr").filter(has=page.locator(".kpi-code", has_text=re.compile(r"^\s*M4\s*$")))
    expect(row.locator(f'td[data-label="{today.year}"] a[href*="/records/{today.year}/"]')).to_have_text("1")
    page.screenshot(path=str(artifacts_dir / "e2e-next-plan-dashboard-phone.png"), full_page=True)
