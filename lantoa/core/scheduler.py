"""Periodic jobs. The scheduler enqueues each job once per time slot; the unique (job, slot) row makes a
second scheduler, or a restart inside the same slot, a no-op. Apps register their jobs in `JOBS`."""

import datetime as dt
import logging
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from lantoa.core.models import ScheduledRun

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    name: str
    task: str  # dotted path of a django.tasks task
    daily_at: dt.time | None = None  # local time
    every_minutes: int | None = None
    backend: str | None = None  # a task backend alias other than "default"

    def __post_init__(self):
        if (self.daily_at is None) == (self.every_minutes is None):
            raise ValueError(f"job {self.name}: give exactly one of daily_at or every_minutes")
        if self.every_minutes is not None and not 1 <= self.every_minutes <= 1440:
            raise ValueError(f"job {self.name}: every_minutes must be 1..1440")

    def slot(self, now: dt.datetime) -> str | None:
        """The slot `now` falls in, or None when the job is not due yet today."""
        local = timezone.localtime(now)
        if self.daily_at is not None:
            return local.date().isoformat() if local.time() >= self.daily_at else None
        minutes = local.hour * 60 + local.minute
        return f"{local.date().isoformat()}T{minutes // self.every_minutes:04d}"


JOBS: list[Job] = [
    Job("prune_failed_logins", "lantoa.accounts.tasks.prune_failed_logins", daily_at=dt.time(2, 0)),
    Job("prune_task_results", "lantoa.core.tasks.prune_task_results", daily_at=dt.time(3, 0)),
]


def enqueue_due(now: dt.datetime | None = None, jobs: list[Job] | None = None) -> list[str]:
    """Enqueue every job whose current slot has not run yet; returns the names enqueued."""
    now = now or timezone.now()
    done = []
    for job in jobs if jobs is not None else JOBS:
        slot = job.slot(now)
        if slot is None:
            continue
        if ScheduledRun.objects.filter(job=job.name, slot=slot).exists():
            continue
        try:
            with transaction.atomic():
                run = ScheduledRun.objects.create(job=job.name, slot=slot)
                task = import_string(job.task)
                result = (task.using(backend=job.backend) if job.backend else task).enqueue()
                run.task_id = str(getattr(result, "id", ""))[:64]
                run.save(update_fields=["task_id"])
        except IntegrityError:
            continue  # another scheduler took this slot a moment ago
        except Exception:
            # One broken job must not stop the others (nor, through `serve`, the web server).
            logger.exception("scheduler: job %s failed to enqueue", job.name)
            continue
        done.append(job.name)
    return done
