"""Who is of working age in a year: from 15 to the retirement age, which changes by law.

The rules are data with dates (`data/retirement_age.json`: Labour Code 2019 Art. 169 and Decree
135/2020): men 60y3m in 2021, +3 months a year to 62 in 2028; women 55y4m in 2021, +4 months a year to
60 in 2035; 60 / 55 before 2021. A person's retirement age is the one in force in the year they reach it
(Decree 135/2020 Art. 4), so a woman born in August 1968 reaches 56y4m in December 2024 (2024's age)
while one born in September 1968 reaches 2025's 56y8m in May 2025.

A person counts as of working age in year Y when they are of working age on at least one day of Y:
they turn 15 in Y or earlier, and they reach the retirement age in Y or later (the year they retire
still counts). With only a birth year known, the person is taken as born on 1 July of it. An unknown sex
takes the men's bound; an unknown birth year is never of working age (shown apart as "age unknown").

All of this reduces to two bounds on the birth date per sex and year, so the counting stays one SQL
condition (`working_age_q`) with no per-person computation.
"""

import datetime as dt
import json
from functools import cache
from pathlib import Path

from django.db.models import Q

DATA = Path(__file__).resolve().parent / "data" / "retirement_age.json"
MIDYEAR = (7, 1)  # a person with only a birth year is taken as born on 1 July


@cache
def rules() -> dict:
    data = json.loads(DATA.read_text(encoding="utf-8"))
    parsed = []
    for rule in data["rules"]:
        start = dt.date.fromisoformat(rule["from"]) if rule["from"] else dt.date.min
        months = {"m": rule["male"][0] * 12 + rule["male"][1], "f": rule["female"][0] * 12 + rule["female"][1]}
        parsed.append((start, months))
    parsed.sort(key=lambda item: item[0])
    return {"min_age": int(data["min_age"]), "rules": parsed, "source": data["source"]}


def retirement_months(sex: str, year: int) -> int:
    """The retirement age (in months) in force in `year` for a sex ("f" women; anything else men)."""
    key = "f" if sex == "f" else "m"
    day = dt.date(year, 1, 1)
    months = None
    for start, ages in rules()["rules"]:
        if start <= day:
            months = ages[key]
    return months


def retirement_month(sex: str, birth_year: int, birth_month: int) -> tuple[int, int]:
    """(year, month) in which a person born in (birth_year, birth_month) reaches their retirement age:
    the first year whose own retirement age is reached within that year."""
    base = birth_year * 12 + (birth_month - 1)
    year = birth_year + 40
    while True:
        reached = base + retirement_months(sex, year)
        if reached // 12 <= year:
            return reached // 12, reached % 12 + 1
        year += 1


@cache
def _oldest_birth(sex: str, year: int) -> dt.date:
    """The earliest birth date (first of a month) of someone who has not reached the retirement age before
    1 January of `year`. Retirement months grow with the birth month, so this is a single bound."""
    # Search the birth months around the answer: anyone born before year - 70 has retired.
    y, m = year - 70, 1
    while retirement_month(sex, y, m)[0] < year:
        m += 1
        if m > 12:
            y, m = y + 1, 1
    return dt.date(y, m, 1)


def bounds(sex: str, year: int) -> tuple[dt.date, int, int]:
    """For a sex and year: (earliest birth date, earliest birth year when only the year is known,
    latest birth year) of the people of working age in that year."""
    oldest = _oldest_birth("f" if sex == "f" else "m", year)
    # Born mid-year: counted when 1 July of the birth year is not before the earliest birth date.
    oldest_year = oldest.year if (oldest.month, oldest.day) <= MIDYEAR else oldest.year + 1
    return oldest, oldest_year, year - rules()["min_age"]


def working_age_q(year: int, prefix: str = "") -> Q:
    """Q over Person (or over `prefix`, e.g. "person__") selecting the people of working age in `year`."""
    p = prefix

    def for_sex(sex):
        oldest, oldest_year, youngest_year = bounds(sex, year)
        return Q(**{f"{p}birth_year__lte": youngest_year}) & (
            Q(**{f"{p}birth_date__isnull": False, f"{p}birth_date__gte": oldest})
            | Q(**{f"{p}birth_date__isnull": True, f"{p}birth_year__gte": oldest_year})
        )

    return (Q(**{f"{p}sex": "f"}) & for_sex("f")) | (~Q(**{f"{p}sex": "f"}) & for_sex("m"))


def is_working_age(*, sex: str, birth_year: int | None, birth_date: dt.date | None, year: int) -> bool | None:
    """The same rule for one person (None when the age is unknown). For tests and single-record pages."""
    if birth_year is None and birth_date is None:
        return None
    oldest, oldest_year, youngest_year = bounds(sex, year)
    by = birth_date.year if birth_date else birth_year
    if by > youngest_year:
        return False
    return birth_date >= oldest if birth_date else by >= oldest_year


def source() -> str:
    return rules()["source"]
