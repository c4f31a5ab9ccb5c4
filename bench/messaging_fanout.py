"""Benchmark of a broadcast's fan-out: one approved broadcast to N people, `dispatch.fanout` (segment query,
rules — consent, mobile number, opt-outs, daily cap —, rendering, queueing) against a bare
`Message.objects.bulk_create` of the same rows (the floor), in the same run on the same table.

    .venv/bin/python bench/messaging_fanout.py --database /tmp/bm/fanout.sqlite3                  # 100k, then 1M
    .venv/bin/python bench/messaging_fanout.py --database /tmp/bm/fanout.sqlite3 --people 100000  # a quick run
    .venv/bin/python bench/messaging_fanout.py --database postgres://postgres@127.0.0.1:5499/bench_messaging

For each size, two child processes: the first builds the database from nothing (migrate, the areas, units
and taxonomy of bench/import_people.py, N people with consent and distinct mobile numbers +849xxxxxxxx
spread over the communes — written as bench/reach.py writes its people (executemany on SQLite, COPY on
PostgreSQL; bulk_create of a million Person objects alone took ~11 minutes here) —, a segment
{"statuses": ["voluntary"]}, a template with {ho_ten}, an APPROVED broadcast); the second runs the
fan-out alone — so its peak RSS (getrusage) is the fan-out's own; memory is flat when that peak hardly
grows from 100,000 to 1,000,000 — and then the floor: the fan-out's rows, read back (every column the
fan-out wrote, text already rendered) and kept on disk in 100,000-row pickles, the table emptied, the rows
inserted again with bulk_create (batch 1000, as the fan-out) in one transaction. Only the bulk_create
calls and the commit are timed for the floor (building the model objects is not), as in import_people.py.

Both run on an empty message table (TRUNCATE on PostgreSQL, DELETE on SQLite in between). PostgreSQL gets
VACUUM ANALYZE after loading the people (what autovacuum would do); SQLite is left as Django leaves it.
The PostgreSQL database named in the URL is dropped and created, and dropped again at the end unless
--keep. Not run by the test suite.
"""

import argparse
import datetime as dt
import json
import pickle
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import is_postgres, pg_database_name, pg_maintenance_url, setup_django  # noqa: E402
from bench.import_people import machine, name_and_birth, prepare_database  # noqa: E402

BODY = "Kính gửi {ho_ten}: BHXH tự nguyện giúp có lương hưu. Hỏi UBND xã để được hướng dẫn."
UNIT = "hn-bhxh"
PEOPLE_BATCH = 50_000
PERSON_COLUMNS = [
    "full_name", "name_key", "sex", "cccd", "bhxh_number", "phone", "phone2", "address", "area_id", "unit_id",
    "occupation", "insurance_status", "payment_mode", "consent", "consent_date", "consent_channel", "source", "note",
    "created_at", "updated_at", "is_demo",
]  # fmt: skip


def _insert(cursor, table: str, columns: list[str], rows: list[tuple], postgres: bool) -> None:
    """As bench/reach.py writes its people: COPY on PostgreSQL, executemany on SQLite."""
    if postgres:
        with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    else:
        marks = ", ".join(["%s"] * len(columns))
        cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)  # noqa: S608


def log(msg: str) -> None:
    print(f"[fanout {time.strftime('%H:%M:%S')}] {msg}", flush=True)


def build(database: str, n: int, seed: int = 9) -> dict:
    """A fresh database with n recipients and one approved broadcast; returns its id and timings."""
    t = time.perf_counter()
    prepare_database(database)
    from django.db import connection, transaction

    from lantoa.audience.models import Person, Segment
    from lantoa.geo.models import Area
    from lantoa.messaging.models import Broadcast, Template
    from lantoa.orgs.models import Unit

    unit = Unit.objects.get(code=UNIT)
    communes = list(Area.objects.filter(level=Area.Level.COMMUNE).values_list("id", flat=True))
    assert communes, "no communes loaded"
    rnd = random.Random(seed)
    prepared = time.perf_counter() - t
    t = time.perf_counter()
    postgres = connection.vendor == "postgresql"
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC) if postgres else "2026-01-01 00:00:00"
    consent_day = dt.date(2025, 1, 1) if postgres else "2025-01-01"
    made = 0
    with connection.cursor() as cur:
        while made < n:
            rows = []
            for i in range(made + 1, min(made + PEOPLE_BATCH, n) + 1):
                name, _born = name_and_birth(i, rnd)
                rows.append(
                    (
                        name, name.lower(), "", "", "", f"+849{i:08d}", "", "", communes[i % len(communes)], unit.pk,
                        "", "voluntary", "", True, consent_day, "all", "bench", "", now, now, False,
                    )
                )  # fmt: skip
            with transaction.atomic():
                _insert(cur, Person._meta.db_table, PERSON_COLUMNS, rows, postgres)
            made += len(rows)
    people_s = time.perf_counter() - t
    segment = Segment.objects.create(
        name="Người tham gia BHXH tự nguyện", unit=unit, filters={"statuses": ["voluntary"]}
    )
    template = Template.objects.create(name="Mời đóng BHXH tự nguyện", unit=unit, body=BODY)
    broadcast = Broadcast.objects.create(
        title="Vận động BHXH tự nguyện",
        unit=unit,
        template=template,
        segment=segment,
        body=template.body,
        status=Broadcast.Status.APPROVED,
        approved_at=dt.datetime.now(dt.UTC),
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("VACUUM ANALYZE")
    return {"broadcast": broadcast.pk, "prepare_s": round(prepared, 1), "people_s": round(people_s, 1)}


def _empty_messages() -> None:
    from django.db import connection

    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("TRUNCATE messaging_message CASCADE")  # the report log points at it (empty here)
        else:
            cur.execute("DELETE FROM messaging_message")


def measure(database: str, n: int, broadcast_id: int, workdir: Path) -> dict:
    """The fan-out (peak RSS taken right after it), then the floor on the same table."""
    setup_django(database)
    from django.db import connection, transaction

    from lantoa.messaging import dispatch
    from lantoa.messaging.models import Broadcast, Message

    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    t = time.perf_counter()
    queued = dispatch.fanout(broadcast_id)
    fanout_s = time.perf_counter() - t
    rss_fanout = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    b = Broadcast.objects.get(pk=broadcast_id)
    assert queued == n and b.queued == n and b.fanout_done, (queued, b.queued, b.fanout_done, b.status)
    sample = Message.objects.filter(broadcast=broadcast_id).order_by("id").values("text", "unicode", "parts").first()

    # The floor: the same rows, every column the fan-out wrote, precomputed, inserted bare.
    fields = [f.attname for f in Message._meta.concrete_fields if f.attname != "id"]
    chunks: list[Path] = []
    last = 0
    while True:
        values = list(Message.objects.filter(id__gt=last).order_by("id").values_list("id", *fields)[:100_000])
        if not values:
            break
        last = values[-1][0]
        chunk = workdir / f"floor-{n}-{len(chunks)}.pickle"
        chunk.write_bytes(pickle.dumps([v[1:] for v in values]))
        chunks.append(chunk)
    _empty_messages()
    floor_s = 0.0
    with transaction.atomic():
        for chunk in chunks:
            objs = [Message(**dict(zip(fields, v, strict=True))) for v in pickle.loads(chunk.read_bytes())]  # noqa: S301 - our own file
            t = time.perf_counter()
            Message.objects.bulk_create(objs, batch_size=1000)
            floor_s += time.perf_counter() - t
            chunk.unlink()
        t = time.perf_counter()
    floor_s += time.perf_counter() - t  # the commit
    assert Message.objects.count() == n
    if connection.vendor == "postgresql":
        version = connection.cursor().connection.info.server_version
        engine = f"PostgreSQL {version // 10000}.{version % 10000}"
    else:
        import sqlite3

        engine = f"SQLite {sqlite3.sqlite_version}"
    return {
        "database": engine,
        "people": n,
        "fanout_s": round(fanout_s, 1),
        "fanout_rows_s": round(n / fanout_s),
        "floor_s": round(floor_s, 1),
        "floor_rows_s": round(n / floor_s),
        "ratio": round(floor_s / fanout_s, 3),  # fan-out rows/s ÷ floor rows/s
        "rss_start_mb": rss_before,
        "peak_rss_mb": rss_fanout,
        "sample": sample,
    }


def _child(args, *what) -> dict:
    out = Path(args.workdir) / f"result-{'-'.join(what)}.json"
    cmd = [sys.executable, __file__, "--database", args.database, "--workdir", args.workdir, "--child", *what, str(out)]
    subprocess.run(cmd, check=True)
    return json.loads(out.read_text())


def drop_pg(database: str) -> None:
    import psycopg

    with psycopg.connect(pg_maintenance_url(database), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{pg_database_name(database)}"')


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", required=True, help="SQLite file path, or postgres://… URL")
    parser.add_argument("--people", default="100000,1000000", help="comma-separated sizes")
    parser.add_argument("--workdir", default="")
    parser.add_argument("--json", default="")
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL database")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    postgres = is_postgres(args.database)
    args.workdir = args.workdir or str(Path("/tmp/lantoa-bench-fanout") if postgres else Path(args.database).parent)  # noqa: S108
    workdir = Path(args.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    if args.child:
        what, *rest, out = args.child
        if what == "build":
            result = build(args.database, int(rest[0]))
        else:
            result = measure(args.database, int(rest[0]), int(rest[1]), workdir)
        Path(out).write_text(json.dumps(result))
        return 0
    print(machine())
    print(
        f"{'database':16} {'people':>9} {'fan-out s':>9} {'rows/s':>8} {'floor s':>8} {'rows/s':>8} "
        f"{'ratio':>6} {'peak RSS MB':>11}",
        flush=True,
    )
    results = []
    try:
        for n in [int(x) for x in args.people.split(",") if int(x)]:
            built = _child(args, "build", str(n))
            r = _child(args, "measure", str(n), str(built["broadcast"]))
            r.update(built)
            results.append(r)
            print(
                f"{r['database']:16} {n:>9,} {r['fanout_s']:>9} {r['fanout_rows_s']:>8,} {r['floor_s']:>8} "
                f"{r['floor_rows_s']:>8,} {r['ratio']:>6} {r['peak_rss_mb']:>11,}   "
                f"(start {r['rss_start_mb']} MB; build {r['prepare_s']} s + people {r['people_s']} s)",
                flush=True,
            )
    finally:
        if postgres and not args.keep:
            drop_pg(args.database)
    if results:
        s = results[0]["sample"]
        print(f"message: {s['parts']} part(s), {'UCS-2' if s['unicode'] else 'GSM-7'}: {s['text']!r}")
    if args.json:
        Path(args.json).write_text(json.dumps({"machine": machine(), "results": results}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
