"""The library pages: list with filters and export, detail, add/edit with upload, submit, review, the
queue — the outsider who gets 404 — and the content pickers of activities, radio and SMS templates."""

import datetime as dt

import pytest
from django.urls import reverse

from conftest import current_commune
from lantoa.accounts.roles import Role
from lantoa.activities.models import Activity
from lantoa.content.models import ContentItem
from lantoa.content.tests.conftest import UNIT, approved_item, make_item, pdf
from lantoa.messaging.models import Template
from lantoa.orgs.models import Unit
from lantoa.radio.models import Broadcast
from lantoa.taxonomy.models import Topic

pytestmark = pytest.mark.django_db


def test_list_filters_and_export(client, author, reviewer):
    draft = make_item(author, title="Kịch bản phát thanh lương hưu", kind="radio_script")
    approved_item(author, reviewer, title="Tờ rơi hỗ trợ tự nguyện", body="Nhà nước hỗ trợ tiền đóng.")
    client.force_login(author)
    response = client.get(reverse("content:list"))
    assert response.status_code == 200 and response.context["page"].paginator.count == 2
    response = client.get(reverse("content:list"), {"q": "luong huu"})
    assert [c.pk for c in response.context["page"]] == [draft.pk]
    response = client.get(reverse("content:list"), {"status": "approved", "kind": "leaflet"})
    assert [c.title for c in response.context["page"]] == ["Tờ rơi hỗ trợ tự nguyện"]
    response = client.get(reverse("content:list"), {"export": "csv"})
    assert response.status_code == 200
    body = response.content.decode("utf-8-sig")
    assert "Kịch bản phát thanh lương hưu" in body and "Tờ rơi hỗ trợ tự nguyện" in body


def test_outsider_sees_approved_content_but_not_drafts(client, author, reviewer, outsider):
    draft = make_item(author, title="Bản nháp Long Khánh")
    approved = approved_item(author, reviewer, title="Đã duyệt Long Khánh")
    client.force_login(outsider)
    titles = [c.title for c in client.get(reverse("content:list")).context["page"]]
    assert titles == ["Đã duyệt Long Khánh"]
    for name in ("content:detail", "content:edit", "content:review", "content:file"):
        assert client.get(reverse(name, args=[draft.pk])).status_code == 404, name
    assert client.post(reverse("content:submit", args=[draft.pk])).status_code == 404
    assert client.get(reverse("content:detail", args=[approved.pk])).status_code == 200
    # The approved item is shared, not theirs: no editing it.
    assert client.get(reverse("content:edit", args=[approved.pk])).status_code == 404
    assert client.get(reverse("content:queue")).status_code == 404


def test_new_with_upload_then_submit(client, author):
    client.force_login(author)
    topic = Topic.objects.filter(reform_number=6).first()
    response = client.post(
        reverse("content:new"),
        {
            "kind": "leaflet",
            "title": "Tờ rơi: hạn chế rút BHXH một lần",
            "unit": Unit.objects.get(code=UNIT).pk,
            "topics": [topic.pk],
            "summary": "",
            "body": "",
            "link": "",
            "note": "bản đầu",
            "upload": pdf(),
        },
    )
    item = ContentItem.objects.get()
    assert response.status_code == 302 and response.url == reverse("content:detail", args=[item.pk])
    assert item.file_name == "to-roi.pdf" and item.status == "draft"
    detail = client.get(item.get_absolute_url())
    assert "to-roi.pdf" in detail.content.decode() and b'id="submit-review"' in detail.content
    file_response = client.get(reverse("content:file", args=[item.pk]))
    assert file_response.status_code == 200 and b"".join(file_response.streaming_content).startswith(b"%PDF")
    client.post(reverse("content:submit", args=[item.pk]))
    item.refresh_from_db()
    assert item.status == "in_review"


def test_bad_upload_shows_error_under_the_file_field(client, author):
    client.force_login(author)
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        reverse("content:new"),
        {
            "kind": "leaflet",
            "title": "Tờ rơi",
            "unit": Unit.objects.get(code=UNIT).pk,
            "upload": SimpleUploadedFile("to-roi.pdf", b"not a pdf at all"),
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["upload"] and not response.context["form"].non_field_errors()
    assert not ContentItem.objects.exists()


def test_author_has_no_approve_button_and_post_is_refused(client, default_data, make_user):
    coordinator = make_user(Role.COORDINATOR, "hn-ldtbxh")
    item = make_item(coordinator)
    from lantoa.content import services

    services.content_submit(actor=coordinator, item=item)
    client.force_login(coordinator)
    page = client.get(reverse("content:review", args=[item.pk]))
    assert b'id="approve"' not in page.content
    response = client.post(reverse("content:review", args=[item.pk]), {"decision": "approve"})
    assert response.status_code == 200 and response.context["error"]
    item.refresh_from_db()
    assert item.status == "in_review"
    assert list(client.get(reverse("content:queue")).context["items"]) == []


def test_reviewer_queue_approve_and_reject(client, author, reviewer):
    from lantoa.content import services

    first = make_item(author, title="Một")
    second = make_item(author, title="Hai")
    for item in (first, second):
        services.content_submit(actor=author, item=item)
    client.force_login(reviewer)
    queue = client.get(reverse("content:queue"))
    assert [c.title for c in queue.context["items"]] == ["Một", "Hai"]
    assert b'id="approve"' in client.get(reverse("content:review", args=[first.pk])).content
    response = client.post(reverse("content:review", args=[first.pk]), {"decision": "approve"})
    assert response.status_code == 302
    response = client.post(reverse("content:review", args=[second.pk]), {"decision": "reject", "reason": ""})
    assert response.status_code == 200 and response.context["form"].errors["reason"]
    client.post(reverse("content:review", args=[second.pk]), {"decision": "reject", "reason": "Số liệu cũ"})
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status, second.reason) == ("approved", "rejected", "Số liệu cũ")
    client.force_login(author)
    html = client.get(second.get_absolute_url()).content.decode()
    assert "Số liệu cũ" in html


def test_editing_approved_says_back_to_draft(client, author, reviewer):
    item = approved_item(author, reviewer)
    client.force_login(author)
    response = client.post(
        reverse("content:edit", args=[item.pk]),
        {"kind": "leaflet", "title": item.title, "unit": item.unit_id, "body": "Văn bản sửa"},
        follow=True,
    )
    item.refresh_from_db()
    assert item.status == "draft" and item.version_number == 2
    assert any(m.level_tag == "warning" for m in response.context["messages"])


def test_activity_form_offers_approved_content_and_page_links(client, author, reviewer, in_2023):
    approved = approved_item(author, reviewer, title="Tờ rơi đã duyệt")
    make_item(author, title="Bản nháp chưa duyệt")
    client.force_login(reviewer)
    form = client.get(reverse("activities:new")).context["form"]
    assert list(form.fields["content_used"].queryset) == [approved]
    activity = Activity.objects.create(
        title="Hội nghị",
        kind="conference",
        channel="direct",
        start_date=dt.date(2023, 6, 1),
        organiser=Unit.objects.get(code="hn-bhxh"),
        area=current_commune("Xã Long Khánh"),
    )
    activity.content_used.set([approved])
    page = client.get(activity.get_absolute_url()).content.decode()
    assert reverse("content:list") + f"?activity={activity.pk}" in page
    listed = client.get(reverse("content:list"), {"activity": activity.pk})
    assert [c.pk for c in listed.context["page"]] == [approved.pk]
    detail = client.get(approved.get_absolute_url())
    assert detail.context["used"]["activity_count"] == 1


def test_radio_form_saves_content_used(client, reviewer, author):
    approved = approved_item(author, reviewer, title="Kịch bản loa", kind="radio_script")
    client.force_login(reviewer)
    commune = current_commune("Xã Long Khánh")
    response = client.post(
        reverse("radio:new"),
        {
            "commune": commune.pk,
            "aired_on": "02/01/2026",
            "aired_at": "06:30",
            "duration_minutes": "10",
            "title": "Phát kịch bản loa",
            "unit": Unit.objects.get(code=UNIT).pk,
            "content_used": [approved.pk],
            "voluntary_set": "1",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    assert list(Broadcast.objects.get().content_used.all()) == [approved]


def test_sms_template_links_library_item(client, author, reviewer):
    sms = approved_item(author, reviewer, title="Mẫu SMS nhắc đóng", kind="sms", body="Kính gửi {ho_ten}")
    client.force_login(author)
    form = client.get(reverse("messaging:template_new")).context["form"]
    assert list(form.fields["content"].queryset) == [sms]
    response = client.post(
        reverse("messaging:template_new"),
        {
            "name": "Nhắc đóng",
            "unit": Unit.objects.get(code=UNIT).pk,
            "channel": "sms",
            "body": "Kính gửi {ho_ten}",
            "content": sms.pk,
        },
    )
    assert response.status_code == 302
    template = Template.objects.get()
    assert template.content == sms
    assert "Mẫu SMS nhắc đóng" in client.get(reverse("messaging:templates")).content.decode()
    assert client.get(sms.get_absolute_url()).context["used"]["templates"].get() == template
