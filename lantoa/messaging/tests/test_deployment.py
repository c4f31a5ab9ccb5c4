"""More than one machine: two web processes (gunicorn) and two task workers (`db_worker`) on one database,
sharing sessions, uploaded files and the task queue, as README "Operations" deploys them.

Everything goes through HTTP to the web processes, which enqueue into the database queue; the test
process only reads the database. A broadcast and a people import are each done exactly once although two
workers take their tasks, and the import's write is even asked for twice (from both web processes while the
workers are paused), so that both workers hold a write task at the same moment.

Run in the PostgreSQL leg only: several machines share one PostgreSQL (README "Operations"); a SQLite file
written by four processes is not a deployment we offer. Which worker takes which task is the scheduler's
business: the test asserts that every piece of work is done exactly once, not how it was shared.
"""

import collections
import json
import os
import re
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from django.contrib.auth.hashers import make_password
from django.db import connection
from django_tasks_db.models import DBTaskResult

from lantoa.accounts.models import User
from lantoa.audience.models import ImportJob, Person
from lantoa.core.models import AuditLog
from lantoa.core.tests.test_worker import _worker_env
from lantoa.messaging import services
from lantoa.messaging.models import Broadcast, GatewayConfig, Message, OutboxEntry
from lantoa.messaging.tests.conftest import UNIT
from lantoa.messaging.tests.kannel import _die_with_parent
from lantoa.messaging.tests.test_workers import wait_until
from lantoa.orgs.models import Unit

ROOT = Path(__file__).resolve().parents[3]
PASSWORD = "Mat-khau-trien-khai-2026!"
RECIPIENTS = 240  # more than one claim batch (200): both workers' send tasks get messages
IMPORT_ROWS = 300
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Deployment:
    """Two gunicorn web processes and two workers, each its own process group, on the test database."""

    def __init__(self, tmp: Path):
        self.tmp = tmp
        self.env = _worker_env() | {
            "DJANGO_SETTINGS_MODULE": "config.settings",  # the real settings: the database task queue, files
            "LANTOA_VAR_DIR": str(tmp / "var"),
            "MEDIA_ROOT": str(tmp / "media"),  # one folder for all: a shared disk across machines
            "SECRET_KEY": "deployment-test-secret-key-shared-by-the-web-processes-0123",
            "ALLOWED_HOSTS": "127.0.0.1",
            "DEBUG": "0",
            "LOG_LEVEL": "WARNING",
            "MESSAGING_WORKERS": "2",
            "PYTHONUNBUFFERED": "1",
        }
        self.procs: dict[str, subprocess.Popen] = {}
        self.web: list[str] = []

    def _start(self, name: str, cmd: list[str]) -> None:
        log = open(self.tmp / f"{name}.log", "ab")  # noqa: SIM115 (closed in stop)
        proc = subprocess.Popen(
            cmd,
            cwd=ROOT,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_die_with_parent,
        )
        proc.log = log
        self.procs[name] = proc

    def start(self) -> None:
        for name in ("web1", "web2"):
            port = _free_port()
            self._start(
                name,
                [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{port}"]
                + ["--workers", "1", "--threads", "4", "--timeout", "60"],
            )
            self.web.append(f"http://127.0.0.1:{port}")
        for name in ("worker1", "worker2"):
            self._start(
                name,
                [sys.executable, "manage.py", "db_worker", "--no-startup-delay", "--no-reload"]
                + ["--interval", "0.1", "--worker-id", name],
            )
        for url in self.web:
            wait_until(lambda url=url: self._healthy(url), timeout=60, what=lambda: "the web processes\n" + self.logs())

    def _healthy(self, url: str) -> bool:
        for proc in self.procs.values():
            assert proc.poll() is None, self.logs()
        try:
            return requests.get(url + "/healthz", timeout=10).status_code == 200
        except (requests.ConnectionError, requests.Timeout):
            return False

    def pause_workers(self) -> None:
        for name in ("worker1", "worker2"):
            os.killpg(self.procs[name].pid, signal.SIGSTOP)

    def resume_workers(self) -> None:
        for name in ("worker1", "worker2"):
            os.killpg(self.procs[name].pid, signal.SIGCONT)

    def stop(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGCONT)
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.procs.values():
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=5)
            proc.log.close()

    def logs(self) -> str:
        return "\n".join(
            f"--- {p.name}\n{p.read_text(errors='replace')[-3000:]}" for p in sorted(self.tmp.glob("*.log"))
        )


def sign_in(base: str, username: str) -> requests.Session:
    session = requests.Session()
    page = session.get(base + "/accounts/login/", timeout=10)
    response = session.post(
        base + "/accounts/login/",
        data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": CSRF.search(page.text).group(1)},
        timeout=10,
    )
    assert response.status_code == 200 and "/accounts/login/" not in response.url, response.text[-500:]
    return session


def post(session: requests.Session, url: str, page_url: str | None = None, **kwargs) -> requests.Response:
    """A form post with the CSRF token of the page the form is on."""
    page = session.get(page_url or url, timeout=10)
    token = CSRF.search(page.text)
    data = {**kwargs.pop("data", {}), "csrfmiddlewaretoken": token.group(1) if token else session.cookies["csrftoken"]}
    return session.post(url, data=data, timeout=30, allow_redirects=False, **kwargs)


SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Võ", "Phan", "Đặng", "Bùi", "Đỗ"]
MIDDLE = ["Văn", "Thị", "Hữu"]
GIVEN = ["An", "Bình", "Cường", "Dung", "Giang", "Hà", "Khánh", "Lan", "Minh", "Nga"]


def people_csv(n: int) -> bytes:
    """`n` (≤ 300) different people of Xã Long Khánh (names without digits: the import refuses those)."""
    lines = ["STT,Họ và tên,Ngày sinh,Giới tính,Số CCCD,Số điện thoại,Xã"]
    for i in range(n):
        name = f"{SURNAMES[i % 10]} {MIDDLE[i // 10 % 3]} {GIVEN[i // 30 % 10]}"
        lines.append(
            f"{i + 1},{name},12/03/{1950 + i % 50},{'Nam' if i % 2 else 'Nữ'},0870850{i:05d},09140{i:05d},Xã Long Khánh"
        )
    return ("\n".join(lines) + "\n").encode()


def tasks_of(name: str):
    return list(DBTaskResult.objects.filter(task_path__endswith=f".{name}").order_by("enqueued_at"))


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="several machines share one PostgreSQL; the PostgreSQL leg runs this",
)
@pytest.mark.django_db(transaction=True)
def test_two_web_processes_and_two_workers_share_the_work_exactly_once(officers, segment, template, settings, tmp_path):
    author, approver = officers
    # Accounts as the real settings hash them (the suite's fast hasher is not among theirs).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    User.objects.filter(pk__in=[author.pk, approver.pk]).update(password=make_password(PASSWORD))
    unit = Unit.objects.get(code=UNIT)
    outbox = tmp_path / "outbox.jsonl"
    GatewayConfig.objects.update(active=False)
    GatewayConfig.objects.create(name="Hộp thư đi", kind="outbox", rate_per_second=80, options={"file": str(outbox)})
    # More people in the segment's group (the fixture's farmers bring 3 who may be sent to).
    group = segment.filters["group_codes"][0]
    people = Person.objects.bulk_create(
        Person(
            full_name=f"Người nhận {n:03d}",
            name_key=f"người nhận {n:03d}",
            phone=f"+8491360{n:04d}",
            consent=True,
            consent_channel="all",
            unit=unit,
            area_id=segment.unit.area_id,
        )
        for n in range(RECIPIENTS - 3)
    )
    through = Person.groups.through
    target = Person.groups.field.related_model.objects.get(code=group)
    through.objects.bulk_create(through(person_id=p.pk, targetgroup_id=target.pk) for p in people)
    broadcast = services.broadcast_save(
        actor=author, broadcast=Broadcast(title="Triển khai hai máy", unit=unit, template=template, segment=segment)
    )

    people_before = Person.objects.count()
    deploy = Deployment(tmp_path)
    try:
        deploy.start()
        web1, web2 = deploy.web
        # Sessions live in the database: signed in on one web process, the same cookie works on the other.
        author_on_1 = sign_in(web1, author.username)
        author_on_2 = requests.Session()
        author_on_2.cookies.update(author_on_1.cookies)
        assert author_on_2.get(web2 + "/people/import/", timeout=10).url == web2 + "/people/import/"
        approver_on_2 = sign_in(web2, approver.username)

        # 1. The import: uploaded through web 1, mapped through web 2, its file read by whichever worker.
        response = author_on_1.post(
            web1 + "/people/import/new/",
            data={
                "kind": "people",
                "unit": unit.pk,
                "csrfmiddlewaretoken": CSRF.search(author_on_1.get(web1 + "/people/import/new/").text).group(1),
            },
            files={"file": ("danh-sach.csv", people_csv(IMPORT_ROWS), "text/csv")},
            timeout=30,
            allow_redirects=False,
        )
        assert response.status_code == 302, response.text[-1000:]
        job = ImportJob.objects.get()
        job = wait_until(
            lambda: ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.UPLOADED).first(),
            timeout=30,
            what=lambda: f"the header read by a worker ({ImportJob.objects.get().status})\n" + deploy.logs(),
        )
        detail = f"/people/import/{job.pk}/"
        columns = {f"col_{k}": v for k, v in job.mapping["columns"].items()}
        response = post(author_on_2, web2 + detail + "map/", web2 + detail, data={**columns, "conversion": ""})
        assert response.status_code == 302, response.text[-1000:]
        wait_until(
            lambda: ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.CHECKED).exists(),
            timeout=60,
            what=lambda: f"the check ({ImportJob.objects.get().status}: {ImportJob.objects.get().message})",
        )
        # "Import" asked twice, once on each web process, while the workers are paused: two write tasks.
        deploy.pause_workers()
        for session, base in ((author_on_1, web1), (author_on_2, web2)):
            response = post(session, base + detail + "commit/", base + detail, data={"choice": "valid"})
            assert response.status_code == 302, response.text[-1000:]
        assert len(tasks_of("import_commit")) == 2
        deploy.resume_workers()
        wait_until(
            lambda: (
                ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.DONE).exists()
                and not DBTaskResult.objects.filter(status__in=["READY", "RUNNING"]).exists()
            ),
            timeout=120,
            what=lambda: f"the import ({ImportJob.objects.get().status})\n" + deploy.logs(),
        )

        # 2. The broadcast: approved through web 2 by the second officer; fan-out and sending by the workers.
        response = post(approver_on_2, web2 + f"/messages/{broadcast.pk}/approve/", web2 + f"/messages/{broadcast.pk}/")
        assert response.status_code == 302, response.text[-1000:]
        wait_until(
            lambda: (
                Message.objects.filter(broadcast=broadcast).count() == RECIPIENTS
                and not Message.objects.filter(broadcast=broadcast).exclude(status=Message.Status.DELIVERED).exists()
                and not DBTaskResult.objects.filter(status__in=["READY", "RUNNING"]).exists()
            ),
            timeout=120,
            what=lambda: (
                f"the broadcast: {collections.Counter(Message.objects.values_list('status', flat=True))}\n"
                + deploy.logs()
            ),
        )
        for proc in deploy.procs.values():
            assert proc.poll() is None, deploy.logs()
    finally:
        deploy.stop()

    assert not DBTaskResult.objects.exclude(status="SUCCESSFUL").exists(), deploy.logs()
    every_task = DBTaskResult.objects.all()
    assert all(len(t.worker_ids) == 1 for t in every_task), "no task was taken by two workers"

    # The import: written once, although both workers held a write task at once.
    commits = tasks_of("import_commit")
    assert len(commits) == 2
    assert [len(tasks_of(n)) for n in ("import_prepare", "import_check")] == [1, 1]
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and job.result["written"]["created"] == IMPORT_ROWS, job.result
    assert Person.objects.count() == people_before + IMPORT_ROWS
    assert AuditLog.objects.filter(verb="import_people").count() == 1

    # The broadcast: one fan-out, two sending tasks on the two workers, each message sent once.
    sends = tasks_of("send")
    assert len(tasks_of("fanout")) == 1 and len(sends) == 2
    per_task = [t.return_value["sent"] + t.return_value["delivered"] for t in sends]
    assert sum(per_task) == RECIPIENTS, per_task
    messages = Message.objects.filter(broadcast=broadcast)
    assert set(messages.values_list("attempts", flat=True)) == {1}
    lines = [json.loads(line)["id"] for line in outbox.read_text().splitlines()]
    assert sorted(lines) == sorted(messages.values_list("id", flat=True)), "each message in the outbox once"
    assert OutboxEntry.objects.count() == RECIPIENTS
    assert Broadcast.objects.get(pk=broadcast.pk).status == Broadcast.Status.SENT
