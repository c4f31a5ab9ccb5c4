"""TCVN3 (ABC) and VNI-Windows text back to Unicode: round trips, detection, and never touching ASCII."""

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from lantoa.audience.imports import legacy_text as lt

LOWER = "aăâbcdđeêghiklmnoôơpqrstuưvxy"
TONED = "àáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ"
VIETNAMESE_LOWER = LOWER + TONED
UPPER = unicodedata.normalize("NFC", VIETNAMESE_LOWER.upper())

SYLLABLES = st.sampled_from(
    [
        "Nguyễn",
        "Trần",
        "Lê",
        "Phạm",
        "Hoàng",
        "Huỳnh",
        "Võ",
        "Đặng",
        "Bùi",
        "Đỗ",
        "Hồ",
        "Ngô",
        "Dương",
        "Văn",
        "Thị",
        "Hữu",
        "Ngọc",
        "Minh",
        "Thành",
        "Hương",
        "Phương",
        "Hạnh",
        "Khánh",
        "Lộc",
        "Phúc",
        "Ánh",
        "Ấp",
        "Xã",
        "Phường",
        "Thạnh",
        "Lạc",
        "Ngự",
        "Thường",
        "Tiến",
        "Đức",
        "Hưng",
        "Mỹ",
        "Quốc",
        "Việt",
        "Yến",
        "Nghĩa",
    ]
)


def test_known_texts():
    assert lt.decode("NguyÔn V¨n A", lt.TCVN3) == "Nguyễn Văn A"
    assert lt.decode("Nguyeãn Vaên A", lt.VNI) == "Nguyễn Văn A"
    assert lt.decode("B¶o Th¾ng", lt.TCVN3) == "Bảo Thắng"
    assert lt.decode("Xin chaøo caùc baïn", lt.VNI) == "Xin chào các bạn"
    assert lt.decode("NGUYÔN V¡N §øC", lt.TCVN3) == "NGUYỄN VĂN ĐỨC"  # .VnTimeH capitals
    assert lt.detect("NguyÔn V¨n A") == lt.TCVN3
    assert lt.detect("Nguyeãn Vaên A") == lt.VNI
    assert lt.detect("Leâ Thò Hoa") == lt.VNI
    assert lt.detect("Hồng Ngự") is None and lt.detect("Tô Hà") is None


def test_unicode_text_is_never_converted():
    for text in ("Nguyễn Văn Ánh", "Ấp Long Thạnh", "Trần Thị Ngọc"):
        assert lt.decode(text, lt.TCVN3) == text and lt.decode(text, lt.VNI) == text


def test_a_file_mostly_in_unicode_is_left_alone():
    texts = ["Nguyễn Văn A", "Trần Thị B", "Lê Văn C", "Phạm Thị D", "Hồ Văn E", "NguyÔn V¨n F"]
    assert lt.detect_many(texts) is None
    assert lt.detect_many(["NguyÔn V¨n A", "TrÇn ThÞ B", "Nữ"]) == lt.TCVN3


@given(st.text(st.characters(codec="ascii")))
def test_ascii_is_never_taken_for_legacy_text(text):
    assert lt.detect(text) is None
    assert lt.decode(text, lt.TCVN3) == text and lt.decode(text, lt.VNI) == text
    assert lt.detect_many([text, text]) is None


@given(st.text(alphabet=VIETNAMESE_LOWER + UPPER + " 0123456789-,.", max_size=60))
def test_vni_round_trips(text):
    text = unicodedata.normalize("NFC", text)
    assert lt.decode(lt.encode(text, lt.VNI), lt.VNI) == text


@given(st.text(alphabet=VIETNAMESE_LOWER + " 0123456789-,.", max_size=60))
def test_tcvn3_round_trips_lower_case_text(text):
    # TCVN3 has no code for an upper-case letter with a tone (“à” and “À” are one byte in two fonts), so
    # "à Ă" is truly ambiguous: upper-case letters are in the title-case and capitals tests.
    text = unicodedata.normalize("NFC", text)
    assert lt.decode(lt.encode(text, lt.TCVN3), lt.TCVN3) == text


@given(st.lists(SYLLABLES, min_size=2, max_size=5))
def test_names_round_trip_and_are_detected(words):
    # TCVN3 cannot tell "ÁNH" from "Ánh" from "ánh" on its own: a name with one plain word (as every
    # family name of two plain letters or more) settles it.
    name = " ".join(["Trần", *words])
    for encoding in lt.ENCODINGS:
        encoded = lt.encode(name, encoding)
        assert lt.decode(encoded, encoding) == name
        assert lt.detect(encoded) in (encoding, None)
        capitals = lt.encode(name.upper(), encoding)
        assert lt.decode(capitals, encoding) == name.upper()
    # A name with a letter only legacy fonts spell oddly is detected as what it is.
    if any(ch in "ăđơưĂĐƠƯ" or unicodedata.normalize("NFD", ch) != ch for ch in name):
        assert lt.detect_many([lt.encode(name, lt.VNI)] * 3) in (lt.VNI, None)


@given(st.text(alphabet=VIETNAMESE_LOWER + UPPER + " ", max_size=40))
def test_decoding_always_gives_nfc(text):
    for encoding in lt.ENCODINGS:
        out = lt.decode(lt.encode(text, encoding), encoding)
        assert unicodedata.is_normalized("NFC", out)
