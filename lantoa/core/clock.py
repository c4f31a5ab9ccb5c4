"""The current local date and time, in one place, so that dated rules (who works where today, which
area is in force) can be checked as of another day in tests."""

import datetime as dt

from django.utils import timezone


def today() -> dt.date:
    return timezone.localdate()


def now() -> dt.datetime:
    return timezone.now()


# Records are not tied to any plan's period (plans come and go; the work goes on). A date before
# Vietnam Social Security existed (Decree 19/CP, 16/02/1995) is a typing slip, not history.
EARLIEST_RECORD_DATE = dt.date(1995, 1, 1)


def too_early(day: dt.date) -> str:
    """Why `day` cannot be a record's date ("" when it can)."""
    from django.utils.translation import gettext as _

    if day < EARLIEST_RECORD_DATE:
        return _("The date %(date)s is before 1995: check the year.") % {"date": day.strftime("%d/%m/%Y")}
    return ""
