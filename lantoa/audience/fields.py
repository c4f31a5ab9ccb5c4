"""Cleaning one value of a person's record, the same for the form, the service and the import.

Each cleaner takes the text as typed or as it came out of a spreadsheet and returns the stored value,
or raises `FieldError` with a Vietnamese message that names the problem (the caller adds the row and
column). Excel damage is repaired where it is unambiguous: a CCCD or phone that lost its leading zero,
a date cell, stray spaces.
"""

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from lantoa.audience.models import InsuranceStatus, PaymentMode, Sex
from lantoa.core import clock
from lantoa.core.text import PhoneError, nfc, normalize_phone, parse_date, search_key

MAX_TEXT = 300
OLDEST_BIRTH_YEAR = 1900


class FieldError(ValueError):
    pass


def _digits(value: str) -> str:
    text = nfc(value)
    # "079.123.456.789", "079 123 456 789", a float cell "79123456789.0"
    if re.fullmatch(r"\d+\.0", text):
        text = text[:-2]
    return re.sub(r"[\s.\-']", "", text)


def clean_text(value, *, max_length: int = MAX_TEXT, required: bool = False, label: str = "") -> str:
    text = re.sub(r"\s+", " ", nfc(value))
    if required and not text:
        raise FieldError(_("must not be empty"))
    if len(text) > max_length:
        raise FieldError(_("is too long (%(n)s characters, at most %(max)s)") % {"n": len(text), "max": max_length})
    if text.startswith("="):
        raise FieldError(_("is a formula, not a value: copy the values (Paste Special → Values) and try again"))
    return text


def clean_name(value) -> str:
    name = clean_text(value, max_length=150, required=True)
    if any(ch.isdigit() for ch in name):
        raise FieldError(_("a name does not contain digits"))
    return name


def clean_cccd(value) -> str:
    """12 digits. Excel drops the leading zero of every CCCD (they start with the province code 0xx)."""
    digits = _digits(value)
    if not digits:
        return ""
    if not digits.isdecimal():
        raise FieldError(_("must have 12 digits"))
    if len(digits) == 11:
        digits = "0" + digits
    if len(digits) != 12:
        raise FieldError(_("must have 12 digits"))
    return digits


def clean_bhxh(value) -> str:
    """10 digits; a number that lost its leading zeros is padded."""
    digits = _digits(value)
    if not digits:
        return ""
    if not digits.isdecimal() or not 8 <= len(digits) <= 10:
        raise FieldError(_("must have 10 digits"))
    return digits.zfill(10)


def clean_phone(value) -> str:
    text = nfc(value)
    if not text:
        return ""
    try:
        return normalize_phone(text)
    except PhoneError as exc:
        raise FieldError(str(exc)) from None


def clean_birth(value, *, today: dt.date | None = None) -> tuple[dt.date | None, int | None]:
    """(birth date, birth year). A bare year ("1985") is accepted: many lists have only the year."""
    text = nfc(value)
    if not text:
        return None, None
    today = today or clock.today()
    if re.fullmatch(r"\d{4}(\.0)?", text):
        year = int(text[:4])
        date = None
    else:
        try:
            date = parse_date(text)
        except ValueError as exc:
            raise FieldError(str(exc)) from None
        year = date.year
    if date and date > today or year > today.year:
        raise FieldError(_("the date of birth is in the future"))
    if year < OLDEST_BIRTH_YEAR:
        raise FieldError(_("the year of birth is too early"))
    return date, year


def clean_date(value) -> dt.date | None:
    text = nfc(value)
    if not text:
        return None
    try:
        return parse_date(text)
    except ValueError as exc:
        raise FieldError(str(exc)) from None


_SEX = {
    "nam": Sex.MALE,
    "m": Sex.MALE,
    "male": Sex.MALE,
    "nu": Sex.FEMALE,
    "f": Sex.FEMALE,
    "female": Sex.FEMALE,
}


def clean_sex(value) -> str:
    key = search_key(value)
    if not key:
        return ""
    if key not in _SEX:
        raise FieldError(_("write Nam or Nữ"))
    return _SEX[key]


_STATUS = {
    "": InsuranceStatus.NONE,
    "khong": InsuranceStatus.NONE,
    "chua tham gia": InsuranceStatus.NONE,
    "chua": InsuranceStatus.NONE,
    "tu nguyen": InsuranceStatus.VOLUNTARY,
    "bhxh tu nguyen": InsuranceStatus.VOLUNTARY,
    "tn": InsuranceStatus.VOLUNTARY,
    "bat buoc": InsuranceStatus.COMPULSORY,
    "bhxh bat buoc": InsuranceStatus.COMPULSORY,
    "bb": InsuranceStatus.COMPULSORY,
    "tam dung": InsuranceStatus.PAUSED,
    "dung dong": InsuranceStatus.PAUSED,
    "bao luu": InsuranceStatus.PAUSED,
    "huu": InsuranceStatus.PENSION,
    "nghi huu": InsuranceStatus.PENSION,
    "huong luong huu": InsuranceStatus.PENSION,
}
_STATUS.update({s.value: s for s in InsuranceStatus})


def clean_status(value) -> str:
    key = search_key(value)
    if key not in _STATUS:
        raise FieldError(_("write one of: chưa tham gia, tự nguyện, bắt buộc, tạm dừng, hưu"))
    return _STATUS[key]


_MODES = {
    "hang thang": PaymentMode.MONTHLY,
    "1 thang": PaymentMode.MONTHLY,
    "thang": PaymentMode.MONTHLY,
    "1": PaymentMode.MONTHLY,
    "3 thang": PaymentMode.QUARTERLY,
    "quy": PaymentMode.QUARTERLY,
    "3": PaymentMode.QUARTERLY,
    "6 thang": PaymentMode.HALF_YEARLY,
    "6": PaymentMode.HALF_YEARLY,
    "12 thang": PaymentMode.YEARLY,
    "nam": PaymentMode.YEARLY,
    "hang nam": PaymentMode.YEARLY,
    "12": PaymentMode.YEARLY,
    "nhieu nam": PaymentMode.YEARS_AHEAD,
    "dong mot lan cho nhieu nam ve sau": PaymentMode.YEARS_AHEAD,
    "mot lan": PaymentMode.LUMP_SUM,
    "dong mot lan cho nhung nam con thieu": PaymentMode.LUMP_SUM,
}
_MODES.update({m.value: m for m in PaymentMode})


def clean_payment_mode(value) -> str:
    key = search_key(value)
    if not key:
        return ""
    if key not in _MODES:
        raise FieldError(_("write 1, 3, 6 or 12 tháng, nhiều năm or một lần"))
    return _MODES[key]


def clean_money(value) -> Decimal | None:
    text = nfc(value).replace(" ", "").replace("đ", "").replace("VND", "")
    if not text:
        return None
    # 1.500.000 or 1,500,000 (thousands) — never decimals for VND.
    text = re.sub(r"[.,](?=\d{3}(\D|$))", "", text)
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise FieldError(_("“%(value)s” is not an amount") % {"value": nfc(value)}) from None
    if not amount.is_finite() or "e" in text.lower() or abs(amount) >= Decimal(10) ** 15:
        # "1e308", "Infinity": not how an office writes đồng, and beyond any column that stores it.
        raise FieldError(_("“%(value)s” is not an amount") % {"value": nfc(value)})
    if amount < 0:
        raise FieldError(_("must not be negative"))
    return amount.quantize(Decimal(1))


def clean_count(value) -> int | None:
    text = _digits(value)
    if not text:
        return None
    if not text.isdecimal():
        raise FieldError(_("“%(value)s” is not a whole number") % {"value": nfc(value)})
    return int(text)


def clean_tax_code(value) -> str:
    """10 digits, or 10 + "-" + 3 for a branch."""
    text = nfc(value).replace(" ", "")
    if not text:
        return ""
    if re.fullmatch(r"\d{9}", text):
        text = "0" + text
    if not re.fullmatch(r"\d{10}(-\d{3})?", text):
        raise FieldError(_("a tax code has 10 digits (or 10-3 for a branch)"))
    return text
