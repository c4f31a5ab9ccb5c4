"""End to end in a real browser: sign in, reach the Hồng Ngự plan, throttling, forced password change."""

import re

import pytest
from playwright.sync_api import expect

from conftest import coordinating_unit
from lantoa.accounts.roles import Role
from tests.e2e.conftest import DESKTOP, PHONE, pass_second_step

pytestmark = pytest.mark.browser

PASSWORD = "Mat-khau-2026!"
LOGIN_PATH = "/accounts/login/"
PASSWORD_PATH = "/accounts/password/"
DASHBOARD_PATH = "/plans/dashboard/"
EXPECTED_CODES = [f"T{i}" for i in range(1, 8)] + [f"M{i}" for i in range(1, 12)]


def path_re(path: str) -> re.Pattern:
    """The page address ends at `path`, with or without a query string."""
    return re.compile(rf"^https?://[^/]+{re.escape(path)}(\?.*)?$")


def submit(page) -> None:
    """Press the main form's submit button (not the language or sign-out buttons) and wait for the answer."""
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()


def sign_in(page, live_server, username: str, password: str) -> None:
    if not path_re(LOGIN_PATH).match(page.url):
        page.goto(live_server.url + LOGIN_PATH)
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    submit(page)


@pytest.fixture
def coordinator_user(transactional_db, live_server, default_data, make_user):
    return make_user(Role.COORDINATOR, coordinating_unit().code, password=PASSWORD)


def test_coordinator_signs_in_and_reads_the_plan_targets(page, live_server, coordinator_user, artifacts_dir):
    # The root is the public site for a visitor; its footer leads staff to the sign-in page, in Vietnamese.
    page.goto(live_server.url + "/")
    with page.expect_navigation():
        page.locator("footer a[href^='/accounts/login/']").click()
    expect(page).to_have_url(re.compile(rf"{re.escape(LOGIN_PATH)}(\?.*)?$"))
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.locator("main h1")).to_be_visible()
    expect(page.locator("#id_username")).to_be_visible()
    expect(page.locator("#id_username")).to_have_attribute("autocomplete", "username")
    expect(page.locator("#id_password")).to_have_attribute("type", "password")
    button = page.locator("main form button[type=submit]")
    expect(button).to_be_visible()
    # Checked at the end, so that a missing translation does not hide failures further on.
    submit_text = button.inner_text().strip()

    # Sign in: the dashboard.
    page.fill("#id_username", coordinator_user.username)
    page.fill("#id_password", PASSWORD)
    submit(page)
    # The coordinator's second step: the first time, enrol an authenticator app (QR code or key), then its code.
    expect(page).to_have_url(re.compile(r"/accounts/two-factor/setup/\?next="))
    expect(page.locator("figure.qr svg")).to_be_visible()
    pass_second_step(page, coordinator_user)
    expect(page).to_have_url(path_re(DASHBOARD_PATH))
    expect(page.locator("table.dash")).to_be_visible()

    # The plans link of the menu, then the Hồng Ngự plan.
    with page.expect_navigation():
        page.locator('.sidenav a[href="/plans/"]').click()
    expect(page).to_have_url(path_re("/plans/"))
    expect(page.locator('.sidenav a[href="/plans/"]')).to_have_attribute("aria-current", "page")
    with page.expect_navigation():
        page.locator(".card-grid a", has_text="huyện Hồng Ngự").click()
    expect(page).to_have_url(re.compile(r"/plans/\d+/$"))
    expect(page.locator("main h1")).to_contain_text("Hồng Ngự")

    table = page.locator("#targets")
    expect(table).to_be_visible()
    years = [t.strip() for t in table.locator("thead th.num").all_inner_texts()]
    assert years == ["2022", "2023", "2024", "2025"]
    rows = table.locator("tbody tr")
    expect(rows).to_have_count(18)
    codes = [c.strip() for c in table.locator("tbody .kpi-code").all_inner_texts()]
    assert codes == EXPECTED_CODES

    def cell(code: str, year: int) -> str:
        row = rows.filter(has=page.locator(".kpi-code", has_text=re.compile(rf"^\s*{code}\s*$")))
        expect(row).to_have_count(1)
        return row.locator("td.num").nth(years.index(str(year))).locator(".target").inner_text().strip()

    assert cell("T3", 2025) == "≥ 65%"
    assert cell("M4", 2022) == "5–10"
    # The plan's own wording is shown under the figure where it says more ("cuộc").
    m4 = rows.filter(has=page.locator(".kpi-code", has_text=re.compile(r"^\s*M4\s*$")))
    expect(m4.locator("td.num").first).to_contain_text("05 - 10 cuộc")

    # Screenshots of the plan page on a phone and on an office PC.
    page.set_viewport_size(PHONE)
    page.screenshot(path=str(artifacts_dir / "e2e-plan_detail-phone.png"), full_page=True)
    page.set_viewport_size(DESKTOP)
    page.screenshot(path=str(artifacts_dir / "e2e-plan_detail-desktop.png"), full_page=True)

    assert submit_text == "Đăng nhập", (
        f"sign-in button reads {submit_text!r} under LANGUAGE_CODE 'vi' (is locale/vi compiled to django.mo?)"
    )


def test_wrong_password_then_throttled(page, live_server, coordinator_user, settings):
    settings.LOGIN_MAX_FAILURES = 3
    settings.LOGIN_LOCK_MINUTES = 15

    sign_in(page, live_server, coordinator_user.username, "sai-mat-khau")
    expect(page).to_have_url(path_re(LOGIN_PATH))
    alert = page.locator("main [role=alert]")
    expect(alert).to_be_visible()
    wrong_text = alert.inner_text().strip()
    assert wrong_text
    expect(page.locator("#id_password")).to_have_value("")
    expect(page.locator(".sidenav")).to_have_count(0)

    for _ in range(settings.LOGIN_MAX_FAILURES - 1):
        sign_in(page, live_server, coordinator_user.username, "sai-mat-khau")
        expect(page).to_have_url(path_re(LOGIN_PATH))

    # Now even the right password is refused, with the throttling message instead.
    sign_in(page, live_server, coordinator_user.username, PASSWORD)
    expect(page).to_have_url(path_re(LOGIN_PATH))
    expect(alert).to_be_visible()
    locked_text = alert.inner_text().strip()
    assert locked_text != wrong_text
    assert "15" in locked_text
    expect(page.locator(".sidenav")).to_have_count(0)

    # And the visitor is still anonymous.
    page.goto(live_server.url + DASHBOARD_PATH)
    expect(page).to_have_url(re.compile(rf"{re.escape(LOGIN_PATH)}\?next="))


def test_one_time_password_goes_to_the_password_page_first(
    page, live_server, transactional_db, default_data, make_user
):
    user = make_user(Role.COORDINATOR, coordinating_unit().code, password=PASSWORD, must_change_password=True)

    sign_in(page, live_server, user.username, PASSWORD)
    pass_second_step(page, user)  # the second step comes first: nothing, not even this page, before it
    expect(page).to_have_url(path_re(PASSWORD_PATH))
    expect(page.locator("main [role=alert]")).to_be_visible()
    expect(page.locator("#id_old_password")).to_be_visible()

    # Every other page sends the user back here until the password is changed.
    page.goto(live_server.url + "/plans/")
    expect(page).to_have_url(path_re(PASSWORD_PATH))

    new_password = "Lan-Toa-moi-2026!"
    page.fill("#id_old_password", PASSWORD)
    page.fill("#id_new_password1", new_password)
    page.fill("#id_new_password2", new_password)
    submit(page)
    expect(page).to_have_url(path_re(DASHBOARD_PATH))
    expect(page.locator("main .msg")).to_be_visible()

    user.refresh_from_db()
    assert user.must_change_password is False
    assert user.check_password(new_password)
