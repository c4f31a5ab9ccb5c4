"""Legal clocks from dated data: working days, holidays (Tết), the 01/09/2026 change, complaints, extensions."""

import datetime as dt

import pytest

from lantoa.feedback.clocks import add_days, clock_for, rule_in_force
from lantoa.feedback.models import ClockRule, DayCount, Holiday, Kind

pytestmark = pytest.mark.django_db
D = dt.date


def test_question_ten_working_days_skip_weekends():
    # Mon 07/12/2026 + 10 working days = Mon 21/12/2026.
    assert clock_for(Kind.QUESTION, D(2026, 12, 7)).due_on == D(2026, 12, 21)


def test_working_days_skip_tet():
    # Received Fri 13/02/2026; Tết Bính Ngọ closes offices Mon 16 – Fri 20/02: 10 working days run 23/02 – 06/03.
    assert clock_for(Kind.QUESTION, D(2026, 2, 13)).due_on == D(2026, 3, 6)


def test_calendar_deadline_falling_on_tet_moves_to_next_working_day():
    # A denunciation received 17/01/2026: 30 days end Mon 16/02/2026, a Tết day → Mon 23/02/2026.
    assert clock_for(Kind.DENUNCIATION, D(2026, 1, 17)).due_on == D(2026, 2, 23)


def test_correction_rule_changes_on_1_september_2026():
    before = clock_for(Kind.CORRECTION, D(2026, 8, 31))
    after = clock_for(Kind.CORRECTION, D(2026, 9, 1))
    assert before.rule.days == 15 and after.rule.days == 10
    assert before.due_on == D(2026, 9, 15)  # Tue 15/09/2026
    assert after.due_on == D(2026, 9, 11)  # Fri 11/09/2026


def test_complaint_accept_then_decide_complex_and_remote():
    # remote + complex: 60 days end 09/02/2027, in Tết → 11/02.
    plain = clock_for(Kind.COMPLAINT, D(2026, 12, 1))
    assert plain.accept_due == D(2026, 12, 11)  # 10 days
    assert plain.due_on == D(2027, 1, 11)  # 30 days from the acceptance deadline: Sun 10/01 → Mon 11/01
    assert clock_for(Kind.COMPLAINT, D(2026, 12, 1), is_complex=True).due_on == D(2027, 1, 25)  # 45 days
    assert clock_for(Kind.COMPLAINT, D(2026, 12, 1), is_remote=True, is_complex=True).due_on == D(2027, 2, 11)


def test_denunciation_extensions_add_thirty_days():
    base = clock_for(Kind.DENUNCIATION, D(2026, 12, 7)).due_on
    once = clock_for(Kind.DENUNCIATION, D(2026, 12, 7), extensions=1).due_on
    # 60 days end Fri 05/02/2027, a Tết Đinh Mùi day (to 10/02): the period ends Thu 11/02.
    assert base == D(2027, 1, 6) and once == D(2027, 2, 11)


def test_rules_are_data_an_administrator_can_change():
    rule = rule_in_force(Kind.QUESTION, D(2026, 12, 7))
    rule.days = 5
    rule.save()
    assert clock_for(Kind.QUESTION, D(2026, 12, 7)).due_on == D(2026, 12, 14)
    Holiday.objects.create(date=D(2026, 12, 10), name="test")
    assert clock_for(Kind.QUESTION, D(2026, 12, 7)).due_on == D(2026, 12, 15)


def test_no_rule_no_clock():
    ClockRule.objects.filter(kind=Kind.QUESTION).delete()
    assert clock_for(Kind.QUESTION, D(2026, 12, 7)).due_on is None
    assert add_days(D(2026, 12, 31), 1, DayCount.WORKING) == D(2027, 1, 4)  # 01/01 holiday, then weekend
