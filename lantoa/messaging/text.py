"""Message text: template fields, SMS parts and the accent-free version.

GSM-7 carries 160 characters in one SMS and 153 per part when split; anything outside it (every
Vietnamese letter with a diacritic) makes the whole message UCS-2: 70, then 67 per part. Some GSM-7
characters take two places (the extension table: ^ { } [ ] ~ | € and backslash).
"""

import datetime as dt
import functools
import json
import string
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.utils.translation import gettext as _
from unidecode import unidecode

from lantoa.core import clock
from lantoa.core.text import format_date, format_number

GSM7_BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENDED = "^{}\\[~]|€\f"
_BASIC = frozenset(GSM7_BASIC)
_EXTENDED = frozenset(GSM7_EXTENDED)


@dataclass(frozen=True)
class Parts:
    unicode: bool
    length: int  # characters as the network counts them (septets for GSM-7, UTF-16 units for UCS-2)
    parts: int
    per_part: int

    @property
    def encoding(self) -> str:
        return "UCS-2" if self.unicode else "GSM-7"


def is_gsm7(text: str) -> bool:
    return all(ch in _BASIC or ch in _EXTENDED for ch in text)


def sms_parts(text: str) -> Parts:
    if is_gsm7(text):
        length = sum(2 if ch in _EXTENDED else 1 for ch in text)
        single, multi, uni = 160, 153, False
    else:
        length = len(text.encode("utf-16-le")) // 2
        single, multi, uni = 70, 67, True
    if length <= single:
        return Parts(uni, length, 1 if length else 0, single)
    return Parts(uni, length, -(-length // multi), multi)


def accent_free(text: str) -> str:
    """Vietnamese without diacritics ("Bảo hiểm xã hội" → "Bao hiem xa hoi"), kept to GSM-7."""
    out = []
    for ch in text:
        if ch in _BASIC or ch in _EXTENDED:
            out.append(ch)
        else:
            plain = unidecode(ch)
            out.append("".join(c for c in plain if c in _BASIC) or "?")
    return "".join(out)


# Template fields: name → (label, function of a person-like mapping). Dates dd/mm/yyyy, money 1.234.567.
RATES_FILE = Path(__file__).resolve().parent / "data" / "voluntary_contribution.json"
_MONTHS = {"1m": 1, "3m": 3, "6m": 6, "12m": 12}


@functools.cache
def _rates() -> list[tuple[dt.date, Decimal]]:
    rules = json.loads(RATES_FILE.read_text(encoding="utf-8"))["rules"]
    return sorted((dt.date.fromisoformat(r["from"]), Decimal(r["rate"])) for r in rules)


def voluntary_rate(day: dt.date | None = None) -> Decimal:
    """The voluntary contribution rate in force on `day` (today by default): a law changes it, so it is
    data with dates (`data/voluntary_contribution.json`), the earliest one before its first date."""
    day = day or clock.today()
    rates = _rates()
    return next((rate for start, rate in reversed(rates) if start <= day), rates[0][1])


def contribution(income, payment_mode: str, day: dt.date | None = None) -> Decimal | None:
    """What a voluntary contributor pays per period before state support: the rate in force on `day`
    (22% since 2014) of the declared monthly income times the months of the payment mode (monthly when
    not known)."""
    if income is None:
        return None
    months = _MONTHS.get(payment_mode or "", 1)
    return (Decimal(income) * voluntary_rate(day) * months).quantize(Decimal("1"))


def _given_name(full: str) -> str:
    return full.split()[-1] if full and full.split() else ""


FIELDS = {
    "ho_ten": (_("full name"), lambda p: p.get("full_name") or ""),
    "ten": (_("given name"), lambda p: _given_name(p.get("full_name") or "")),
    "ngay_den_han": (_("next payment due (dd/mm/yyyy)"), lambda p: format_date(p.get("next_due_date"))),
    "so_tien": (
        _("amount due for the period (VND)"),
        lambda p: format_number(contribution(p.get("declared_income"), p.get("payment_mode"), p.get("next_due_date"))),
    ),
    "so_bhxh": (_("BHXH number"), lambda p: p.get("bhxh_number") or ""),
    "xa": (_("commune"), lambda p: p.get("commune") or ""),
    "don_vi": (_("sending unit"), lambda p: p.get("unit") or ""),
    "ngay_sinh": (_("date of birth"), lambda p: format_date(p.get("birth_date"))),
}
# The person columns rendering needs (read once per batch, not per message).
PERSON_COLUMNS = ("full_name", "next_due_date", "declared_income", "payment_mode", "bhxh_number", "birth_date")

_FORMATTER = string.Formatter()


class TemplateError(ValueError):
    pass


def template_fields(body: str) -> list[str]:
    """The field names a template uses; raises TemplateError naming an unknown or malformed one."""
    names = []
    try:
        parsed = list(_FORMATTER.parse(body))
    except ValueError as exc:
        raise TemplateError(
            _("The text has a brace that is not closed or not opened: write fields as {ho_ten}.")
        ) from exc
    for _literal, name, spec, conversion in parsed:
        if name is None:
            continue
        if name not in FIELDS or spec or conversion:
            known = ", ".join("{" + k + "}" for k in FIELDS)
            raise TemplateError(
                _("Unknown field {%(name)s}. Fields you can use: %(known)s.") % {"name": name, "known": known}
            )
        names.append(name)
    return names


def render(body: str, person: dict) -> str:
    template_fields(body)
    values = {name: fn(person) for name, (_label, fn) in FIELDS.items() if "{" + name + "}" in body}
    return body.format_map(values)


def compile_template(body: str):
    """A fast renderer for fan-out: the fields are checked once, then each person costs one format call."""
    names = set(template_fields(body))
    used = [(name, FIELDS[name][1]) for name in FIELDS if name in names]
    if not used:
        return lambda person: body
    fmt = body.format_map

    def _render(person: dict) -> str:
        return fmt({name: fn(person) for name, fn in used})

    return _render


def compile_params(body: str):
    """The values of the fields a template uses, by name: what a Zalo ZNS template is sent instead of text."""
    used = [(name, FIELDS[name][1]) for name in dict.fromkeys(template_fields(body))]
    return lambda person: {name: fn(person) for name, fn in used}


def sample_person() -> dict:
    return {
        "full_name": "Nguyễn Thị Minh Khai",
        "next_due_date": dt.date(2025, 12, 15),
        "declared_income": Decimal(1_500_000),
        "payment_mode": "3",
        "bhxh_number": "8712345678",
        "birth_date": dt.date(1980, 5, 1),
        "commune": "Xã Long Khánh",
        "unit": "BHXH huyện Hồng Ngự",
    }
