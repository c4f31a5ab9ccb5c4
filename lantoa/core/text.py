"""Vietnamese text helpers: normalisation, search keys, phone numbers, dates and money."""

import datetime as dt
import re
import unicodedata
from decimal import Decimal

import phonenumbers
from django.utils.translation import gettext as _
from unidecode import unidecode


def nfc(value: str | None) -> str:
    """NFC form, stripped; Vietnamese typed on different keyboards arrives in NFC or NFD."""
    if value is None:
        return ""
    return unicodedata.normalize("NFC", str(value)).strip()


_SPACES = re.compile(r"\s+")


def search_key(value: str | None) -> str:
    """Accent- and case-insensitive key: 'Hồng Ngự' and 'hong  ngu' give the same 'hong ngu'."""
    text = unicodedata.normalize("NFC", value or "")
    # đ/Đ are letters of their own, not a base letter with a mark: map them before unidecode.
    text = text.replace("đ", "d").replace("Đ", "D")
    text = unidecode(text).lower()
    return _SPACES.sub(" ", re.sub(r"[^a-z0-9 ]", " ", text)).strip()


class PhoneError(ValueError):
    pass


def normalize_phone(value: str | None) -> str:
    """A Vietnamese phone number in E.164 (+84…); raises PhoneError with a Vietnamese message."""
    raw = nfc(value)
    if not raw:
        raise PhoneError(_("The phone number is empty"))
    digits = re.sub(r"[\s.\-()]", "", raw)
    # Excel drops the leading zero of a mobile number: 912345678 → 0912345678.
    if re.fullmatch(r"[35789]\d{8}", digits):
        digits = "0" + digits
    try:
        parsed = phonenumbers.parse(digits, "VN")
    except phonenumbers.NumberParseException:
        raise PhoneError(_("“%(value)s” is not a phone number") % {"value": raw}) from None
    if parsed.country_code != 84 or not phonenumbers.is_valid_number(parsed):
        raise PhoneError(_("“%(value)s” is not a valid Vietnamese phone number") % {"value": raw})
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def mask_phone(e164: str) -> str:
    """+84912345678 → 091****678: enough to recognise, not enough to call."""
    if not e164:
        return ""
    national = "0" + e164[3:] if e164.startswith("+84") else e164
    if len(national) < 7:
        return "*" * len(national)
    return national[:3] + "*" * (len(national) - 6) + national[-3:]


def format_date(value: dt.date | dt.datetime | None) -> str:
    """dd/mm/yyyy, the way every Vietnamese office writes dates."""
    if value is None:
        return ""
    return value.strftime("%d/%m/%Y")


def format_datetime(value: dt.datetime | None) -> str:
    """dd/mm/yyyy hh:mm in local time."""
    if value is None:
        return ""
    from django.utils import timezone

    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.strftime("%d/%m/%Y %H:%M")


def parse_date(value: str) -> dt.date:
    """dd/mm/yyyy (also d/m/yyyy, dd-mm-yyyy, dd.mm.yyyy) or ISO yyyy-mm-dd."""
    text = nfc(value)
    m = re.fullmatch(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})", text)
    if m:
        day, month, year = (int(g) for g in m.groups())
    else:
        m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text)
        if not m:
            raise ValueError(_("“%(value)s” is not a date in dd/mm/yyyy form") % {"value": text})
        year, month, day = (int(g) for g in m.groups())
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ValueError(_("“%(value)s” is not a real date") % {"value": text}) from None


def format_number(value: int | float | Decimal | None, decimals: int = 0) -> str:
    """1234567.5 → '1.234.567,5' (Vietnamese separators)."""
    if value is None:
        return ""
    quant = Decimal(value).quantize(Decimal(1).scaleb(-decimals)) if decimals else Decimal(round(value))
    sign = "-" if quant < 0 else ""
    whole, _, frac = f"{abs(quant):f}".partition(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    out = sign + ".".join(groups)
    if decimals and frac:
        out += "," + frac
    return out


def format_vnd(value: int | float | Decimal | None) -> str:
    """1234567 → '1.234.567 đ'."""
    if value is None:
        return ""
    return f"{format_number(value)} đ"
