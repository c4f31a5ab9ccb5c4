"""End to end in a real browser: a commune officer adds a leaflet to the content library as a draft with a
PDF, sends it for review, and cannot approve it; a reviewer of the insurance office signs in, finds it in
"waiting for my review" and approves it; the item shows approved. Screenshots of the list, detail and
review pages at phone (390) and desktop (1366) width."""

import re

import pytest
from playwright.sync_api import expect

from lantoa.accounts.roles import Role
from lantoa.content.models import ContentItem, ContentReview
from lantoa.taxonomy.models import Topic
from tests.e2e.conftest import DESKTOP, PHONE

pytestmark = pytest.mark.browser

PASSWORD = "Mat-khau-2026!"
LOGIN_PATH = "/accounts/login/"
UNIT = "dt-ubnd-long-khanh"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
TITLE = "Tờ rơi: hưởng lương hưu hay rút BHXH một lần?"
DETAIL = re.compile(r"/content/(\d+)/$")


@pytest.fixture
def people(transactional_db, live_server, default_data, make_user):
    return {
        "author": make_user(Role.COMMUNE_OFFICER, UNIT, password=PASSWORD),
        "reviewer": make_user(Role.INSURANCE, "hn-bhxh", password=PASSWORD),
    }


def submit(page, selector) -> None:
    with page.expect_navigation():
        page.locator(selector).click()


def sign_in(page, live_server, user) -> None:
    page.goto(live_server.url + LOGIN_PATH)
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    submit(page, "main form button[type=submit]")
    expect(page).not_to_have_url(re.compile(re.escape(LOGIN_PATH)))


def sign_out(page) -> None:
    page.locator("details.usermenu summary").click()
    with page.expect_navigation():
        page.locator("details.usermenu form button[type=submit]").click()


def shots(page, artifacts_dir, name) -> None:
    page.set_viewport_size(PHONE)
    page.screenshot(path=str(artifacts_dir / f"e2e-content-{name}-phone.png"), full_page=True)
    page.set_viewport_size(DESKTOP)
    page.screenshot(path=str(artifacts_dir / f"e2e-content-{name}-desktop.png"), full_page=True)


def test_draft_to_review_to_approved_by_two_users(page, live_server, people, artifacts_dir):
    author, reviewer = people["author"], people["reviewer"]
    topic = Topic.objects.filter(reform_number=6).first()

    # The author: the library, then "New content".
    sign_in(page, live_server, author)
    page.goto(live_server.url + "/content/")
    with page.expect_navigation():
        page.locator("main .actions a[href$='/content/new/']").click()
    page.locator("#id_kind").select_option("leaflet")
    page.fill("#id_title", TITLE)
    page.locator(f"input[name=topics][value='{topic.pk}']").check()
    page.fill("#id_summary", "So sánh lương hưu hằng tháng với nhận BHXH một lần.")
    page.locator("#id_upload").set_input_files(
        files=[{"name": "to-roi-luong-huu.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.fill("#id_note", "bản đầu")
    submit(page, "main form button[type=submit]")
    expect(page).to_have_url(DETAIL)
    item = ContentItem.objects.get(title=TITLE)
    assert (item.status, item.author_id, item.version_number, item.file_name) == (
        "draft",
        author.pk,
        1,
        "to-roi-luong-huu.pdf",
    )
    expect(page.locator("main")).to_contain_text("to-roi-luong-huu.pdf")

    # Send it for review.
    submit(page, "#submit-review")
    item.refresh_from_db()
    assert item.status == "in_review"
    expect(page.locator("#submit-review")).to_have_count(0)

    # The author may not approve: no button on the page, and the review page offers none.
    expect(page.locator("#review-link")).to_have_count(0)
    page.goto(live_server.url + f"/content/{item.pk}/review/")
    expect(page.locator("#approve")).to_have_count(0)
    # A hand-made request is refused too: nothing changes.
    csrf = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    response = page.request.post(
        live_server.url + f"/content/{item.pk}/review/",
        form={"decision": "approve", "csrfmiddlewaretoken": csrf},
        headers={"Referer": live_server.url + f"/content/{item.pk}/review/"},
    )
    assert response.status in (200, 403)
    item.refresh_from_db()
    assert item.status == "in_review" and not ContentReview.objects.exists()
    sign_out(page)

    # The reviewer: "waiting for my review", then the review page, approve.
    sign_in(page, live_server, reviewer)
    page.goto(live_server.url + "/content/review/")
    expect(page.locator("main table")).to_contain_text(TITLE)
    shots(page, artifacts_dir, "queue")
    with page.expect_navigation():
        page.locator(f"main a[href$='/content/{item.pk}/review/']").click()
    expect(page.locator("#approve")).to_be_visible()
    shots(page, artifacts_dir, "review")
    submit(page, "#approve")
    expect(page).to_have_url(DETAIL)
    item.refresh_from_db()
    assert item.status == "approved" and item.reviewer_id == reviewer.pk and item.approved_at
    expect(page.locator("#content-status")).to_have_class(re.compile(r"status-sent"))  # the green badge
    review = ContentReview.objects.get(item=item)
    assert (review.decision, review.reviewer_id) == ("approved", reviewer.pk)
    shots(page, artifacts_dir, "detail")

    page.goto(live_server.url + "/content/")
    expect(page.locator("main table")).to_contain_text(TITLE)
    shots(page, artifacts_dir, "list")
