"""The scheduler enqueues into the real database queue and a real `db_worker` process runs the job,
on whichever database the suite runs on (SQLite file or PostgreSQL)."""

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from lantoa.accounts.models import FailedLogin
from lantoa.core.models import ScheduledRun
from lantoa.core.scheduler import Job, enqueue_due

ROOT = Path(__file__).resolve().parents[3]


def _worker_env() -> dict:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings_test"}
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        env["SQLITE_PATH"] = db["NAME"]
        env.pop("DATABASE_URL", None)
    else:
        auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
        env["DATABASE_URL"] = f"postgres://{auth}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    return env


@pytest.mark.django_db(transaction=True)
def test_scheduled_job_runs_in_a_real_worker_process():
    old = FailedLogin.objects.create(username="someone", ip="127.0.0.1")
    FailedLogin.objects.filter(pk=old.pk).update(at=timezone.now() - dt.timedelta(days=3))
    FailedLogin.objects.create(username="recent", ip="127.0.0.1")

    job = Job("prune_failed_logins", "lantoa.accounts.tasks.prune_failed_logins", every_minutes=60, backend="db")
    assert enqueue_due(jobs=[job]) == ["prune_failed_logins"]
    assert enqueue_due(jobs=[job]) == []  # same slot: not again
    queued = DBTaskResult.objects.get()
    assert queued.status == "READY" and ScheduledRun.objects.get(job=job.name).task_id == str(queued.id)

    run = subprocess.run(
        [sys.executable, "manage.py", "db_worker", "--batch", "--backend", "db", "--no-startup-delay", "--no-reload"],
        cwd=ROOT,
        env=_worker_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    queued.refresh_from_db()
    assert queued.status == "SUCCESSFUL", run.stderr[-2000:]
    assert list(FailedLogin.objects.values_list("username", flat=True)) == ["recent"]
