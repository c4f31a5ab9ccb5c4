"""End to end in a real browser: an officer of the Women's Union writes and submits the union's 2024 report;
the coordinator returns it with a comment on the results; the officer sees the comment, mends the results
and submits again; the coordinator accepts it, writes the district report and downloads its DOCX, which
carries the union's figures. Screenshots at phone (390) and desktop (1366) width."""

import datetime as dt
import io
import re
from pathlib import Path

import pytest
from docx import Document
from playwright.sync_api import expect

from conftest import coordinating_unit
from lantoa.accounts.roles import Role
from lantoa.activities.kinds import Channel, Kind
from lantoa.reports.models import Report, ReportComment, ReportFile
from lantoa.reports.tests.conftest import activity
from tests.e2e.conftest import DESKTOP, PHONE, pass_second_step

pytestmark = pytest.mark.browser

PASSWORD = "Mat-khau-2026!"
LOGIN_PATH = "/accounts/login/"
UNIT = "hn-hoiphunu"
DETAIL = re.compile(r"/reports/(\d+)/$")
COMMENT = "Bổ sung số người tham gia tại từng ấp."


@pytest.fixture
def people(transactional_db, live_server, default_data, make_user, monkeypatch):
    # The 2024 reports are written in January 2025, while the district's units still existed.
    monkeypatch.setattr("lantoa.core.clock.today", lambda: dt.date(2025, 1, 20))
    activity(dt.date(2024, 5, 10), participants=1234, cost="3000000")
    activity(dt.date(2024, 6, 2), kind=Kind.VISUAL, channel=Channel.VISUAL, estimated_reach=2500)
    return {
        "officer": make_user(Role.UNIT_OFFICER, UNIT, password=PASSWORD),
        "coordinator": make_user(Role.COORDINATOR, coordinating_unit().code, password=PASSWORD),
    }


def submit(page, selector) -> None:
    with page.expect_navigation():
        page.locator(selector).click()


def sign_in(page, live_server, user) -> None:
    page.goto(live_server.url + LOGIN_PATH)
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    submit(page, "main form button[type=submit]")
    pass_second_step(page, user)
    expect(page).not_to_have_url(re.compile(re.escape(LOGIN_PATH)))


def sign_out(page) -> None:
    page.locator("details.usermenu summary").click()
    with page.expect_navigation():
        page.locator("details.usermenu form button[type=submit]").click()


def shots(page, artifacts_dir, name) -> None:
    page.set_viewport_size(PHONE)
    page.screenshot(path=str(artifacts_dir / f"e2e-reports-{name}-phone.png"), full_page=True)
    page.set_viewport_size(DESKTOP)
    page.screenshot(path=str(artifacts_dir / f"e2e-reports-{name}-desktop.png"), full_page=True)


def test_submit_return_resubmit_accept_and_district_docx(page, live_server, people, artifacts_dir):
    officer, coordinator = people["officer"], people["coordinator"]

    # The officer creates the union's 2024 report, writes the results and submits.
    sign_in(page, live_server, officer)
    page.goto(live_server.url + "/reports/")
    submit(page, "main .actions a[href*='/reports/new/']")
    page.locator("#id_kind").select_option("unit_annual")
    page.locator("#id_year").select_option("2024")
    submit(page, "main form button[type=submit]")
    expect(page).to_have_url(DETAIL)
    report = Report.objects.get(unit__code=UNIT, year=2024)
    expect(page.locator("#figures")).to_contain_text("1.234")  # people present, from the records
    page.fill("#id_results", "Hội đã tổ chức hội nghị và phát tờ rơi.")
    page.fill("#id_signer_name", "Võ Thị Thu")
    submit(page, "#narrative button[name=then][value=submit]")
    report.refresh_from_db()
    assert (report.status, report.submissions) == (Report.Status.SUBMITTED, 1)
    assert report.figures["totals"]["participants"] == 1234
    shots(page, artifacts_dir, "submitted")
    sign_out(page)

    # The coordinator returns it with a comment on the results.
    sign_in(page, live_server, coordinator)
    page.goto(live_server.url + f"/reports/{report.pk}/")
    page.locator("#return summary").click()
    page.fill("#return textarea[name=results]", COMMENT)
    submit(page, "#return button[type=submit]")
    report.refresh_from_db()
    assert report.status == Report.Status.RETURNED
    assert ReportComment.objects.get(report=report).text == COMMENT
    sign_out(page)

    # The officer sees the comment, mends the results and submits again.
    sign_in(page, live_server, officer)
    page.goto(live_server.url + f"/reports/{report.pk}/")
    expect(page.locator("#comments-open")).to_contain_text(COMMENT)
    shots(page, artifacts_dir, "returned")
    page.fill("#id_results", "Hội đã tổ chức hội nghị (1.234 người tham dự tại 3 ấp) và phát tờ rơi.")
    submit(page, "#narrative button[name=then][value=submit]")
    report.refresh_from_db()
    assert (report.status, report.submissions) == (Report.Status.SUBMITTED, 2)
    sign_out(page)

    # The coordinator accepts it, writes the district report and downloads its DOCX.
    sign_in(page, live_server, coordinator)
    page.goto(live_server.url + f"/reports/{report.pk}/")
    submit(page, "main .actions form[action$='/accept/'] button")
    report.refresh_from_db()
    assert report.status == Report.Status.ACCEPTED
    page.goto(live_server.url + "/reports/new/?kind=district&year=2024")
    page.locator("#id_kind").select_option("district")
    page.locator("#id_unit").select_option(label="Phòng Lao động - Thương binh và Xã hội huyện Hồng Ngự")
    page.locator("#id_year").select_option("2024")
    submit(page, "main form button[type=submit]")
    expect(page).to_have_url(DETAIL)
    district = Report.objects.get(kind="district", year=2024)
    expect(page.locator("#figures")).to_contain_text("Hội Liên hiệp Phụ nữ huyện Hồng Ngự")
    page.fill("#id_results", "Các đơn vị đã triển khai Kế hoạch tuyên truyền năm 2024.")
    submit(page, "#narrative button[type=submit]:not([name])")
    submit(page, "#files button[value=docx]")
    link = page.locator("#files-rows a[download]").first
    expect(link).to_be_visible(timeout=60_000)
    shots(page, artifacts_dir, "district")
    with page.expect_download() as info:
        link.click()
    data = Path(info.value.path()).read_bytes()
    item = ReportFile.objects.get(report=district, format="docx")
    assert item.status == ReportFile.Status.DONE and item.requested_by == coordinator
    text = "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)
    tables = " ".join(c.text for t in Document(io.BytesIO(data)).tables for r in t.rows for c in r.cells)
    assert "BÁO CÁO" in text and "năm 2024" in text
    assert "Hội Liên hiệp Phụ nữ huyện Hồng Ngự" in tables and "1.234" in tables
