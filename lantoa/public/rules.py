"""The voluntary-BHXH calculator: every number comes from the dated rows of `Rule` in force on the day
asked about, and each result names the rows it used (with their sources).

Contribution = rate × chosen monthly income, the income between the rural poverty line and
ceiling_multiple × reference level. State support per month = the highest applicable share × rate ×
poverty line (plus a province's own share), for at most `support_months` months in a lifetime.
"""

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from lantoa.core.models import valid_on
from lantoa.core.text import format_date, format_vnd, nfc
from lantoa.public.models import Rule

DATA_FILE = Path(__file__).resolve().parent / "data" / "voluntary_rules.json"
EARLIEST = dt.date(2016, 1, 1)  # Law 58/2014 in force: the calculator does not answer for older rules
SUPPORT_CATEGORIES = ("poor", "near_poor", "ethnic_minority", "island")
# Payment modes of a period within a year: months paid at once.
PERIOD_MODES = (1, 3, 6, 12)
MAX_YEARS_AHEAD = 5


class RuleError(ValueError):
    """The question cannot be answered: the message names why, in Vietnamese."""


def _vnd(value: Decimal) -> Decimal:
    return value.quantize(Decimal("1"), rounding=ROUND_HALF_UP)


# ----------------------------------------------------------------------------- reading the rows


def rule_on(kind: str, day: dt.date, *, category: str = "", area=None) -> Rule | None:
    """The row of `kind` in force on `day`: the latest start not after it, not ended before it."""
    qs = Rule.objects.filter(valid_on(day), kind=kind, category=category, area=area)
    return qs.order_by("-valid_from", "-id").first()


def pension_points(sex: str, day: dt.date) -> list[Rule]:
    """The pension scale in force on `day`: every point of the latest set started by then."""
    qs = Rule.objects.filter(valid_on(day), kind=Rule.Kind.PENSION_RATE, category=sex, area=None)
    latest = qs.order_by("-valid_from").values_list("valid_from", flat=True).first()
    if latest is None:
        return []
    return list(qs.filter(valid_from=latest).exclude(years=None).order_by("years"))


def rules_span() -> tuple[dt.date, dt.date | None]:
    """From when to when the calculator answers: from 2016 to the end of the last rural poverty line."""
    last = Rule.objects.filter(kind=Rule.Kind.POVERTY_LINE, area=None).order_by("-valid_from").first()
    return EARLIEST, (last.valid_to if last else None)


# ----------------------------------------------------------------------------- input


_MULTIPLIERS = (
    (re.compile(r"(triệu|trieu|tr|m)$"), Decimal(1_000_000)),
    (re.compile(r"(nghìn|nghin|ngàn|ngan|k)$"), Decimal(1000)),
)


def parse_income(text: str) -> Decimal:
    """A monthly income as people write it: 1500000, 1.500.000, 1,500,000, 1 500 000 đ, "1,5 triệu",
    "1.5tr", "2 triệu", "1500k". Raises RuleError with the accepted forms."""
    raw = nfc(text).lower()
    value = re.sub(r"\s+", "", raw)
    value = re.sub(r"(đồng|dong|vnđ|vnd|đ)$", "", value)
    multiplier = Decimal(1)
    for pattern, factor in _MULTIPLIERS:
        if pattern.search(value):
            value, multiplier = pattern.sub("", value), factor
            break
    example = _("write it as 1.500.000 or “1,5 triệu”")
    if not value:
        raise RuleError(_("Enter the monthly income: %(example)s.") % {"example": example})
    if multiplier != 1:
        # "1,5 triệu": one comma or dot is the decimal mark.
        if not re.fullmatch(r"\d+([.,]\d+)?", value):
            raise RuleError(_("“%(value)s” is not an amount: %(example)s.") % {"value": raw, "example": example})
        number = Decimal(value.replace(",", "."))
    elif re.fullmatch(r"\d+", value):
        number = Decimal(value)
    elif re.fullmatch(r"\d{1,3}([.,]\d{3})+", value) and len(set(re.findall(r"[.,]", value))) == 1:
        number = Decimal(re.sub(r"[.,]", "", value))
    else:
        raise RuleError(_("“%(value)s” is not an amount: %(example)s.") % {"value": raw, "example": example})
    amount = number * multiplier
    if amount != amount.to_integral_value():
        raise RuleError(_("“%(value)s” is not a whole number of đồng.") % {"value": raw})
    return amount.quantize(Decimal("1"))


# ----------------------------------------------------------------------------- the answer


@dataclass
class Mode:
    label: str
    months: int
    contribution: Decimal
    support: Decimal
    pays: Decimal
    note: str = ""


@dataclass
class Result:
    day: dt.date
    income: Decimal
    rate: Decimal
    floor: Decimal
    ceiling: Decimal
    contribution: Decimal  # a month, before support
    support_share: Decimal
    support: Decimal  # a month
    local_share: Decimal
    pays: Decimal  # a month, after support
    support_months_left: int
    modes: list[Mode]
    pension: dict | None
    retirement: dict | None
    used: list[Rule] = field(default_factory=list)


def _required(kind, day, **kw) -> Rule:
    row = rule_on(kind, day, **kw)
    if row is None:
        start, end = rules_span()
        raise RuleError(
            _("No rule “%(rule)s” is recorded for %(date)s: the calculator answers from %(start)s to %(end)s.")
            % {
                "rule": Rule.Kind(kind).label,
                "date": format_date(day),
                "start": format_date(start),
                "end": format_date(end) if end else "…",
            }
        )
    return row


def check_day(day: dt.date) -> None:
    start, end = rules_span()
    if day < start or (end is not None and day > end):
        raise RuleError(
            _("The rules are known from %(start)s to %(end)s; %(date)s is outside: choose a date in between.")
            % {"start": format_date(start), "end": format_date(end) if end else "…", "date": format_date(day)}
        )


def limits(day: dt.date) -> tuple[Decimal, Decimal, list[Rule]]:
    """The income floor and ceiling in force on `day`, and the rows they come from."""
    poverty = _required(Rule.Kind.POVERTY_LINE, day)
    reference = _required(Rule.Kind.REFERENCE_LEVEL, day)
    multiple = _required(Rule.Kind.CEILING_MULTIPLE, day)
    return poverty.value, _vnd(reference.value * multiple.value), [poverty, reference, multiple]


def calculate(
    *,
    day: dt.date,
    income: Decimal,
    categories=(),
    province=None,
    support_used: int = 0,
    years_ahead: int = 2,
    missing_years: int = 0,
    sex: str = "",
    years: int | None = None,
    birth_year: int | None = None,
) -> Result:
    check_day(day)
    unknown = [c for c in categories if c not in SUPPORT_CATEGORIES]
    if unknown:
        raise RuleError(_("Unknown category: %(value)s.") % {"value": ", ".join(unknown)})
    rate_row = _required(Rule.Kind.RATE, day)
    floor, ceiling, used = limits(day)
    used.insert(0, rate_row)
    if not floor <= income <= ceiling:
        raise RuleError(
            _(
                "The monthly income must be between %(floor)s (the rural poverty line) and %(ceiling)s "
                "(%(multiple)s times the reference level) on %(date)s; %(income)s is outside."
            )
            % {
                "floor": format_vnd(floor),
                "ceiling": format_vnd(ceiling),
                "date": format_date(day),
                "income": format_vnd(income),
                "multiple": f"{used[-1].value.normalize():f}",
            }
        )
    rate = rate_row.value
    contribution = _vnd(rate * income)
    # The highest applicable national share; "other" applies to everyone.
    share, share_row = Decimal(0), None
    for category in (*categories, "other"):
        row = rule_on(Rule.Kind.SUPPORT, day, category=category)
        if row is not None and row.value > share:
            share, share_row = row.value, row
    if share_row is not None:
        used.append(share_row)
    local_share = Decimal(0)
    if province is not None:
        local = [rule_on(Rule.Kind.LOCAL_SUPPORT, day, category=c, area=province) for c in (*categories, "other")]
        local = [r for r in local if r is not None]
        if local:
            best = max(local, key=lambda r: r.value)
            local_share = best.value
            used.append(best)
    support_month = _vnd((share + local_share) * rate * floor) if share or local_share else Decimal(0)
    support_month = min(support_month, contribution)
    cap_row = rule_on(Rule.Kind.SUPPORT_MONTHS, day)
    cap = int(cap_row.value) if cap_row else 0
    if cap_row is not None and support_month:
        used.append(cap_row)
    months_left = max(cap - max(support_used, 0), 0)
    if not months_left:
        support_month = Decimal(0)

    modes = []
    for months in PERIOD_MODES:
        supported = min(months, months_left)
        total = contribution * months
        help_ = support_month * supported
        note = ""
        if supported < months and support_month:
            note = _("support for %(n)s of the %(m)s months (the most allowed)") % {"n": supported, "m": months}
        modes.append(Mode(_mode_label(months), months, total, help_, total - help_, note))
    interest_row = rule_on(Rule.Kind.FUND_INTEREST, day)
    interest = interest_row.value if interest_row else Decimal(0)
    if years_ahead and interest_row is not None:
        used.append(interest_row)
    if years_ahead:
        # Each month paid ahead is discounted by the fund's monthly interest for how far ahead it is.
        months = 12 * years_ahead
        supported = min(months, months_left)
        pays_each = [contribution - (support_month if i < supported else 0) for i in range(months)]
        total = _vnd(sum(contribution / (1 + interest) ** i for i in range(months)))
        pays = _vnd(sum(p / (1 + interest) ** i for i, p in enumerate(pays_each)))
        modes.append(
            Mode(
                _("%(n)s years ahead") % {"n": years_ahead},
                months,
                total,
                total - pays,
                pays,
                _("discounted at the fund's monthly interest"),
            )
        )
    if missing_years:
        # Missing months paid back at once carry the fund's interest; State support does not apply.
        months = 12 * missing_years
        total = _vnd(sum(contribution * (1 + interest) ** i for i in range(1, months + 1)))
        modes.append(
            Mode(
                _("Lump sum for %(n)s missing years") % {"n": missing_years},
                months,
                total,
                Decimal(0),
                total,
                _("with the fund's interest; no State support"),
            )
        )
    pension = None
    if sex in ("men", "women") and years is not None:
        pension = pension_estimate(sex=sex, years=years, income=income, day=day)
        used.extend(pension.pop("rows"))
    retirement = None
    if sex in ("men", "women"):
        retirement = retirement_age(sex=sex, day=day, birth_year=birth_year)
        used.extend(retirement.pop("rows"))
    return Result(
        day=day,
        income=income,
        rate=rate,
        floor=floor,
        ceiling=ceiling,
        contribution=contribution,
        support_share=share,
        support=support_month,
        local_share=local_share,
        pays=contribution - support_month,
        support_months_left=months_left,
        modes=modes,
        pension=pension,
        retirement=retirement,
        used=list(dict.fromkeys(used)),
    )


def _mode_label(months: int) -> str:
    if months == 1:
        return _("Monthly")
    return _("Every %(n)s months") % {"n": months}


def pension_rate(*, sex: str, years: int, day: dt.date) -> tuple[Decimal | None, list[Rule]]:
    """The pension rate for `years` of contributions under the scale in force on `day` (None: too few
    years for a pension). Straight lines between the scale's points, flat after the last."""
    points = pension_points(sex, day)
    if not points or years < points[0].years:
        return None, points
    rate = points[0].value
    for a, b in zip(points, points[1:], strict=False):
        if years >= b.years:
            rate = b.value
        elif years > a.years:
            rate = a.value + (b.value - a.value) * (years - a.years) / (b.years - a.years)
    return rate.quantize(Decimal("0.0001")), points


def pension_estimate(*, sex: str, years: int, income: Decimal, day: dt.date) -> dict:
    rate, points = pension_rate(sex=sex, years=years, day=day)
    return {
        "years": years,
        "rate": rate,
        "monthly": _vnd(rate * income) if rate is not None else None,
        "min_years": points[0].years if points else None,
        "rows": points,
    }


def _retirement_months(sex: str, year: int) -> Rule | None:
    return rule_on(Rule.Kind.RETIREMENT_AGE, dt.date(year, 12, 31), category=sex)


def retirement_age(*, sex: str, day: dt.date, birth_year: int | None = None) -> dict:
    """The retirement age for someone retiring in the year of `day`, and — given a birth year — about when
    that person reaches it on the roadmap (born in January at the earliest)."""
    row = _retirement_months(sex, day.year) or rule_on(Rule.Kind.RETIREMENT_AGE, day, category=sex)
    rows = [row] if row else []
    reach = None
    if birth_year:
        for year in range(birth_year + 50, birth_year + 70):
            r = _retirement_months(sex, year)
            if r is None:
                continue
            months = int(r.value)
            at = birth_year * 12 + months  # months since year 0, birthday in January
            if at // 12 <= year:
                y, m = divmod(max(at, year * 12), 12)
                reach = dt.date(y, m + 1, 1)
                rows.append(r)
                break
    months = int(row.value) if row else None
    return {
        "months": months,
        "years_part": months // 12 if months else None,
        "months_part": months % 12 if months else None,
        "reach": reach,
        "rows": rows,
    }


def roadmap(sex: str) -> list[Rule]:
    return list(Rule.objects.filter(kind=Rule.Kind.RETIREMENT_AGE, category=sex, area=None).order_by("valid_from"))


# ----------------------------------------------------------------------------- loading the rows


@transaction.atomic
def load_rules(path: Path = DATA_FILE) -> int:
    """Add the shipped rows that are missing (same kind, category, area, years, start); rows an
    administrator corrected are left as they are. Returns how many were added."""
    data = json.loads(path.read_text(encoding="utf-8"))
    added = 0
    for item in data["rules"]:
        start = dt.date.fromisoformat(item["from"])
        _row, created = Rule.objects.get_or_create(
            kind=item["kind"],
            category=item.get("category", ""),
            area=None,
            years=item.get("years"),
            valid_from=start,
            defaults={
                "value": Decimal(item["value"]),
                "valid_to": dt.date.fromisoformat(item["to"]) if item.get("to") else None,
                "source": item["source"],
                "note": item.get("note", ""),
            },
        )
        added += created
    return added
