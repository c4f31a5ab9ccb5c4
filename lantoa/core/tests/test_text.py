"""Vietnamese text helpers: NFC, search keys, phone numbers, dates and numbers."""

import datetime as dt
import re
import unicodedata
from decimal import Decimal

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from lantoa.core.text import (
    PhoneError,
    format_date,
    format_number,
    format_vnd,
    mask_phone,
    nfc,
    normalize_phone,
    parse_date,
    search_key,
)


@pytest.fixture(autouse=True, scope="module")
def vietnamese():
    """Messages are checked in Vietnamese, whatever language an earlier test left active."""
    with translation.override("vi"):
        yield


VIETNAMESE_LETTERS = "aàáảãạăằắẳẵặâầấẩẫậbcdđeèéẻẽẹêềếểễệghiìíỉĩịklmnoòóỏõọôồốổỗộơờớởỡợpqrstuùúủũụưừứửữựvxyỳýỷỹỵ"


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


# --- nfc ---------------------------------------------------------------------------------------------


def test_nfc_turns_nfd_input_into_nfc():
    decomposed = nfd("Hồng Ngự")
    assert decomposed != "Hồng Ngự"  # the input really is decomposed
    assert len(decomposed) > len("Hồng Ngự")
    result = nfc(decomposed)
    assert result == "Hồng Ngự"
    assert unicodedata.is_normalized("NFC", result)


def test_nfc_strips_and_handles_none_and_non_strings():
    assert nfc("  Thường Lạc \n") == "Thường Lạc"
    assert nfc(None) == ""
    assert nfc(29980) == "29980"


@given(st.text())
def test_nfc_of_nfd_equals_nfc(text):
    assert nfc(nfd(text)) == nfc(text)
    assert unicodedata.is_normalized("NFC", nfc(text))


# --- search_key --------------------------------------------------------------------------------------


def test_search_key_removes_accents():
    assert search_key("Hồng Ngự") == "hong ngu"
    assert search_key("hong ngu") == search_key("Hồng Ngự")


def test_search_key_same_for_nfd_input():
    assert search_key(nfd("Xã Long Phú Thuận")) == "xa long phu thuan"


@pytest.mark.parametrize("text", ["Đồng Tháp", "đồng tháp", "ĐỒNG THÁP", "Dong Thap"])
def test_search_key_maps_d_with_stroke_to_d(text):
    assert search_key(text) == "dong thap"


def test_search_key_case_spaces_and_punctuation():
    assert search_key("  XÃ   LONG\tKHÁNH  A ") == "xa long khanh a"
    assert search_key("Tên ấp/khóm") == "ten ap khom"
    assert search_key("Xã, phường, thị trấn") == "xa phuong thi tran"
    assert search_key("Ấp 3 (cũ)") == "ap 3 cu"
    assert search_key("") == ""
    assert search_key(None) == ""


def test_search_key_keeps_distinct_names_distinct():
    assert search_key("Xã Long Khánh A") != search_key("Xã Long Khánh B")
    assert search_key("Phú Thuận") != search_key("Phú Thuận B")


@given(st.text())
def test_search_key_is_idempotent_and_ascii(text):
    key = search_key(text)
    assert search_key(key) == key
    assert key.isascii()
    assert re.fullmatch(r"(?:[a-z0-9]+(?: [a-z0-9]+)*)?", key), key


@given(st.text(alphabet=VIETNAMESE_LETTERS + " ", max_size=40))
def test_search_key_ignores_case_and_normal_form_of_vietnamese_text(text):
    key = search_key(text)
    assert search_key(text.upper()) == key
    assert search_key(nfd(text)) == key
    # Every Vietnamese letter has an ASCII base letter: nothing is dropped.
    assert len(key.replace(" ", "")) == len(text.replace(" ", ""))


# --- phone numbers -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "0912 345 678",
        "0912345678",
        "912345678",  # Excel dropped the leading zero
        "+84912345678",
        "84 912 345 678",
        "0912.345.678",
        "0912-345-678",
        "(091) 234-5678",
        nfd(" 0912 345 678 "),
    ],
)
def test_normalize_phone_mobile(raw):
    assert normalize_phone(raw) == "+84912345678"


def test_normalize_phone_other_mobile_prefixes():
    assert normalize_phone("0388 123 456") == "+84388123456"
    assert normalize_phone("388123456") == "+84388123456"
    assert normalize_phone("0703 123 456") == "+84703123456"


def test_normalize_phone_landline():
    # Đồng Tháp landlines: area code 0277.
    assert normalize_phone("02773 123 456") == "+842773123456"
    assert normalize_phone("0277 3123456") == "+842773123456"


@pytest.mark.parametrize("raw", ["123", "abc", "", "   ", None, "0123", "091234567", "09123456789012"])
def test_normalize_phone_rejects_invalid_with_vietnamese_message(raw):
    with pytest.raises(PhoneError) as info:
        normalize_phone(raw)
    message = str(info.value)
    assert "Số điện thoại" in message or "số điện thoại" in message


def test_normalize_phone_messages_quote_the_input():
    with pytest.raises(PhoneError, match="“abc” không phải là số điện thoại"):
        normalize_phone("abc")
    with pytest.raises(PhoneError, match="“123” không phải là số điện thoại Việt Nam hợp lệ"):
        normalize_phone("123")
    with pytest.raises(PhoneError, match="^Số điện thoại trống$"):
        normalize_phone("")


def test_normalize_phone_rejects_foreign_number():
    # The contract is a Vietnamese number in E.164 "+84…"; the error text says "số điện thoại Việt Nam".
    with pytest.raises(PhoneError):
        normalize_phone("+1 202 555 0100")


def test_phone_error_is_value_error():
    assert issubclass(PhoneError, ValueError)


def test_mask_phone():
    assert mask_phone("+84912345678") == "091****678"
    assert mask_phone("+842773123456") == "027*****456"
    assert mask_phone("") == ""
    assert mask_phone("+8412") == "***"


@given(st.from_regex(r"0[35789][0-9]{8}", fullmatch=True))
def test_mask_phone_hides_the_middle_of_any_mobile(number):
    masked = mask_phone("+84" + number[1:])
    assert len(masked) == len(number)
    assert masked[:3] == number[:3]
    assert masked[-3:] == number[-3:]
    assert masked[3:-3] == "*" * (len(number) - 6)


# --- dates -------------------------------------------------------------------------------------------


def test_format_date():
    assert format_date(dt.date(2023, 3, 5)) == "05/03/2023"
    assert format_date(dt.datetime(2025, 7, 1, 14, 30)) == "01/07/2025"
    assert format_date(None) == ""


@pytest.mark.parametrize("text", ["5/3/2023", "05/03/2023", "05-03-2023", "5.3.2023", "2023-03-05", " 05/03/2023 "])
def test_parse_date_accepts_common_forms(text):
    assert parse_date(text) == dt.date(2023, 3, 5)


def test_parse_date_is_day_first():
    assert parse_date("01/07/2025") == dt.date(2025, 7, 1)
    assert parse_date("29/02/2024") == dt.date(2024, 2, 29)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("31/02/2023", "“31/02/2023” không phải một ngày có thật"),
        ("29/02/2023", "không phải một ngày có thật"),
        ("2023-13-01", "không phải một ngày có thật"),
        ("abc", "“abc” không phải ngày dạng dd/mm/yyyy"),
        ("", "không phải ngày dạng dd/mm/yyyy"),
        ("05/03/23", "không phải ngày dạng dd/mm/yyyy"),
    ],
)
def test_parse_date_rejects_with_vietnamese_message(text, message):
    with pytest.raises(ValueError) as info:
        parse_date(text)
    assert message in str(info.value)


@given(st.dates(min_value=dt.date(1000, 1, 1), max_value=dt.date(9999, 12, 31)))
def test_parse_date_round_trips_format_date(day):
    assert parse_date(format_date(day)) == day
    assert parse_date(day.isoformat()) == day


# --- numbers and money -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (1234567, 0, "1.234.567"),
        (-1234567, 0, "-1.234.567"),
        (0, 0, "0"),
        (999, 0, "999"),
        (1000, 0, "1.000"),
        (1234.5, 1, "1.234,5"),
        (-1234.5, 1, "-1.234,5"),
        (Decimal("1234567.891"), 2, "1.234.567,89"),
        (Decimal("12"), 2, "12,00"),
        (1234.6, 0, "1.235"),
    ],
)
def test_format_number(value, decimals, expected):
    assert format_number(value, decimals) == expected


def test_format_number_none():
    assert format_number(None) == ""
    assert format_vnd(None) == ""


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_format_number_groups_thousands_for_any_integer(n):
    text = format_number(n)
    assert re.fullmatch(r"-?\d{1,3}(?:\.\d{3})*", text), text
    assert int(text.replace(".", "")) == n


def test_format_vnd():
    assert format_vnd(1234567) == "1.234.567 đ"
    assert format_vnd(0) == "0 đ"
    assert format_vnd(Decimal("-50000")) == "-50.000 đ"
