"""Legal clocks: which rule is in force for an item, and the date its time limit ends.

Rules and holidays are data (`ClockRule`, `Holiday`). Counting starts the day after the item arrives.
Working days skip Saturdays, Sundays and holidays; a calendar-day period ending on a day off ends on the
next working day (Civil Code 2015, Art. 147–148).
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q

from lantoa.feedback.models import ClockRule, DayCount, Holiday, Kind


def rule_in_force(kind: str, day: dt.date) -> ClockRule | None:
    return (
        ClockRule.objects.filter(kind=kind)
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=day), Q(valid_to__isnull=True) | Q(valid_to__gte=day))
        .order_by("-valid_from")
        .first()
    )


def holidays_between(start: dt.date, end: dt.date) -> set[dt.date]:
    return set(Holiday.objects.filter(date__gte=start, date__lte=end).values_list("date", flat=True))


def is_working_day(day: dt.date, holidays: set[dt.date]) -> bool:
    return day.weekday() < 5 and day not in holidays


def add_days(start: dt.date, days: int, day_count: str) -> dt.date:
    """The last day of a period of `days` counted from the day after `start`."""
    # Tết and a weekend together close offices for at most ~10 days: a generous window for the lookup.
    holidays = holidays_between(start, start + dt.timedelta(days=days * 2 + 40))
    if day_count == DayCount.WORKING:
        day, left = start, days
        while left > 0:
            day += dt.timedelta(days=1)
            if is_working_day(day, holidays):
                left -= 1
        return day
    day = start + dt.timedelta(days=days)
    while not is_working_day(day, holidays):
        day += dt.timedelta(days=1)
    return day


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after `start` up to and including `end` (negative when `end` is before)."""
    if end < start:
        return -working_days_between(end, start)
    holidays = holidays_between(start, end)
    return sum(1 for n in range(1, (end - start).days + 1) if is_working_day(start + dt.timedelta(days=n), holidays))


@dataclass(frozen=True)
class Clock:
    rule: ClockRule | None
    accept_due: dt.date | None
    due_on: dt.date | None


def resolve_days(rule: ClockRule, *, is_complex: bool, is_remote: bool) -> int:
    if is_remote and is_complex and rule.remote_complex_days:
        return rule.remote_complex_days
    if is_remote and rule.remote_days:
        return rule.remote_days
    if is_complex and rule.complex_days:
        return rule.complex_days
    return rule.days


def clock_for(
    kind: str, start: dt.date, *, is_complex: bool = False, is_remote: bool = False, extensions: int = 0
) -> Clock:
    """The deadlines of an item of `kind` whose clock starts on `start` (its arrival or its reopening).

    A complaint first has to be accepted or refused (`accept_due`); its decision period is counted from the
    acceptance deadline, the latest day the unit may accept it, so that a slow acceptance does not buy time.
    """
    rule = rule_in_force(kind, start)
    if rule is None:
        return Clock(None, None, None)
    accept_due = add_days(start, rule.accept_days, rule.day_count) if rule.accept_days else None
    base = accept_due if (accept_due and kind == Kind.COMPLAINT) else start
    days = resolve_days(rule, is_complex=is_complex, is_remote=is_remote) + extensions * rule.extension_days
    return Clock(rule, accept_due, add_days(base, days, rule.day_count))
