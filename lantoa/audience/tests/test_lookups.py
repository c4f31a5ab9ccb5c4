"""Names as offices type them, matched to units, forms, target groups and topics — or refused, never guessed."""

import pytest

from lantoa.audience.lookups import match_group, match_kind, match_topics, match_unit
from lantoa.orgs.models import Unit

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("BHXH huyện", "hn-bhxh"),
        ("Hội LHPN huyện", "hn-hoiphunu"),
        ("Đoàn TN huyện", "hn-doanthanhnien"),
        ("Huyện Đoàn", "hn-doanthanhnien"),
        ("Phòng LĐ-TB&XH", "hn-ldtbxh"),
        ("hoi nong dan huyen", "hn-hoinongdan"),
        ("UBND Long Khánh A", "hn-ubnd-long-khanh-a"),
    ],
)
def test_units_by_the_names_offices_use(default_data, text, code):
    unit, why = match_unit(text, Unit.objects.all())
    assert (unit.code if unit else why) == code


def test_an_unknown_or_ambiguous_unit_is_not_guessed(default_data):
    assert match_unit("Hội ABC", Unit.objects.all()) == (None, "unknown")
    assert match_unit("Hội", Unit.objects.all()) == (None, "ambiguous")


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Hội nghị đối thoại tại doanh nghiệp", "dialogue"),
        ("Phát tờ rơi", "visual"),
        ("Tập huấn cộng tác viên", "training"),
        ("Tư vấn nhóm nhỏ", "small_group"),
        ("HỘI NGHỊ TUYÊN TRUYỀN TẠI CƠ SỞ", "conference"),
        ("Hội nghị đối thoại tại DN Sa Rài", "dialogue"),
        ("Múa lân", None),
    ],
)
def test_forms_of_activity(text, kind):
    assert match_kind(text) == kind


def test_groups_and_topics(default_data):
    assert match_group("Người lao động, người sử dụng lao động").code == "nld-nsdld"
    assert match_group("Lao động tự do").code == "tn-4"
    assert match_group("Người ngoài hành tinh") is None
    topics, unknown = match_topics("Chính sách BHXH tự nguyện; NQ 28-NQ/TW; Múa lân")
    assert [t.code for t in topics] == ["bhxh-tu-nguyen", "cai-cach-1"]
    assert topics[0].reform_number is None  # the voluntary topic, not a reform content
    assert unknown == ["Múa lân"]
