"""Issue 17 (1) in a real browser: with the Content-Security-Policy on (no inline script, style or handler),
the pages with scripts still work — the menu, htmx, Chart.js, auto-submitting selects, the admin — and the
browser reports no violation. Signed in through the form and the second step (TOTP), as a person would."""

import re

import pytest
from playwright.sync_api import expect

from conftest import coordinating_unit
from lantoa.accounts.roles import Role
from lantoa.plans.models import Indicator, Plan
from tests.e2e.conftest import pass_second_step

pytestmark = pytest.mark.browser
PASSWORD = "Mat-khau-2026!"


@pytest.fixture
def watched(page):
    """The page, and the browser's complaints about the policy (console errors and violation events)."""
    complaints = []
    page.on(
        "console",
        lambda m: complaints.append(m.text) if m.type == "error" and "Content Security Policy" in m.text else None,
    )
    page.on("pageerror", lambda e: complaints.append(f"page error: {e}"))
    return page, complaints


def sign_in(page, live_server, user) -> None:
    page.goto(live_server.url + "/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    pass_second_step(page, user)
    expect(page).not_to_have_url(re.compile(r"/accounts/"))


def test_pages_with_scripts_work_under_the_policy(watched, live_server, transactional_db, default_data, make_user):
    page, complaints = watched
    coordinator = make_user(Role.COORDINATOR, coordinating_unit().code, password=PASSWORD)
    sign_in(page, live_server, coordinator)

    # Every page: the policy header, the menu opened by static/js/lantoa.js on a wide screen.
    response = page.goto(live_server.url + "/plans/dashboard/")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    expect(page.locator("#navtoggle")).to_have_attribute("open", "")

    # Chart.js, from a static file reading the json_script block: it drew the trend or removed the canvas.
    indicator = Indicator.objects.filter(plan__in=Plan.objects.all()).order_by("plan_id", "pk").first()
    plan = indicator.plan
    page.goto(live_server.url + f"/plans/{plan.pk}/indicators/{indicator.pk}/")
    expect(page.locator("#trend-data")).to_have_count(1)
    page.wait_for_load_state("load")
    ran = page.evaluate(
        "() => { const c = document.getElementById('trend');"
        " return !!window.Chart && (c === null || !!Chart.getChart(c)); }"
    )
    assert ran
    # The year select submits itself (data-autosubmit), where the page has one.
    year = page.locator("main select[name=year][data-autosubmit]")
    if year.count():
        options = year.locator("option").all_inner_texts()
        with page.expect_navigation():
            year.select_option(options[0])
        expect(page).to_have_url(re.compile(rf"year={options[0]}"))

    # htmx: the SMS template form counts the text while it is typed.
    page.goto(live_server.url + "/messages/templates/new/")
    body = page.locator("#id_body")
    body.click()
    body.press_sequentially("Kính gửi {ho_ten}", delay=10)
    expect(page.locator("#facts-parts")).to_have_text("1")

    assert not complaints, complaints


def test_the_admin_works_under_the_policy(watched, live_server, transactional_db, django_user_model):
    page, complaints = watched
    admin = django_user_model.objects.create_superuser("quantri", password=PASSWORD, role=Role.ADMIN)
    page.goto(live_server.url + "/admin/")
    # /admin/ sends to the one sign-in, then to the second step, then back.
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=%2Fadmin%2F$"))
    page.fill("#id_username", admin.username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/accounts/two-factor/setup/"))
    pass_second_step(page, admin)
    expect(page).to_have_url(re.compile(r"/admin/$"))
    page.goto(live_server.url + "/admin/accounts/user/")
    expect(page.locator("#result_list")).to_be_visible()
    page.goto(live_server.url + f"/admin/accounts/user/{admin.pk}/change/")
    expect(page.locator("#user_form")).to_be_visible()
    assert not complaints, complaints
