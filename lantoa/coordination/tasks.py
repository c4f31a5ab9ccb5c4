"""Background work of coordination: the daily plan reminder (safe to run twice)."""

from django.tasks import task


@task
def plan_reminders() -> int:
    from lantoa.coordination.services import plan_reminders_send

    return plan_reminders_send()
