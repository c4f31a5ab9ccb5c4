"""Benchmark of sending through a real Kannel: `dispatch.dispatch()` of N queued messages to the kannel
gateway (bearerbox + smsbox + fakesmsc on loopback, started with the test harness
lantoa/messaging/tests/kannel.py) against a bare loop of HTTP GETs to the same smsbox sendsms, with the
same parameters, for the same messages (the floor), in the same run.

    .venv/bin/python bench/messaging_kannel.py --database /tmp/bk/kannel.sqlite3                 # 2,000 messages
    .venv/bin/python bench/messaging_kannel.py --database /tmp/bk/kannel.sqlite3 --messages 500 --rounds 3
    .venv/bin/python bench/messaging_kannel.py --database postgres://postgres@127.0.0.1:5499/bench_kannel

Set-up (not timed): the database of bench/messaging_fanout.py (N people with consent, a segment, a
template with {ho_ten}, an approved broadcast — the text is 2 SMS parts in UCS-2), rules without quiet
hours, the Kannel gateway as the default one (no rate limit, batch 200 — dispatch's default), then
`dispatch.fanout`.

- **app**: every message QUEUED again (sent_at, attempts and lease cleared), then `dispatch.dispatch()`
  until it returns; all N must be SENT. Claims, the stale/cap checks, the SENDING mark, one sendsms GET
  per message through the adapter (urllib), the SENT write per batch.
- **floor**: the same GETs — the adapter's own parameters (username, password, from, to in national
  form, text, charset, coding) built beforehand — one at a time with urllib.request.urlopen, each answer
  read and checked ("0: Accepted for delivery"); no database.

Delivery reports are not part of this measure: MESSAGING_CALLBACK_BASE is set to "" so no dlr-url is
sent (with --reports, both phases send a dlr-url pointing at the harness's recording callback server,
so Kannel does the DLR work but the app does not see the reports). Between phases the benchmark waits
until bearerbox has handed every part to fakesmsc (SMSC queue 0, counters still), so that one phase's
backlog does not slow the next; that drain time gives the fakesmsc throughput (messages/s, phase start
to the last message at the SMSC; each message is 2 SMS parts, which fakesmsc logs one by one). Rounds
alternate the order (app, floor; floor, app; …); the best of each is reported. Not run by the test suite.
"""

import argparse
import datetime as dt
import json
import re
import resource
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import is_postgres  # noqa: E402
from bench.import_people import machine  # noqa: E402
from bench.messaging_fanout import build, drop_pg  # noqa: E402


def log(msg: str) -> None:
    print(f"[kannel {time.strftime('%H:%M:%S')}] {msg}", flush=True)


def smsc_counters(kannel) -> tuple[int, int]:
    """(messages sent to the fake SMSC, messages queued in bearerbox) from status.txt. bearerbox counts a
    message once; fakesmsc gets it as its UDH parts (2 here)."""
    status = kannel.status() or ""
    sent = queued = None
    for line in status.splitlines():
        if line.strip().startswith("fake[fake]"):
            m = re.search(r"sent: sms (\d+)", line)
            sent = int(m.group(1)) if m else 0
            m = re.search(r"queued (\d+) msgs", line)
            queued = int(m.group(1)) if m else 0
    m = re.search(r"SMS: received \d+ \((\d+) queued\), sent \d+ \((\d+) queued\)", status)
    if m:
        queued = (queued or 0) + int(m.group(1)) + int(m.group(2))
    if sent is None:
        raise RuntimeError(f"no fake SMSC in bearerbox status:\n{status}")
    return sent, queued or 0


def drain(kannel, started: float, before: int, timeout: float = 600) -> tuple[int, float]:
    """Wait until bearerbox has nothing queued and its SMSC counter is still; returns (messages, seconds
    from `started` to the moment the last one was counted)."""
    deadline = time.monotonic() + timeout
    last, last_change, still = before, time.perf_counter(), 0
    while time.monotonic() < deadline:
        sent, queued = smsc_counters(kannel)
        now = time.perf_counter()
        if sent != last:
            last, last_change, still = sent, now, 0
        elif queued == 0:
            still += 1
            if still >= 5:  # 0.5 s without a change and nothing queued
                return last - before, last_change - started
        time.sleep(0.1)
    raise RuntimeError(f"Kannel did not drain in {timeout}s: {smsc_counters(kannel)}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", required=True, help="SQLite file path, or postgres://… URL")
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=2, help="rounds; each runs both phases, order alternating")
    parser.add_argument("--batch", type=int, default=200, help="dispatch's batch (its default: 200)")
    parser.add_argument("--reports", action="store_true", help="send a dlr-url (to a recording server) in both")
    parser.add_argument("--workdir", default="")
    parser.add_argument("--json", default="")
    args = parser.parse_args()
    postgres = is_postgres(args.database)
    workdir = Path(args.workdir or ("/tmp/lantoa-bench-kannel" if postgres else Path(args.database).parent))  # noqa: S108
    workdir.mkdir(parents=True, exist_ok=True)
    n = args.messages

    from lantoa.messaging.tests.kannel import CallbackServer, KannelHarness

    print(machine(), flush=True)
    try:
        with CallbackServer() as callbacks, KannelHarness(workdir / "kannel-run") as kannel:
            return run(args, n, kannel, callbacks, workdir)
    finally:
        if postgres:
            drop_pg(args.database)


def run(args, n: int, kannel, callbacks, workdir: Path) -> int:
    t = time.perf_counter()
    built = build(args.database, n)  # setup_django happens in there (prepare_database)
    from django.conf import settings
    from django.db import connection

    from lantoa.messaging import dispatch
    from lantoa.messaging.gateways import kannel as kannel_adapter
    from lantoa.messaging.models import GatewayConfig, Message, Policy

    settings.MESSAGING_CALLBACK_BASE = callbacks.url if args.reports else ""
    Policy.objects.create(name="bench: no quiet hours", send_from=dt.time(0, 0), send_until=dt.time(0, 0))
    config = GatewayConfig.objects.create(
        name="Kannel (bench)",
        kind="kannel",
        url=kannel.url,
        username=kannel.username,
        password=kannel.password,
        sender="LanToa",
        rate_per_second=0,
    )
    assert dispatch.fanout(built["broadcast"]) == n
    assert Message.objects.filter(gateway=config, status=Message.Status.QUEUED).count() == n
    log(f"{n:,} messages queued to Kannel at {kannel.url} ({time.perf_counter() - t:.1f}s set-up)")
    engine = "PostgreSQL" if connection.vendor == "postgresql" else "SQLite"
    parts = Message.objects.values_list("parts", flat=True).first()

    # The floor's requests: exactly what the adapter sends for each message (built here, not timed).
    adapter = kannel_adapter.KannelGateway(
        url=config.url, username=config.username, password=config.password, sender=config.sender
    )
    hook = dispatch.hook_url(config, "report")
    urls = []
    for pk, phone, text, unicode in Message.objects.order_by("id").values_list("id", "phone", "text", "unicode"):
        params = {
            "username": config.username,
            "password": config.password,
            "from": config.sender,
            "to": adapter._number(phone),
            "text": text,
            "charset": "UTF-8",
            "coding": "2" if unicode else "0",
        }
        if hook:
            params["dlr-mask"] = str(kannel_adapter.DLR_MASK)
            params["dlr-url"] = adapter.report_url(hook, pk)
        urls.append(f"{adapter._sendsms_url()}?{urllib.parse.urlencode(params)}")

    # Time spent inside the adapter's send (the HTTP round trip), to split the app's time.
    in_send = [0.0]
    real_send = kannel_adapter.KannelGateway.send

    def timed_send(self, message):
        t0 = time.perf_counter()
        try:
            return real_send(self, message)
        finally:
            in_send[0] += time.perf_counter() - t0

    def app_phase() -> dict:
        Message.objects.update(
            status=Message.Status.QUEUED,
            sent_at=None,
            attempts=0,
            lease_token="",
            lease_until=None,
            finished_at=None,
            reason="",
            not_before=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1),
        )
        in_send[0] = 0.0
        kannel_adapter.KannelGateway.send = timed_send
        try:
            t0 = time.perf_counter()
            totals = dispatch.dispatch(max_seconds=3600, batch=args.batch)
            took = time.perf_counter() - t0
        finally:
            kannel_adapter.KannelGateway.send = real_send
        sent = Message.objects.filter(status=Message.Status.SENT).count()
        assert sent == n and totals["sent"] == n, (sent, totals)
        return {"s": took, "http_s": in_send[0], "t0": t0}

    def floor_phase() -> dict:
        t0 = time.perf_counter()
        for url in urls:
            with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (loopback)
                body = response.read()
            if not body.startswith(b"0:"):
                raise RuntimeError(f"Kannel answered {body[:100]!r}")
        return {"s": time.perf_counter() - t0, "http_s": None, "t0": t0}

    phases = {"app": app_phase, "floor": floor_phase}
    runs: dict[str, list[dict]] = {"app": [], "floor": []}
    for r in range(args.rounds):
        order = ("app", "floor") if r % 2 == 0 else ("floor", "app")
        for name in order:
            before, queued = smsc_counters(kannel)
            assert queued == 0, f"Kannel still has {queued} queued before {name}"
            result = phases[name]()
            at_smsc, to_smsc = drain(kannel, result["t0"], before)
            assert at_smsc == n, f"{at_smsc} of {n} messages reached fakesmsc"
            result.update(at_smsc=at_smsc, to_smsc_s=to_smsc)
            runs[name].append(result)
            log(
                f"round {r + 1} {name:5}: {result['s']:.2f}s ({n / result['s']:,.0f} msg/s)"
                + (f", in HTTP {result['http_s']:.2f}s" if result["http_s"] is not None else "")
                + f"; all at fakesmsc {to_smsc:.2f}s after the start ({at_smsc / to_smsc:,.0f} msg/s)"
            )
    app = min(runs["app"], key=lambda x: x["s"])
    floor = min(runs["floor"], key=lambda x: x["s"])
    result = {
        "database": engine,
        "messages": n,
        "parts_per_message": parts,
        "reports": bool(args.reports),
        "app_s": round(app["s"], 2),
        "app_msg_s": round(n / app["s"]),
        "app_http_s": round(app["http_s"], 2),
        "floor_s": round(floor["s"], 2),
        "floor_msg_s": round(n / floor["s"]),
        "ratio": round(floor["s"] / app["s"], 3),
        "fakesmsc_msg_s": round(max(x["at_smsc"] / x["to_smsc_s"] for x in runs["app"] + runs["floor"])),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
        "runs": {
            k: [{kk: round(vv, 3) for kk, vv in x.items() if vv is not None and kk != "t0"} for x in v]
            for k, v in runs.items()
        },  # fmt: skip
    }
    print(
        f"{engine}: {n:,} messages ({result['parts_per_message']:.0f} SMS parts each, UCS-2), "
        f"dlr-url {'sent' if args.reports else 'not sent'}; best of {args.rounds}\n"
        f"  dispatch  {result['app_s']:>7.2f} s  {result['app_msg_s']:>6,} msg/s  "
        f"(in the adapter's HTTP call {result['app_http_s']:.2f} s)\n"
        f"  bare GETs {result['floor_s']:>7.2f} s  {result['floor_msg_s']:>6,} msg/s\n"
        f"  ratio {result['ratio']:.2f} (aim ≥ 0.80) · fakesmsc took up to {result['fakesmsc_msg_s']:,} msg/s · "
        f"peak RSS {result['peak_rss_mb']} MB",
        flush=True,
    )
    if args.json:
        Path(args.json).write_text(json.dumps({"machine": machine(), **result}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
