"""End to end on a phone: a coordinator records a conference with workers and employers held in 2023
through the quick entry form, and indicator M4 on the dashboard counts it, down to the records page."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from conftest import coordinating_unit
from lantoa.accounts.roles import Role
from lantoa.activities.models import Activity
from tests.e2e.conftest import PHONE, pass_second_step

pytestmark = pytest.mark.browser

PASSWORD = "Mat-khau-2026!"
LOGIN_PATH = "/accounts/login/"
DASHBOARD_PATH = "/plans/dashboard/"
RECORDS_2023 = re.compile(r"/plans/\d+/indicators/\d+/records/2023/$")

PLACE = "Xã Long Khánh A"
ORGANISER = "Bảo hiểm xã hội huyện Hồng Ngự"  # the district insurance office
WORKERS = "Người lao động và người sử dụng lao động"


def label(text: str) -> re.Pattern:
    """A field's label as shown: the text, then "*" on a required field (hidden from screen readers)."""
    return re.compile(rf"^\s*{re.escape(text)}(\s*\*)?\s*$", re.IGNORECASE)


def path_re(path: str) -> re.Pattern:
    """The page address ends at `path`, with or without a query string."""
    return re.compile(rf"^https?://[^/]+{re.escape(path)}(\?.*)?$")


@pytest.fixture
def phone(browser):
    """A phone: 390×844, touch, Vietnamese, Hồ Chí Minh time; no cookies shared with other tests."""
    context = browser.new_context(
        viewport=PHONE,
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="vi-VN",
        timezone_id="Asia/Ho_Chi_Minh",
    )
    context.set_default_timeout(15_000)
    pg = context.new_page()
    yield pg
    context.close()


@pytest.fixture
def coordinator_user(transactional_db, live_server, default_data, make_user):
    return make_user(Role.COORDINATOR, coordinating_unit().code, password=PASSWORD)


def open_menu_item(page, name: str) -> None:
    """On a phone the side menu is folded: open it, then follow one of its links."""
    toggle = page.locator("details#navtoggle")
    expect(toggle).not_to_have_attribute("open", re.compile(".*"))
    link = toggle.get_by_role("link", name=name, exact=True)
    expect(link).to_be_hidden()
    toggle.locator("summary").tap()
    expect(link).to_be_visible()
    with page.expect_navigation():
        link.tap()


def m4_figure_2023(page):
    """The link showing the 2023 actual of M4 in the dashboard table."""
    row = page.locator("table.dash tbody tr").filter(has=page.locator(".kpi-code", has_text=re.compile(r"^\s*M4\s*$")))
    expect(row).to_have_count(1)
    cell = row.locator('td[data-label="2023"]')
    expect(cell).to_have_count(1)
    figure = cell.locator('a[href*="/records/2023/"]')
    expect(figure).to_have_count(1)
    expect(figure).to_be_visible()
    expect(figure).to_have_attribute("href", RECORDS_2023)
    return figure


def test_coordinator_records_a_workers_conference_on_a_phone_and_m4_counts_it(
    in_2023, phone, live_server, coordinator_user, artifacts_dir
):
    # Recorded in 2023, when the district insurance office organised it (it closed on 30/06/2025).
    page = phone

    # Sign in through the form.
    page.goto(live_server.url + LOGIN_PATH)
    page.locator("#id_username").fill(coordinator_user.username)
    page.locator("#id_password").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").tap()
    pass_second_step(page, coordinator_user)
    expect(page).to_have_url(path_re(DASHBOARD_PATH))

    # M4 in 2023: nothing recorded yet.
    figure = m4_figure_2023(page)
    expect(figure).to_have_text("0")
    records_href = figure.get_attribute("href")

    # The activities page, through the folded menu.
    open_menu_item(page, "Hoạt động tuyên truyền")
    expect(page).to_have_url(path_re("/activities/"))
    with page.expect_navigation():
        # A link styled as a button (role="button"), as Pico CSS shows it.
        page.locator("main").get_by_role("button", name="+ Ghi nhận hoạt động", exact=True).tap()
    expect(page).to_have_url(path_re("/activities/new/"))
    expect(page.locator("main h1")).to_have_text("Ghi nhận hoạt động")

    # The quick form: form, date, place, then the head-count per group.
    form = page.locator("main form[method=post]")
    form.get_by_label(label("Hình thức")).select_option(label="Hội nghị")
    date = form.get_by_label(label("Ngày"))
    expect(date).to_have_attribute("placeholder", "dd/mm/yyyy")
    date.tap()
    date.fill("")
    date.press_sequentially("15/03/2023")
    expect(date).to_have_value("15/03/2023")
    place = form.get_by_label(label("Địa điểm (xã hoặc ấp/khóm)"))
    expect(place.locator("option").filter(has_text=re.compile(rf"^\s*{re.escape(PLACE)}\s*$"))).to_have_count(1)
    place.select_option(label=PLACE)
    workers = form.get_by_label(WORKERS, exact=True)
    workers.tap()
    workers.press_sequentially("40")
    expect(workers).to_have_value("40")

    # The organiser is folded under "Thông tin thêm".
    more = form.locator("details.more")
    organiser = more.get_by_label(label("Đơn vị chủ trì"))
    expect(organiser).to_be_hidden()
    more.locator("summary", has_text="Thông tin thêm").tap()
    expect(organiser).to_be_visible()
    organiser.select_option(label=ORGANISER)

    page.screenshot(path=str(artifacts_dir / "e2e-activity-form-phone.png"), full_page=True)

    with page.expect_navigation():
        form.get_by_role("button", name="Lưu", exact=True).first.tap()

    # The activity's page.
    expect(page).to_have_url(re.compile(r"/activities/\d+/$"))
    expect(page.locator("main .msg")).to_have_text("Đã lưu hoạt động.")
    expect(page.locator("main h1")).to_have_text("Hội nghị")
    facts = page.locator("main dl.facts")
    expect(facts).to_contain_text("Hội nghị")
    expect(facts).to_contain_text("15/03/2023")
    expect(facts).to_contain_text(PLACE)
    expect(facts).to_contain_text(ORGANISER)
    expect(page.locator("main ul").filter(has_text=WORKERS)).to_contain_text(f"{WORKERS}: 40")
    activity_path = re.search(r"/activities/\d+/$", page.url).group(0)

    activity = Activity.objects.get()
    assert activity.kind == "conference"
    assert activity.status == Activity.Status.DONE
    assert activity.start_date == dt.date(2023, 3, 15)
    assert activity.area.name == PLACE
    assert activity.organiser.code == "hn-bhxh"
    assert [(a.group.code, a.headcount) for a in activity.audiences.all()] == [("nld-nsdld", 40)]

    # Back on the dashboard, M4 in 2023 now counts it.
    open_menu_item(page, "Bảng theo dõi")
    expect(page).to_have_url(path_re(DASHBOARD_PATH))
    figure = m4_figure_2023(page)
    expect(figure).to_have_text("1")
    assert figure.get_attribute("href") == records_href
    page.screenshot(path=str(artifacts_dir / "e2e-dashboard-after-phone.png"), full_page=True)

    # The figure leads to the records behind it: this activity.
    with page.expect_navigation():
        figure.tap()
    expect(page).to_have_url(path_re(records_href))
    expect(page.locator("main h1")).to_have_text(re.compile(r"^\s*M4\s*·\s*2023\s*$"))
    rows = page.locator("main table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first.get_by_role("link", name="Hội nghị", exact=True)).to_have_attribute("href", activity_path)
    expect(rows.first).to_contain_text("15/03/2023")
    expect(rows.first).to_contain_text(PLACE)
