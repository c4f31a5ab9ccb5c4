"""End to end on a phone: a commune officer takes a question heard at a conference, answers it as the
responsible unit, and sees on the item's timeline that the answer SMS was delivered. Screenshots of the
inbox, the item and the analysis page at phone and desktop width."""

import pytest
from playwright.sync_api import expect

from lantoa.accounts.roles import Role
from lantoa.feedback.models import Item
from lantoa.messaging.models import Message
from lantoa.messaging.tests.conftest import make_person
from tests.e2e.conftest import DESKTOP, PHONE

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
def any_hour(transactional_db):
    """No quiet hours: the test may run at night."""
    import datetime as dt

    from lantoa.messaging.models import Policy

    Policy.objects.all().delete()
    return Policy.objects.create(name="test", send_from=dt.time(0, 0), send_until=dt.time(0, 0))


@pytest.mark.django_db(transaction=True)
def test_question_taken_and_answered_on_a_phone(phone, live_server, default_data, make_user, any_hour, artifacts_dir):
    officer = make_user(Role.COMMUNE_OFFICER, "dt-ubnd-long-khanh", password=PASSWORD)
    make_person("Nguyễn Văn An", "+84912000201")
    page = phone
    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=username]", officer.username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").first.click()

    page.goto(live_server.url + "/feedback/new/")
    page.fill("textarea[name=text]", "Đóng BHXH tự nguyện bao nhiêu năm thì được lương hưu?")
    page.select_option("select[name=area]", label="Xã Long Khánh")
    page.fill("input[name=asker_name]", "Nguyễn Văn An")
    page.fill("input[name=asker_phone]", "0912000201")
    page.screenshot(path=str(artifacts_dir / "feedback-new-390.png"), full_page=True)
    page.locator("#feedback-form button[type=submit]").first.click()
    item = Item.objects.get()
    expect(page.locator("h1")).to_contain_text(item.code)

    page.fill("#answer-form textarea[name=answer]", "Tối thiểu 15 năm đóng BHXH.")
    page.locator("#answer-form button[type=submit]").click()
    expect(page.locator(".timeline")).to_contain_text("Đã trả lời")
    message = Message.objects.get(key__startswith=f"f:{item.pk}:")
    assert message.phone == "+84912000201" and message.text.endswith("Tối thiểu 15 năm đóng BHXH.")
    page.reload()
    expect(page.locator(".timeline .message-status")).to_have_text(str(Message.Status.DELIVERED.label))
    page.screenshot(path=str(artifacts_dir / "feedback-item-390.png"), full_page=True)
    page.goto(live_server.url + "/feedback/")
    expect(page.locator("table")).to_contain_text("Đóng BHXH tự nguyện")
    page.screenshot(path=str(artifacts_dir / "feedback-list-390.png"), full_page=True)
    page.set_viewport_size(DESKTOP)
    page.screenshot(path=str(artifacts_dir / "feedback-list-1366.png"), full_page=True)
    page.goto(live_server.url + f"/feedback/{item.pk}/")
    page.screenshot(path=str(artifacts_dir / "feedback-item-1366.png"), full_page=True)
    page.goto(live_server.url + "/feedback/analysis/")
    expect(page.locator("h1")).to_contain_text("2026")
    page.screenshot(path=str(artifacts_dir / "feedback-analysis-1366.png"), full_page=True)
