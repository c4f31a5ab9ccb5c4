"""The current local date and time, in one place, so that dated rules (who works where today, which
area is in force) can be checked as of another day in tests."""

import datetime as dt

from django.utils import timezone


def today() -> dt.date:
    return timezone.localdate()


def now() -> dt.datetime:
    return timezone.now()
