"""Reminders relative to a person's date: once per (reminder, person, date), recomputed when the date moves."""

import datetime as dt

import pytest
from django.utils import timezone

from lantoa.messaging import dispatch
from lantoa.messaging.models import Message, Reminder
from lantoa.messaging.tests.conftest import UNIT, make_person
from lantoa.orgs.models import Unit

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 25)


@pytest.fixture
def due_reminder(template):
    template.body = "{ho_ten} ơi, kỳ đóng BHXH tự nguyện đến hạn ngày {ngay_den_han}: {so_tien} đồng."
    template.save()
    return Reminder.objects.create(
        name="7 ngày trước hạn đóng",
        unit=Unit.objects.get(code=UNIT),
        template=template,
        field=Reminder.Field.NEXT_DUE,
        days=7,
        direction=Reminder.Direction.BEFORE,
        send_at=dt.time(8, 0),
        late_days=3,
    )


@pytest.fixture
def contributors(officers):
    extra = {"insurance_status": "voluntary", "declared_income": 1_500_000, "payment_mode": "3m"}
    return {
        "due_in_7": make_person("Nguyễn Văn Hạn", "+84912100001", next_due_date=TODAY + dt.timedelta(days=7), **extra),
        "due_in_5": make_person("Trần Thị Trễ", "+84912100002", next_due_date=TODAY + dt.timedelta(days=5), **extra),
        "due_in_2": make_person("Lê Văn Muộn", "+84912100003", next_due_date=TODAY + dt.timedelta(days=2), **extra),
        "due_in_8": make_person("Phạm Thị Sớm", "+84912100004", next_due_date=TODAY + dt.timedelta(days=8), **extra),
        "no_consent": make_person(
            "Võ Văn Không", "+84912100005", consent=False, next_due_date=TODAY + dt.timedelta(days=7), **extra
        ),
    }


def test_reminders_go_once_per_date_with_the_fields_filled(due_reminder, contributors):
    assert dispatch.reminders_run(TODAY) == 2  # due in 7 days, and due in 5 (two days late, within 3)
    assert dispatch.reminders_run(TODAY) == 0  # the next hourly run queues nothing again
    msgs = {m.person.full_name: m for m in Message.objects.select_related("person")}
    assert set(msgs) == {"Nguyễn Văn Hạn", "Trần Thị Trễ"}
    m = msgs["Nguyễn Văn Hạn"]
    assert m.text == "Nguyễn Văn Hạn ơi, kỳ đóng BHXH tự nguyện đến hạn ngày 02/12/2026: 990.000 đồng."
    assert m.anchor_date == TODAY + dt.timedelta(days=7)
    # Not before 08:00 of the reminder day (or now, when that is already past).
    assert m.not_before >= timezone.make_aware(dt.datetime.combine(TODAY, dt.time(8, 0)))
    # The next day the one due in 8 days gets it.
    assert dispatch.reminders_run(TODAY + dt.timedelta(days=1)) == 1


def test_a_moved_date_gets_its_own_reminder_and_drops_the_old_one(due_reminder, contributors):
    dispatch.reminders_run(TODAY)
    person = contributors["due_in_7"]
    old = Message.objects.get(person=person)
    person.next_due_date = TODAY + dt.timedelta(days=37)  # paid the next quarter's date moved
    person.save()
    Message.objects.filter(pk=old.pk).update(not_before=timezone.now() - dt.timedelta(minutes=1))
    dispatch.dispatch(max_seconds=5)
    old.refresh_from_db()
    assert old.status == Message.Status.CANCELLED and old.reason == "date changed"
    # 30 days later the new date's reminder is queued, under its own key.
    assert dispatch.reminders_run(TODAY + dt.timedelta(days=30)) >= 1
    new = Message.objects.filter(person=person).exclude(pk=old.pk).get()
    assert new.anchor_date == TODAY + dt.timedelta(days=37)


def test_an_after_reminder_and_an_inactive_one(due_reminder, contributors):
    due_reminder.direction = Reminder.Direction.AFTER
    due_reminder.days = 1
    due_reminder.late_days = 0
    due_reminder.save()
    late = make_person("Đặng Văn Quá", "+84912100009", next_due_date=TODAY - dt.timedelta(days=1))
    assert dispatch.reminders_run(TODAY) == 1
    assert Message.objects.get().person == late
    due_reminder.active = False
    due_reminder.save()
    Message.objects.all().delete()
    assert dispatch.reminders_run(TODAY) == 0
