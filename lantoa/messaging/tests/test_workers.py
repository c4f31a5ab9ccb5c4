"""Sending through a real Kannel with the app's own callbacks, and real `db_worker` processes of which one
is killed mid-batch.

Kannel (bearerbox, smsbox, fakesmsc on loopback) calls back the test's live server: delivery reports on
each message's dlr-url, replies on the sms-service get-url. That get-url is written into Kannel's
configuration when Kannel starts (once per module), before any test has a database row, so the gateway
row of every test has a fixed id and hook token that the URL names.

Workers are separate processes on the test database (a SQLite file or PostgreSQL), with a short lease and
report grace period given through the environment, like `lantoa/core/tests/test_worker.py`.
"""

import collections
import inspect
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from conftest import current_commune
from lantoa.audience.models import Person, Reach
from lantoa.core.tests.test_worker import _worker_env
from lantoa.messaging import dispatch, services, tasks
from lantoa.messaging import text as mtext
from lantoa.messaging.models import GatewayConfig, Inbound, Message, OptOut, ReportLog
from lantoa.messaging.tests.conftest import UNIT
from lantoa.messaging.tests.kannel import _die_with_parent
from lantoa.orgs.models import Unit

ROOT = Path(__file__).resolve().parents[3]

# Kannel's get-url is fixed when Kannel starts, so every test's gateway row has this id and token.
GATEWAY_PK = 4242
HOOK_TOKEN = "kannel-hook-token-for-tests"


@pytest.fixture(scope="module")
def kannel_mo_url(live_server):
    # The token as the address's user and password: Kannel sends them as an Authorization header.
    host = live_server.url.split("://", 1)[1]
    return f"http://lantoa:{HOOK_TOKEN}@{host}/messages/hooks/{GATEWAY_PK}/incoming/"


@pytest.fixture
def kannel_gateway(kannel, live_server, settings, transactional_db):
    """The default gateway (no unit): the module's Kannel; its reports come back to the live server."""
    GatewayConfig.objects.update(active=False)
    settings.MESSAGING_CALLBACK_BASE = live_server.url
    if not kannel.smsc_online():  # an earlier test may have left fakesmsc between two runs
        kannel.reconnect_fakesmsc()
    return GatewayConfig.objects.create(
        pk=GATEWAY_PK,
        hook_token=HOOK_TOKEN,
        name="Kannel (thử)",
        kind="kannel",
        url=kannel.url,
        username=kannel.username,
        password=kannel.password,
        sender="BHXH",
        timeout_seconds=5,
    )


def wait_until(predicate, *, timeout: float, what, interval: float = 0.05):
    """The first truthy value of `predicate()`; `what` (text, or a function giving it) names it on failure."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what() if callable(what) else what}")
        time.sleep(interval)


# --- 1. A broadcast through Kannel and back ----------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_broadcast_goes_through_kannel_and_its_reports_and_replies_come_back(
    kannel, kannel_gateway, draft, farmers, officers, django_capture_on_commit_callbacks
):
    _author, approver = officers
    # The immediate task backend runs the fan-out and the sending here; Kannel calls the live server.
    with django_capture_on_commit_callbacks(execute=True):
        services.broadcast_approve(actor=approver, broadcast=draft)

    tail = ": BHXH tự nguyện giúp có lương hưu. Hỏi UBND xã để được hướng dẫn."
    expected = {
        "0912000001": "Kính gửi Nguyễn Văn An" + tail,
        "0912000002": "Kính gửi Trần Thị Bình" + tail,
        "0912000003": "Kính gửi Lê Văn Cường" + tail,
    }
    messages = Message.objects.filter(broadcast=draft)
    assert messages.count() == 3 and {m.gateway_id for m in messages} == {GATEWAY_PK}

    wait_until(
        lambda: not messages.exclude(status=Message.Status.DELIVERED).exists(),
        timeout=15,
        what=lambda: f"delivery reports; statuses {list(messages.values_list('phone', 'status'))}",
    )
    got = [sms for sms in kannel.received() if sms.receiver in expected]
    assert sorted((sms.receiver, sms.sender, sms.text) for sms in got) == [
        (number, "BHXH", text) for number, text in sorted(expected.items())
    ]  # each exactly once, the Vietnamese text intact (two UCS-2 parts joined)
    assert all(sms.kind == "udh" and sms.parts == 2 for sms in got)

    for message in messages.all():  # afresh: `messages` holds the rows as they were before the reports
        assert message.sent_at and message.delivered_at and message.finished_at and message.attempts == 1
        assert message.lease_token == "" and message.lease_until is None
        outcomes = set(ReportLog.objects.filter(message=message).values_list("status", "outcome"))
        assert (Message.Status.DELIVERED, ReportLog.Outcome.APPLIED) in outcomes
    assert not ReportLog.objects.filter(outcome=ReportLog.Outcome.UNKNOWN).exists()
    reach = Reach.objects.filter(source=Reach.Source.MESSAGE)
    assert sorted(reach.values_list("person_id", "source_key")) == sorted((m.person_id, f"m:{m.pk}") for m in messages)
    draft.refresh_from_db()
    assert draft.status == draft.Status.SENT

    # A reply "TC" from An's phone, as the SMSC gives it (national form), stops messages to him.
    an, binh = farmers[0], farmers[1]
    kannel.send_incoming("0912000001", "8088", "TC")
    optout = wait_until(lambda: OptOut.objects.filter(phone="+84912000001").first(), timeout=10, what="the opt-out")
    assert optout.source == OptOut.Source.REPLY
    inbound = Inbound.objects.get(phone="+84912000001")
    assert (inbound.gateway_kind, inbound.text, inbound.action, inbound.people) == ("kannel", "TC", "opt_out", 1)
    an.refresh_from_db()
    assert not an.consent
    # "Từ chối" comes as UCS-2 and reaches the app as UTF-8 (mo-recode): also an opt-out.
    kannel.send_incoming("0912000002", "8088", "Từ chối")
    wait_until(lambda: OptOut.objects.filter(phone="+84912000002").exists(), timeout=10, what="the second opt-out")
    assert Inbound.objects.get(phone="+84912000002").text == "Từ chối"
    binh.refresh_from_db()
    assert not binh.consent
    assert Person.objects.get(pk=farmers[2].pk).consent  # Cường did not reply


# --- 2. Real workers; one killed in the middle of a batch ------------------------------------------------

COUNT = 120
RATE = 25  # messages per second, shared by the workers: the victim's batch takes a few seconds
# What the first worker claims: a batch of `dispatch` (the rest, if any, goes to the other worker).
FIRST_BATCH = min(COUNT, inspect.signature(dispatch.dispatch).parameters["batch"].default)


def _start_worker(name: str, env: dict, log_dir: Path) -> subprocess.Popen:
    log = open(log_dir / f"{name}.log", "ab")  # noqa: SIM115 (closed by the test)
    proc = subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "db_worker",
            "--backend",
            "db",
            "--no-startup-delay",
            "--no-reload",
            "--interval",
            "0.1",
            "--worker-id",
            name,
        ],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        preexec_fn=_die_with_parent,  # a killed pytest leaves no worker behind
    )
    proc.log = log
    return proc


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)
    proc.log.close()


def _logs(log_dir: Path) -> str:
    return "\n".join(f"--- {p.name}\n{p.read_text(errors='replace')[-3000:]}" for p in sorted(log_dir.glob("*.log")))


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_batch_loses_nothing_and_sends_nothing_twice(
    kannel, kannel_gateway, default_data, any_hour, live_server, tmp_path
):
    GatewayConfig.objects.filter(pk=GATEWAY_PK).update(rate_per_second=RATE)
    unit, commune = Unit.objects.get(code=UNIT), current_commune("Xã Long Khánh")
    people = Person.objects.bulk_create(
        Person(
            full_name=f"Người thử {n:03d}",
            name_key=f"người thử {n:03d}",
            phone=f"+8491350{n:04d}",
            consent=True,
            consent_channel="all",
            unit=unit,
            area=commune,
        )
        for n in range(COUNT)
    )
    now = timezone.now()
    texts = [f"BHXH Lan Tỏa: tin thử số {n:03d}" for n in range(COUNT)]
    Message.objects.bulk_create(
        Message(
            key=f"t:kill:{n}",
            person=person,
            unit=unit,
            gateway_id=GATEWAY_PK,
            phone=person.phone,
            text=texts[n],
            unicode=mtext.sms_parts(texts[n]).unicode,
            parts=mtext.sms_parts(texts[n]).parts,
            not_before=now,
        )
        for n, person in enumerate(people)
    )
    ids = list(Message.objects.order_by("id").values_list("id", flat=True))  # claimed in this order
    id_of = dict(zip(texts, ids, strict=True))
    assert len(ids) == COUNT and all(mtext.sms_parts(t).parts == 1 for t in texts)

    def received_ids() -> list[int]:
        return [id_of[sms.text] for sms in kannel.received() if sms.text in id_of]

    env = _worker_env() | {
        "MESSAGING_LEASE_SECONDS": "2",
        "MESSAGING_REPORT_GRACE": "3",
        "MESSAGING_CALLBACK_BASE": live_server.url,
        "MESSAGING_DISPATCH_SECONDS": "20",
        "PYTHONUNBUFFERED": "1",
    }
    workers: dict[str, subprocess.Popen] = {}
    started = time.monotonic()
    try:
        for name in ("w1", "w2"):
            workers[name] = _start_worker(name, env, tmp_path)
        send = tasks.send.using(backend="db")
        first = send.enqueue()
        running = wait_until(
            lambda: DBTaskResult.objects.filter(id=first.id, status="RUNNING").first(),
            timeout=20,
            what=lambda: "a worker to take the first send\n" + _logs(tmp_path),
        )
        victim_name = running.worker_ids[-1]
        victim = workers[victim_name]
        # The victim claims the first FIRST_BATCH messages (a lease with its token); only then the other
        # worker gets a task: it claims what is left, if anything, and waits for its turn on the gateway's
        # shared rate limit.
        batch = set(ids[:FIRST_BATCH])
        leased = wait_until(
            lambda: dict(Message.objects.exclude(lease_token="").values_list("id", "lease_token")),
            timeout=10,
            what=lambda: "the victim's claim\n" + _logs(tmp_path),
            interval=0.01,
        )
        assert set(leased) <= batch and len(set(leased.values())) == 1, leased
        second = send.enqueue()
        # Kill the victim as soon as it has sent something (it sends one message every 1/RATE s).
        wait_until(
            received_ids, timeout=10, what=lambda: "the first message at the SMSC\n" + _logs(tmp_path), interval=0.01
        )
        victim.send_signal(signal.SIGKILL)
        victim.wait(timeout=5)
        assert victim.returncode == -signal.SIGKILL
        killed_at = time.monotonic() - started
        time.sleep(0.5)  # a request smsbox had already taken reaches fakesmsc and reports back

        # What the victim left: read the database first, then what the SMSC got (a report follows receipt).
        left = dict(Message.objects.filter(id__in=batch).values_list("id", "status"))
        tokens = set(Message.objects.filter(id__in=batch, status="sending").values_list("lease_token", flat=True))
        sent_by_victim = set(received_ids())
        assert sent_by_victim <= batch, "only the victim had sent anything"
        assert 0 < len(sent_by_victim) < FIRST_BATCH, f"killed mid-batch: it had sent {len(sent_by_victim)}"
        unsent = {pk for pk, status in left.items() if pk not in sent_by_victim}
        assert all(left[pk] == Message.Status.SENDING for pk in unsent), left
        assert tokens == set(leased.values()), "the rest is leased by the dead worker"

        workers["w3"] = _start_worker("w3", env, tmp_path)  # the replacement
        # Like the scheduler's `tick`: while messages wait, keep a send task in the queue.
        deadline = time.monotonic() + 60
        while Message.objects.exclude(status=Message.Status.DELIVERED).exists():
            assert time.monotonic() < deadline, (
                f"not all delivered: {collections.Counter(Message.objects.values_list('status', flat=True))}\n"
                + _logs(tmp_path)
            )
            for proc in (p for name, p in workers.items() if name != victim_name):
                assert proc.poll() is None, _logs(tmp_path)
            if not DBTaskResult.objects.filter(status="READY").exists():
                send.enqueue()
            time.sleep(0.2)
        done_at = time.monotonic() - started
    finally:
        for proc in workers.values():
            _stop(proc)

    counts = collections.Counter(received_ids())
    assert sorted(counts) == ids, "none lost"
    assert [pk for pk, n in counts.items() if n > 1] == [], "none sent twice"
    # What the dead worker had not sent was queued again after lease + grace, and sent once by another.
    reaped = set(Message.objects.filter(reason="in doubt after a worker stopped").values_list("id", flat=True))
    assert reaped and reaped <= unsent
    assert set(Message.objects.filter(id__in=reaped).values_list("attempts", flat=True)) == {2}
    assert set(Message.objects.exclude(id__in=reaped).values_list("attempts", flat=True)) == {1}
    assert not ReportLog.objects.filter(outcome=ReportLog.Outcome.UNKNOWN).exists()
    assert Reach.objects.filter(source=Reach.Source.MESSAGE).count() == COUNT
    assert DBTaskResult.objects.get(id=second.id).worker_ids[0] != victim_name  # the other one took it
    print(f"killed {victim_name} at {killed_at:.1f}s, {len(sent_by_victim)}/{FIRST_BATCH} of its batch sent; ", end="")
    print(f"all {COUNT} delivered at {done_at:.1f}s")
