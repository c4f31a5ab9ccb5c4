from django.tasks import task


@task
def leads_purge() -> int:
    """Daily: delete the join requests that did not join once the retention time has passed."""
    from lantoa.public.services import leads_purge as purge

    return purge()
