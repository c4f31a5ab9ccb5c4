from django.tasks import task

from lantoa.accounts.services import failed_logins_prune


@task
def prune_failed_logins() -> int:
    return failed_logins_prune()
