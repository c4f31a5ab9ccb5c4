"""The library's writes: versions, review states, who may decide, files checked by their content."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from lantoa.accounts.roles import Role
from lantoa.content import services
from lantoa.content.models import ContentItem, ContentReview, ContentVersion
from lantoa.content.tests.conftest import UNIT, approved_item, make_item, pdf, zipped
from lantoa.core.models import AuditLog
from lantoa.orgs.models import Unit
from lantoa.taxonomy.models import Topic

pytestmark = pytest.mark.django_db


def test_create_makes_version_one_as_draft(author):
    reform = Topic.objects.filter(reform_number=1).first()
    item = ContentItem(
        kind=ContentItem.Kind.LEAFLET, title="  Tờ rơi   lương hưu ", unit=Unit.objects.get(code=UNIT), body="Nội dung"
    )
    result = services.content_save(actor=author, item=item, topics=[reform], upload=pdf(), note="bản đầu")
    item = result.item
    assert result.new_version and not result.back_to_draft
    assert item.title == "Tờ rơi lương hưu"
    assert item.status == ContentItem.Status.DRAFT and item.author == author and item.version_number == 1
    assert item.file_name == "to-roi.pdf" and item.file.read().startswith(b"%PDF")
    v = item.versions.get()
    assert (v.number, v.note, v.created_by, v.body) == (1, "bản đầu", author, "Nội dung")
    assert list(item.topics.all()) == [reform]
    assert AuditLog.objects.filter(verb="content_save", target_id=str(item.pk)).count() == 1
    assert "luong huu" in item.search_key


def test_new_version_only_when_file_text_or_link_changes(author):
    item = make_item(author)
    item.summary = "Tóm tắt mới"  # not a content change
    assert not services.content_save(actor=author, item=item).new_version
    item.body = "Văn bản mới"
    assert services.content_save(actor=author, item=item).new_version
    services.content_save(actor=author, item=item, upload=pdf("ban-2.pdf"))
    item.refresh_from_db()
    assert item.version_number == 3
    assert list(item.versions.values_list("number", flat=True)) == [3, 2, 1]
    assert item.versions.get(number=3).file_name == "ban-2.pdf"
    assert item.versions.get(number=2).body == "Văn bản mới"


def test_submit_approve_and_review_history(author, reviewer):
    item = make_item(author)
    item = services.content_submit(actor=author, item=item)
    assert item.status == ContentItem.Status.IN_REVIEW and item.submitted_at
    item = services.content_approve(actor=reviewer, item=item)
    assert item.status == ContentItem.Status.APPROVED
    assert item.reviewer == reviewer and item.approved_at and item.reviewed_at
    review = ContentReview.objects.get(item=item)
    assert (review.decision, review.reviewer, review.version.number) == ("approved", reviewer, 1)


def test_author_may_not_approve_own_content_nothing_saved(default_data, make_user):
    # A coordinator is a reviewer, but not of what they wrote.
    coordinator = make_user(Role.COORDINATOR, "hn-ldtbxh")
    item = make_item(coordinator)
    services.content_submit(actor=coordinator, item=item)
    with pytest.raises(ValidationError) as exc:
        services.content_approve(actor=coordinator, item=item)
    assert exc.value.messages  # "You wrote this content: someone else must review it…"
    item.refresh_from_db()
    assert item.status == ContentItem.Status.IN_REVIEW and item.reviewer is None and item.approved_at is None
    assert not ContentReview.objects.exists()
    assert not AuditLog.objects.filter(verb="content_approved").exists()


def test_the_one_who_wrote_the_current_version_may_not_approve_it(author, reviewer, make_user):
    other_reviewer = make_user(Role.INSURANCE, "hn-bhxh")
    item = make_item(author)
    item.body = "Sửa bởi người duyệt"
    services.content_save(actor=reviewer, item=item)  # the coordinator rewrote it
    services.content_submit(actor=author, item=item)
    with pytest.raises(ValidationError):
        services.content_approve(actor=reviewer, item=item)
    assert services.content_approve(actor=other_reviewer, item=item).status == "approved"


def test_only_reviewer_roles_decide(author, make_user):
    colleague = make_user(Role.COMMUNE_OFFICER, UNIT)
    item = make_item(author)
    services.content_submit(actor=author, item=item)
    with pytest.raises(ValidationError):
        services.content_approve(actor=colleague, item=item)
    item.refresh_from_db()
    assert item.status == ContentItem.Status.IN_REVIEW


def test_reject_needs_a_reason_then_resubmit(author, reviewer):
    item = make_item(author)
    services.content_submit(actor=author, item=item)
    with pytest.raises(ValidationError) as exc:
        services.content_reject(actor=reviewer, item=item, reason="  ")
    assert "reason" in exc.value.message_dict
    item.refresh_from_db()
    assert item.status == ContentItem.Status.IN_REVIEW
    item = services.content_reject(actor=reviewer, item=item, reason="Mức đóng đã cũ")
    assert item.status == ContentItem.Status.REJECTED and item.reason == "Mức đóng đã cũ"
    item = services.content_submit(actor=author, item=item)  # rejected → in review again
    assert item.status == ContentItem.Status.IN_REVIEW and item.reason == ""
    assert ContentReview.objects.filter(item=item, decision="rejected", reason="Mức đóng đã cũ").exists()


def test_state_changes_are_conditional(author, reviewer, make_user):
    other = make_user(Role.INSURANCE, "hn-bhxh")
    item = make_item(author)
    services.content_submit(actor=author, item=item)
    stale = ContentItem.objects.get(pk=item.pk)
    services.content_approve(actor=reviewer, item=item)
    with pytest.raises(ValidationError):
        services.content_reject(actor=other, item=stale, reason="muộn")  # the page was loaded before
    with pytest.raises(ValidationError):
        services.content_submit(actor=author, item=stale)
    assert ContentReview.objects.filter(item=item).count() == 1


def test_editing_an_approved_item_puts_it_back_to_draft(author, reviewer):
    item = approved_item(author, reviewer)
    item.body = "Mức đóng mới từ 01/07/2025"
    result = services.content_save(actor=author, item=item)
    assert result.back_to_draft and result.new_version
    item.refresh_from_db()
    assert item.status == ContentItem.Status.DRAFT and item.version_number == 2
    assert item.approved_at is not None  # the earlier approval stays in the history
    # Saving without a change leaves the status alone.
    item = approved_item(author, reviewer, title="Khác")
    assert not services.content_save(actor=author, item=item).back_to_draft
    item.refresh_from_db()
    assert item.status == ContentItem.Status.APPROVED


def test_read_only_and_other_units_may_not_write(author, outsider, make_user):
    leader = make_user(Role.LEADER, "hn-ubnd-huyen")
    with pytest.raises(ValidationError):
        make_item(leader)
    with pytest.raises(ValidationError) as exc:
        make_item(outsider)  # an item of Xã Long Khánh
    assert "unit" in exc.value.message_dict
    assert not ContentItem.objects.exists()


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("gia.pdf", b"MZ\x90\x00 not a pdf"),
        SimpleUploadedFile("virus.exe", b"MZ\x90\x00"),
        SimpleUploadedFile("anh.png", b"\xff\xd8\xff\xe0 a jpeg named png"),
        SimpleUploadedFile("bai.docx", b"PK\x03\x04 broken zip"),
        SimpleUploadedFile("clip.mp4", b"\x00\x00\x00\x18notftyp"),
    ],
    ids=["fake-pdf", "exe", "jpeg-as-png", "broken-docx", "fake-mp4"],
)
def test_bad_files_are_refused_naming_the_field(author, upload):
    item = ContentItem(kind="leaflet", title="Tờ rơi", unit=Unit.objects.get(code=UNIT), body="x")
    with pytest.raises(ValidationError) as exc:
        services.content_save(actor=author, item=item, upload=upload)
    assert "file" in exc.value.message_dict
    assert not ContentItem.objects.exists() and not ContentVersion.objects.exists()


def test_good_files_of_each_kind(author):
    uploads = [
        zipped("bai-viet.docx", "word/document.xml"),
        zipped("trinh-chieu.pptx", "ppt/presentation.xml"),
        SimpleUploadedFile("anh.jpg", b"\xff\xd8\xff\xe0" + b"0" * 20),
        SimpleUploadedFile("anh.PNG", b"\x89PNG\r\n\x1a\n" + b"0" * 20),
        SimpleUploadedFile("clip.mp4", b"\x00\x00\x00\x18ftypmp42" + b"0" * 20),
    ]
    for upload in uploads:
        item = ContentItem(kind="slides", title=upload.name, unit=Unit.objects.get(code=UNIT))
        services.content_save(actor=author, item=item, upload=upload)
    assert ContentItem.objects.count() == 5


@override_settings(CONTENT_MAX_UPLOAD_MB=1)
def test_size_limit_is_configurable(author):
    item = ContentItem(kind="leaflet", title="To", unit=Unit.objects.get(code=UNIT))
    with pytest.raises(ValidationError) as exc:
        services.content_save(actor=author, item=item, upload=pdf(data=b"%PDF" + b"0" * (1024 * 1024 + 1)))
    assert "1 MB" in exc.value.message_dict["file"][0]


def test_submit_needs_something_to_review(author):
    item = make_item(author, body="")
    with pytest.raises(ValidationError) as exc:
        services.content_submit(actor=author, item=item)
    assert "file" in exc.value.message_dict


def test_video_needs_a_link_and_sms_a_text(author):
    with pytest.raises(ValidationError) as exc:
        make_item(author, kind=ContentItem.Kind.VIDEO, body="")
    assert "link" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        make_item(author, kind=ContentItem.Kind.SMS, body="")
    assert "body" in exc.value.message_dict
