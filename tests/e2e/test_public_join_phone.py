"""End to end on a phone without an account: a visitor works out the contribution at the floor, sends
"I want to join", and the commune officer of that commune finds the request in the list."""

import re

import pytest
from playwright.sync_api import expect

from lantoa.accounts.roles import Role
from lantoa.public.models import Lead
from lantoa.public.rules import load_rules
from tests.e2e.conftest import PHONE

pytestmark = pytest.mark.browser

PASSWORD = "Mat-khau-2026!"


@pytest.fixture
def phone(browser):
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
def officer(transactional_db, live_server, default_data, make_user):
    load_rules()  # a browser test's database is flushed after it: the migration's rows may be gone
    return make_user(Role.COMMUNE_OFFICER, "dt-ubnd-long-khanh", password=PASSWORD)


def test_visitor_calculates_and_asks_to_join_then_the_officer_sees_it(phone, live_server, officer, artifacts_dir):
    page = phone
    page.goto(live_server.url + "/")
    expect(page.locator("h1")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # one column, no sideways scroll

    with page.expect_navigation():
        page.locator(".pub-cards a[href='/calculator/']").tap()
    page.locator("#id_income").fill("1,5 triệu")
    page.locator("#id_day").fill("07/12/2026")
    page.locator("label.pub-check", has=page.locator("input[value='near_poor']")).tap()
    with page.expect_navigation():
        page.locator("form.pub-form button[type=submit]").tap()
    expect(page.locator("#contribution")).to_have_text("330.000 đ")
    expect(page.locator("#support")).to_have_text("− 132.000 đ")
    expect(page.locator("#pays")).to_have_text("198.000 đ")
    assert "income=" in page.url and "near_poor" in page.url  # the answer is shareable by its address
    page.screenshot(path=str(artifacts_dir / "public-calculator-phone.png"), full_page=True)

    with page.expect_navigation():
        page.locator("#result a[href='/join/']").tap()
    page.locator("#id_full_name").fill("Trần Thị Mai")
    page.locator("#id_phone").fill("0912 345 678")
    page.locator("#id_commune").select_option(label="Xã Long Khánh")
    page.locator("#id_callback").select_option("morning")
    page.locator("label.pub-check", has=page.locator("#id_consent_callback")).tap()
    page.screenshot(path=str(artifacts_dir / "public-join-phone.png"), full_page=True)
    with page.expect_navigation():
        page.locator("form.pub-form > button[type=submit]").tap()
    expect(page).to_have_url(re.compile(r"/join/sent/$"))
    assert Lead.objects.filter(phone="+84912345678", unit__code="dt-ubnd-long-khanh").count() == 1

    page.goto(live_server.url + "/accounts/login/")
    page.locator("#id_username").fill(officer.username)
    page.locator("#id_password").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("form button[type=submit]").first.tap()
    page.goto(live_server.url + "/leads/")
    row = page.locator("table.stack tbody tr", has_text="Trần Thị Mai")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("0912345678")
    expect(row).to_contain_text("Xã Long Khánh")
    page.screenshot(path=str(artifacts_dir / "public-leads-officer-phone.png"), full_page=True)
