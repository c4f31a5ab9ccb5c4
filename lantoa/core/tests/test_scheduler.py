"""The scheduler enqueues each periodic job once per slot (tests run tasks at once: ImmediateBackend)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.tasks import Task, task
from django.utils.module_loading import import_string

from lantoa.core.models import ScheduledRun
from lantoa.core.scheduler import JOBS, Job, enqueue_due

SAIGON = ZoneInfo("Asia/Ho_Chi_Minh")
RUNS: list[str] = []


@task
def record_run() -> int:
    """A real task: the scheduler imports it by its dotted path and enqueues it."""
    RUNS.append("ran")
    return len(RUNS)


TASK_PATH = f"{__name__}.record_run"
DAILY = Job("test_daily", TASK_PATH, daily_at=dt.time(2, 0))
EVERY_15 = Job("test_every_15", TASK_PATH, every_minutes=15)


def local(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SAIGON)


@pytest.fixture(autouse=True)
def clear_runs():
    RUNS.clear()
    yield
    RUNS.clear()


def test_task_path_resolves_to_the_test_task():
    assert import_string(TASK_PATH) is record_run


def test_due_daily_job_is_enqueued_and_run(db):
    assert enqueue_due(now=local(2026, 3, 10, 3, 0), jobs=[DAILY]) == ["test_daily"]
    assert RUNS == ["ran"]
    run = ScheduledRun.objects.get()
    assert (run.job, run.slot) == ("test_daily", "2026-03-10")
    assert run.task_id  # the backend's result id is kept


def test_daily_job_runs_once_per_day(db):
    assert enqueue_due(now=local(2026, 3, 10, 3, 0), jobs=[DAILY]) == ["test_daily"]
    assert enqueue_due(now=local(2026, 3, 10, 3, 0), jobs=[DAILY]) == []
    assert enqueue_due(now=local(2026, 3, 10, 23, 59), jobs=[DAILY]) == []
    assert RUNS == ["ran"]
    assert ScheduledRun.objects.count() == 1
    # The next day it is due again, from its time on.
    assert enqueue_due(now=local(2026, 3, 11, 2, 0), jobs=[DAILY]) == ["test_daily"]
    assert RUNS == ["ran", "ran"]
    assert sorted(ScheduledRun.objects.values_list("slot", flat=True)) == ["2026-03-10", "2026-03-11"]


def test_slot_already_taken_by_another_scheduler(db):
    ScheduledRun.objects.create(job="test_daily", slot="2026-03-10")
    assert enqueue_due(now=local(2026, 3, 10, 4, 0), jobs=[DAILY]) == []
    assert RUNS == []
    assert ScheduledRun.objects.count() == 1


def test_daily_job_before_its_time_is_not_enqueued(db):
    assert enqueue_due(now=local(2026, 3, 10, 1, 59), jobs=[DAILY]) == []
    assert RUNS == []
    assert not ScheduledRun.objects.exists()


def test_daily_time_is_local_time(db):
    # 18:30 UTC on 10/03 is 01:30 on 11/03 in Việt Nam: not yet 02:00 there.
    utc = dt.UTC
    assert enqueue_due(now=dt.datetime(2026, 3, 10, 18, 30, tzinfo=utc), jobs=[DAILY]) == []
    # 19:00 UTC is 02:00 local on 11/03: due, in the local day's slot.
    assert enqueue_due(now=dt.datetime(2026, 3, 10, 19, 0, tzinfo=utc), jobs=[DAILY]) == ["test_daily"]
    assert ScheduledRun.objects.get().slot == "2026-03-11"


def test_every_n_minutes_gets_a_new_slot_after_n_minutes(db):
    assert enqueue_due(now=local(2026, 3, 10, 10, 0), jobs=[EVERY_15]) == ["test_every_15"]
    assert enqueue_due(now=local(2026, 3, 10, 10, 7), jobs=[EVERY_15]) == []
    assert enqueue_due(now=local(2026, 3, 10, 10, 14, 59), jobs=[EVERY_15]) == []
    assert enqueue_due(now=local(2026, 3, 10, 10, 15), jobs=[EVERY_15]) == ["test_every_15"]
    assert enqueue_due(now=local(2026, 3, 10, 10, 29), jobs=[EVERY_15]) == []
    assert enqueue_due(now=local(2026, 3, 10, 10, 30), jobs=[EVERY_15]) == ["test_every_15"]
    assert len(RUNS) == 3
    assert ScheduledRun.objects.filter(job="test_every_15").count() == 3


def test_every_n_minutes_same_time_next_day_is_a_new_slot(db):
    assert enqueue_due(now=local(2026, 3, 10, 10, 0), jobs=[EVERY_15]) == ["test_every_15"]
    assert enqueue_due(now=local(2026, 3, 11, 10, 0), jobs=[EVERY_15]) == ["test_every_15"]
    assert len(set(ScheduledRun.objects.values_list("slot", flat=True))) == 2


def test_only_due_jobs_are_enqueued(db):
    later = Job("test_later", TASK_PATH, daily_at=dt.time(22, 0))
    assert enqueue_due(now=local(2026, 3, 10, 3, 0), jobs=[DAILY, later, EVERY_15]) == ["test_daily", "test_every_15"]
    assert len(RUNS) == 2
    assert not ScheduledRun.objects.filter(job="test_later").exists()


def test_job_slot():
    assert DAILY.slot(local(2026, 3, 10, 1, 59)) is None
    assert DAILY.slot(local(2026, 3, 10, 2, 0)) == "2026-03-10"
    assert EVERY_15.slot(local(2026, 3, 10, 0, 14)) == "2026-03-10T0000"
    assert EVERY_15.slot(local(2026, 3, 10, 0, 15)) == "2026-03-10T0001"
    assert EVERY_15.slot(local(2026, 3, 10, 23, 59)) == "2026-03-10T0095"


# --- the shipped jobs ---------------------------------------------------------------------------------


def test_shipped_jobs_point_at_importable_tasks():
    assert JOBS
    assert len({job.name for job in JOBS}) == len(JOBS)
    for job in JOBS:
        target = import_string(job.task)
        assert isinstance(target, Task), job.task
        assert (job.daily_at is None) != (job.every_minutes is None), job.name
        if job.every_minutes is not None:
            assert 0 < job.every_minutes <= 24 * 60


def test_shipped_jobs_run(db):
    # Every shipped job is due by 23:00 local (daily ones are set earlier in the night).
    names = enqueue_due(now=local(2026, 3, 10, 23, 0))
    assert sorted(names) == sorted(job.name for job in JOBS)
    assert set(ScheduledRun.objects.values_list("job", flat=True)) == set(names)
    assert all(run.task_id for run in ScheduledRun.objects.all())
    # Daily jobs do not run again the same day.
    daily = [job for job in JOBS if job.daily_at is not None]
    assert enqueue_due(now=local(2026, 3, 10, 23, 30), jobs=daily) == []


def test_a_broken_job_does_not_stop_the_others(db):
    from lantoa.core.scheduler import Job, enqueue_due

    broken = Job("broken", "lantoa.no_such_module.task", every_minutes=5)
    fine = Job("fine", "lantoa.accounts.tasks.prune_failed_logins", every_minutes=5)
    assert enqueue_due(jobs=[broken, fine]) == ["fine"]


def test_a_job_needs_exactly_one_schedule():
    import datetime as dt

    from lantoa.core.scheduler import Job

    with pytest.raises(ValueError):
        Job("x", "a.b")
    with pytest.raises(ValueError):
        Job("x", "a.b", daily_at=dt.time(1), every_minutes=5)
