"""One intake for every channel: validated, routed to the commune's committee, clocked, audited."""

import datetime as dt
import unicodedata

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from conftest import current_commune
from lantoa.core.models import AuditLog
from lantoa.feedback.models import Event, IntakeChannel, Item, Kind, Status
from lantoa.feedback.services import feedback_intake_create, item_lookup

pytestmark = pytest.mark.django_db


def test_officer_records_a_question(officer_long_khanh):
    commune = current_commune("Xã Long Khánh")
    item = feedback_intake_create(
        actor=officer_long_khanh,
        channel=IntakeChannel.CONFERENCE,
        text=unicodedata.normalize("NFD", " Đóng BHXH tự nguyện bao lâu thì được hưởng lương hưu? "),
        area=commune,
        asker_name="Nguyễn Văn Ba",
        asker_phone="0912 345 678",
        received_on=dt.date(2026, 12, 7),  # a Monday
    )
    item.refresh_from_db()
    assert item.text == "Đóng BHXH tự nguyện bao lâu thì được hưởng lương hưu?"
    assert item.unit.code == "dt-ubnd-long-khanh"  # routed to the commune's committee
    assert item.asker_phone == "+84912345678"
    assert item.status == Status.NEW and len(item.code) == 8
    assert item.due_on == dt.date(2026, 12, 21)  # 10 working days
    assert Event.objects.filter(item=item, to_status=Status.NEW).count() == 1
    entry = AuditLog.objects.get(target_type="feedback.item", target_id=str(item.pk))
    assert entry.verb == "feedback_intake_create" and entry.actor == officer_long_khanh
    assert item_lookup(code=item.code.lower(), phone="0912345678") == item
    assert item_lookup(code=item.code, phone="0987654321") is None


def test_public_form_anonymous_keeps_no_contact(default_data):
    item = feedback_intake_create(
        actor=None,
        channel=IntakeChannel.PUBLIC_FORM,
        kind=Kind.PETITION,
        text="Tin đồn trên Facebook nói BHXH sắp vỡ quỹ",
        area=current_commune("Xã Long Khánh"),
        anonymous=True,
        asker_name="Ai đó",
        asker_phone="0912345678",
    )
    assert item.anonymous and item.asker_name == "" and item.asker_phone == ""


@pytest.mark.parametrize(
    "kwargs, field, words",
    [
        ({"text": "   "}, "text", "Nhập nội dung"),
        ({"text": "x" * 50_000}, "text", "50.000"),
        ({"asker_phone": "12345"}, "asker_phone", "số điện thoại"),
        ({"kind": Kind.DENUNCIATION, "anonymous": True}, "anonymous", "tố cáo"),
        ({"received_on": dt.date(2026, 12, 8)}, "received_on", "chưa đến"),
    ],
)
def test_bad_input_names_the_field_and_saves_nothing(officer_long_khanh, kwargs, field, words):
    from django.utils import translation

    args = {
        "actor": officer_long_khanh,
        "channel": IntakeChannel.HOTLINE,
        "text": "Câu hỏi",
        "area": current_commune("Xã Long Khánh"),
        **kwargs,
    }
    with translation.override("vi"), pytest.raises(ValidationError) as caught:
        feedback_intake_create(**args)
    assert field in caught.value.message_dict
    assert words.lower() in " ".join(caught.value.message_dict[field]).lower()
    assert not Item.objects.exists()


def test_officer_of_another_commune_is_refused(officer_thuong_lac):
    with pytest.raises(ValidationError) as caught:
        feedback_intake_create(
            actor=officer_thuong_lac,
            channel=IntakeChannel.HOTLINE,
            text="Câu hỏi",
            area=current_commune("Xã Long Khánh"),
        )
    assert "unit" in caught.value.message_dict
    assert not Item.objects.exists()


def test_attachment_type_checked(officer_long_khanh):
    bad = SimpleUploadedFile("x.exe", b"MZ", content_type="application/x-msdownload")
    with pytest.raises(ValidationError) as caught:
        feedback_intake_create(
            actor=officer_long_khanh,
            channel=IntakeChannel.VISIT,
            text="Có ảnh",
            area=current_commune("Xã Long Khánh"),
            attachments=[bad],
        )
    assert "attachments" in caught.value.message_dict
    good = SimpleUploadedFile("a.png", b"\x89PNG....", content_type="image/png")
    item = feedback_intake_create(
        actor=officer_long_khanh,
        channel=IntakeChannel.VISIT,
        text="Có ảnh",
        area=current_commune("Xã Long Khánh"),
        attachments=[good],
    )
    assert item.attachments.get().original_name == "a.png"
