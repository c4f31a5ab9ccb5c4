"""Background work of an import: the check and the write, each given the job's id (safe to run twice)."""

import logging

from django.tasks import task
from django.utils.translation import gettext as _

from lantoa.audience.imports import engine
from lantoa.audience.models import ImportJob

log = logging.getLogger(__name__)


def _run(job_id: int, old: tuple[str, ...], running: str, work) -> None:
    job = ImportJob.objects.select_related("unit", "unit__area", "activity", "created_by").filter(pk=job_id).first()
    if job is None or not engine.claim(job, old, running):
        return  # already done by another worker, or cancelled
    if job.created_by is None:
        # Without the account that started it there is no scope to check the rows against.
        engine.job_fail(job, _("The account that started this import no longer exists; start it again."))
        engine.temp_cleanup(job)
        return
    try:
        work(job, job.created_by)
    except engine.ImportFileError as exc:
        engine.job_fail(job, str(exc))
    except Exception as exc:  # noqa: BLE001 - the job records why it failed; nothing was written
        log.exception("import %s failed", job_id)
        engine.job_fail(
            job,
            _("The import stopped on an unexpected error; nothing was written. (%(error)s)")
            % {"error": type(exc).__name__},
        )
        engine.temp_cleanup(job)


@task
def import_prepare(job_id: int) -> None:
    """Read the upload's header; a file that cannot be read fails the job with the reason."""
    job = ImportJob.objects.select_related("unit").filter(pk=job_id, status=ImportJob.Status.READING).first()
    if job is None:
        return  # read already, or cancelled
    try:
        engine.job_prepare(job)
    except engine.ImportFileError as exc:
        engine.job_fail(job, str(exc))
    except Exception as exc:  # noqa: BLE001 - the job records why it failed; nothing was written
        log.exception("reading import %s failed", job_id)
        engine.job_fail(
            job,
            _("The file could not be read because of an unexpected error. (%(error)s)") % {"error": type(exc).__name__},
        )


@task
def import_check(job_id: int) -> None:
    _run(job_id, (ImportJob.Status.MAPPED, ImportJob.Status.CHECKED), ImportJob.Status.CHECKING, engine.run_check)


@task
def import_commit(job_id: int) -> None:
    _run(job_id, (ImportJob.Status.CHECKED,), ImportJob.Status.IMPORTING, engine.run_commit)
