import datetime as dt

from django.tasks import task
from django.utils import timezone


@task
def prune_task_results(days: int = 30) -> int:
    """Finished background-task rows older than `days` are removed (the worker keeps every result)."""
    from django_tasks_db.models import DBTaskResult

    from lantoa.core.models import ScheduledRun

    cutoff = timezone.now() - dt.timedelta(days=days)
    deleted, _count = DBTaskResult.objects.filter(finished_at__lt=cutoff).delete()
    ScheduledRun.objects.filter(enqueued_at__lt=cutoff).delete()
    return deleted
