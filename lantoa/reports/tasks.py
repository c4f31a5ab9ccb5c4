"""Background work of reports: making a library document, and the daily reminders."""

from django.tasks import task


@task
def generate(file_id: int) -> str:
    from lantoa.reports.build import generate as make

    item = make(file_id)
    return item.status if item is not None else "skipped"


@task
def reminders() -> int:
    """Daily (scheduler): remind the units whose annual report is overdue."""
    from lantoa.reports.services import reminders_send

    return reminders_send()
