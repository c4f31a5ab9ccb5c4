"""End to end in a real browser: a commune officer composes an SMS broadcast, sees who it reaches after the
rules, may not approve it alone (it is over the approval threshold); a colleague of the same unit approves
it and the page shows it delivered through the local outbox. Also the live SMS counter of the template
form, and screenshots of the messaging pages at phone and desktop width."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from lantoa.accounts.roles import Role
from lantoa.audience.models import Segment
from lantoa.messaging import services
from lantoa.messaging import text as mtext
from lantoa.messaging.models import Broadcast, GatewayConfig, Inbound, Message, OptOut, Policy, Reminder, Template
from lantoa.messaging.tests.conftest import UNIT, make_person
from lantoa.orgs.models import Unit
from lantoa.taxonomy.models import TargetGroup, Topic
from tests.e2e.conftest import ARTIFACTS, DESKTOP, PHONE

pytestmark = pytest.mark.browser

PASSWORD = "Mat-khau-2026!"
LOGIN_PATH = "/accounts/login/"
THRESHOLD = 3
BODY = "Kính gửi {ho_ten}: BHXH tự nguyện giúp có lương hưu. Hỏi UBND xã để được hướng dẫn."
DETAIL = re.compile(r"/messages/(\d+)/$")


@pytest.fixture
def setup(transactional_db, live_server, default_data, make_user):
    """Rules without quiet hours (the test runs at any hour), a second approver above 3 recipients; the
    outbox writes no file; two officers of UBND xã Long Khánh; eight farmers of whom five may be reached."""
    Policy.objects.all().delete()  # the rules of Decree 91/2020 a migration loads (7h–22h)
    Policy.objects.create(
        name="e2e: no quiet hours",
        send_from=dt.time(0, 0),
        send_until=dt.time(0, 0),
        approval_threshold=THRESHOLD,
    )
    GatewayConfig.objects.create(name="Hộp thư đi nội bộ", kind="outbox", options={"file": "-"})
    author = make_user(Role.COMMUNE_OFFICER, UNIT, password=PASSWORD)
    approver = make_user(Role.COMMUNE_OFFICER, UNIT, password=PASSWORD)
    unit = Unit.objects.get(code=UNIT)
    group = TargetGroup.objects.filter(voluntary_group=1).first()
    codes = [group.code]
    eligible = [
        make_person("Nguyễn Văn An", "+84912000001", groups=codes),
        make_person("Trần Thị Bình", "+84912000002", groups=codes),
        make_person("Lê Văn Cường", "+84912000003", groups=codes),
        make_person("Huỳnh Thị Diệu", "+84912000005", groups=codes),
        make_person("Đặng Văn Được", "+84912000006", groups=codes),
    ]
    make_person("Phạm Thị Dung", "+84912000004", consent=False, groups=codes)  # no consent
    make_person("Võ Văn Em", "", groups=codes)  # no phone
    make_person("Bùi Thị Giang", "+84912000007", groups=codes)  # opted out
    services.optout_add(
        actor=author, phone="+84912000007", source=OptOut.Source.HAND, note="e2e", withdraw_consent=False
    )
    segment = Segment.objects.create(name="Nông dân nhóm 1 Long Khánh", unit=unit, filters={"group_codes": codes})
    template = services.template_save(
        actor=author,
        template=Template(name="Mời tham gia BHXH tự nguyện", unit=unit, body=BODY),
        topics=Topic.objects.filter(voluntary_bhxh=True)[:1],
    )
    return {
        "author": author,
        "approver": approver,
        "unit": unit,
        "segment": segment,
        "template": template,
        "eligible": eligible,
    }


def submit(page, selector="main form button[type=submit]") -> None:
    with page.expect_navigation():
        page.locator(selector).click()


def sign_in(page, live_server, user) -> None:
    page.goto(live_server.url + LOGIN_PATH)
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    submit(page)
    expect(page).not_to_have_url(re.compile(re.escape(LOGIN_PATH)))


def sign_out(page) -> None:
    page.locator("details.usermenu summary").click()
    with page.expect_navigation():
        page.locator("details.usermenu form button[type=submit]").click()


def number(text: str) -> int:
    """A count as the page shows it (Vietnamese thousands use dots)."""
    return int(re.sub(r"\D", "", text))


def test_officer_composes_colleague_approves_and_it_is_delivered(page, live_server, setup, artifacts_dir):
    author, approver, segment, template = setup["author"], setup["approver"], setup["segment"], setup["template"]
    n_eligible = len(setup["eligible"])
    assert n_eligible > THRESHOLD

    # The author: the broadcast list, then "New broadcast".
    sign_in(page, live_server, author)
    page.goto(live_server.url + "/messages/")
    expect(page.locator("main h1")).to_be_visible()
    with page.expect_navigation():
        page.locator("main .actions a[href$='/messages/new/']").click()
    expect(page).to_have_url(re.compile(r"/messages/new/$"))
    # The unit is proposed: the officer's own.
    expect(page.locator("#id_unit")).to_have_value(str(setup["unit"].pk))
    page.fill("#id_title", "Vận động nông dân tham gia BHXH tự nguyện")
    page.locator("#id_template").select_option(str(template.pk))
    page.locator("#id_segment").select_option(str(segment.pk))
    submit(page)

    # The draft: who it reaches after the rules.
    expect(page).to_have_url(DETAIL)
    pk = int(DETAIL.search(page.url).group(1))
    broadcast = Broadcast.objects.get(pk=pk)
    assert broadcast.status == Broadcast.Status.DRAFT
    assert broadcast.created_by == author
    expect(page.locator("main h1")).to_have_text("Vận động nông dân tham gia BHXH tự nguyện")
    expect(page.locator("#audience-segment")).to_have_text("8")
    expect(page.locator("#audience-no-consent")).to_have_text("1")
    expect(page.locator("#audience-no-phone")).to_have_text("1")
    expect(page.locator("#audience-opted-out")).to_have_text("1")
    expect(page.locator("#audience-recipients")).to_have_text(str(n_eligible))
    # Over the threshold: the author cannot approve; the page says a colleague must.
    expect(page.locator("#needs-other")).to_be_visible()
    expect(page.locator("#needs-other")).to_contain_text(str(THRESHOLD))
    expect(page.locator(f"form[action$='/messages/{pk}/approve/']")).to_have_count(0)
    page.screenshot(path=str(artifacts_dir / "e2e-messaging-draft.png"), full_page=True)
    sign_out(page)
    expect(page).to_have_url(re.compile(re.escape(LOGIN_PATH)))

    # The colleague: opens it from the list and approves it.
    sign_in(page, live_server, approver)
    page.goto(live_server.url + "/messages/")
    with page.expect_navigation():
        page.locator(f"main table a[href$='/messages/{pk}/']").click()
    expect(page.locator("#needs-other")).to_have_count(0)
    approve = page.locator(f"form[action$='/messages/{pk}/approve/'] button[type=submit]")
    expect(approve).to_contain_text(str(n_eligible))
    page.set_viewport_size(PHONE)
    page.screenshot(path=str(artifacts_dir / "e2e-messaging-approve-phone.png"), full_page=True)
    page.set_viewport_size(DESKTOP)
    submit(page, f"form[action$='/messages/{pk}/approve/'] button[type=submit]")

    # The fan-out and the sending ran after the approval's commit (tasks are immediate in tests): the page
    # shows every eligible person's message delivered (the poll refreshes it if it was still going out).
    delivered = page.locator("#progress #count-delivered")
    expect(delivered).to_have_text(str(n_eligible), timeout=20_000)
    expect(page.locator("#progress #count-total")).to_have_text(str(n_eligible))
    expect(page.locator("#progress #count-failed")).to_have_text("0")
    assert number(delivered.inner_text()) == n_eligible
    page.screenshot(path=str(artifacts_dir / "e2e-messaging-sent.png"), full_page=True)
    broadcast.refresh_from_db()
    assert broadcast.approved_by == approver
    assert broadcast.status == Broadcast.Status.SENT
    sent_to = set(Message.objects.filter(broadcast=broadcast, status="delivered").values_list("person", flat=True))
    assert sent_to == {p.pk for p in setup["eligible"]}


def test_template_form_counts_sms_parts_while_typing(page, live_server, setup):
    sign_in(page, live_server, setup["author"])
    page.goto(live_server.url + "/messages/templates/new/")
    facts = page.locator("#text-facts")
    parts = facts.locator("#facts-parts")
    chars = facts.locator("#facts-length")
    expect(parts).to_have_text("0")

    body = page.locator("#id_body")
    body.click()
    short = "Kính gửi {ho_ten}: mời đóng BHXH"
    body.press_sequentially(short, delay=20)
    expect(chars).to_have_text(str(mtext.sms_parts(mtext.render(short, mtext.sample_person())).length))
    expect(parts).to_have_text("1")
    expect(facts).to_contain_text("UCS-2")

    # Longer than one Unicode part (70 characters): the counter follows.
    more = " tự nguyện trước ngày {ngay_den_han}, số tiền {so_tien}. Hỏi UBND xã Long Khánh để được hướng dẫn."
    body.press_sequentially(more, delay=5)
    expected = mtext.sms_parts(mtext.render(short + more, mtext.sample_person()))
    assert expected.parts >= 2
    expect(parts).to_have_text(str(expected.parts))
    expect(chars).to_have_text(str(expected.length))

    # Without diacritics: fewer parts (GSM 7-bit).
    page.locator("#id_accent_free").check()
    plain = mtext.sms_parts(mtext.accent_free(mtext.render(short + more, mtext.sample_person())))
    assert plain.parts < expected.parts
    expect(parts).to_have_text(str(plain.parts))


# --- screenshots ---------------------------------------------------------------------------------------


def shoot_all(browser, live_server, user, pages: list[tuple[str, str]]) -> list[str]:
    """Each page at phone and desktop width into test-artifacts/screens/; returns those wider than the phone."""
    out = ARTIFACTS / "screens"
    out.mkdir(parents=True, exist_ok=True)
    too_wide = []
    devices = {
        "phone": {"viewport": PHONE, "is_mobile": True, "has_touch": True},
        "desktop": {"viewport": DESKTOP},
    }
    for device, opts in devices.items():
        context = browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh", **opts)
        context.set_default_timeout(15_000)
        page = context.new_page()
        sign_in(page, live_server, user)
        for name, path in pages:
            response = page.goto(live_server.url + path)
            assert response.status == 200, f"{name}: HTTP {response.status}"
            page.wait_for_load_state("networkidle")
            if name == "messaging_template_form":
                page.locator("#id_body").fill(BODY + " Hạn đóng: {ngay_den_han}.")
                expect(page.locator("#facts-parts")).not_to_have_text("0")
            page.screenshot(path=str(out / f"{name}-{device}.png"), full_page=True)
            if device == "phone":
                width = page.evaluate("document.documentElement.scrollWidth")
                if width > PHONE["width"]:
                    too_wide.append(f"{name}: {width}px")
        context.close()
    return too_wide


def test_messaging_pages_fit_a_phone_and_a_desktop(browser, live_server, setup):
    author, approver, unit = setup["author"], setup["approver"], setup["unit"]
    sent = services.broadcast_save(
        actor=author,
        broadcast=Broadcast(
            title="Nhắc đóng BHXH tự nguyện tháng này", unit=unit, template=setup["template"], segment=setup["segment"]
        ),
    )
    services.broadcast_approve(actor=approver, broadcast=sent)  # immediate tasks: fanned out and sent
    assert Message.objects.filter(broadcast=sent, status="delivered").count() == len(setup["eligible"])
    draft = services.broadcast_save(
        actor=author,
        broadcast=Broadcast(
            title="Vận động nông dân tham gia BHXH tự nguyện",
            unit=unit,
            template=setup["template"],
            segment=setup["segment"],
        ),
    )
    services.reminder_save(
        actor=author,
        reminder=Reminder(name="Nhắc hạn đóng 7 ngày trước", unit=unit, template=setup["template"], days=7),
    )
    Inbound.objects.create(
        gateway_kind="outbox", phone="+84912000007", text="TC", action=Inbound.Action.OPT_OUT, people=1
    )
    person = setup["eligible"][0]
    pages = [
        ("messaging_list", "/messages/"),
        ("messaging_new", "/messages/new/"),
        ("messaging_draft", f"/messages/{draft.pk}/"),
        ("messaging_sent", f"/messages/{sent.pk}/"),
        ("messaging_templates", "/messages/templates/"),
        ("messaging_template_form", "/messages/templates/new/"),
        ("messaging_reminders", "/messages/reminders/"),
        ("messaging_optouts", "/messages/opt-outs/"),
        ("messaging_person", f"/messages/person/{person.pk}/"),
    ]
    too_wide = shoot_all(browser, live_server, author, pages)
    assert not too_wide, f"wider than a phone: {too_wide}"
