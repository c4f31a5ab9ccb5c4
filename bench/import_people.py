"""Benchmark of the people import (issue 4): a large CSV and XLSX of the office's people layout, checked and
written by the import engine, against a bare bulk insert of the same already-parsed rows (the floor).

    .venv/bin/python bench/import_people.py --database /tmp/bi/people.sqlite3 --csv-rows 1000000 --xlsx-rows 200000
    .venv/bin/python bench/import_people.py --database postgres://postgres@127.0.0.1:5433/bench_import ...
    .venv/bin/python bench/import_people.py --database /tmp/bi/p.sqlite3 --csv-rows 100000 --xlsx-rows 0

Each size runs in a child process of its own so that its peak RSS (getrusage) is its own: memory is flat
when the peak hardly grows from 100,000 to 1,000,000 rows. Prints one table; `--json` writes the figures.
Not run by the test suite.
"""

import argparse
import csv
import datetime as dt
import json
import os
import platform
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import is_postgres, pg_database_name, pg_maintenance_url, setup_django  # noqa: E402

HEADERS = [
    "STT",
    "Họ và tên",
    "Ngày sinh",
    "Giới tính",
    "Số CCCD",
    "Mã số BHXH",
    "Số điện thoại",
    "Ấp",
    "Xã",
    "Mức thu nhập làm căn cứ đóng",
    "Phương thức đóng",
    "Đóng đến tháng",
]
LAST = ["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương"]
MIDDLE = ["Văn", "Thị", "Hữu", "Ngọc", "Minh", "Thanh", "Quốc", "Thị Ngọc"]
GIVEN = ["An", "Bình", "Cúc", "Dũng", "Em", "Giang", "Hạnh", "Khánh", "Lộc", "Phúc", "Tư", "Ánh", "Yến", "Nghĩa"]
COMMUNES = [
    "Xã Long Khánh A",
    "Xã Long Khánh B",
    "Xã Long Thuận",
    "Xã Phú Thuận A",
    "Xã Phú Thuận B",
    "Xã Thường Lạc",
    "Xã Thường Thới Hậu A",
    "Xã Thường Phước 1",
    "Xã Thường Phước 2",
    "Thị trấn Thường Thới Tiền",
]
MODES = ["3 tháng", "6 tháng", "12 tháng", "hằng tháng"]


EXTRA = [
    "Bảo",
    "Công",
    "Đức",
    "Gia",
    "Hoài",
    "Kim",
    "Mỹ",
    "Nhật",
    "Phương",
    "Quang",
    "Thảo",
    "Tuấn",
    "Vân",
    "Xuân",
    "Hồng",
    "Diệu",
    "Hải",
    "Thu",
    "Trung",
    "Việt",
]
NAMES = len(LAST) * len(MIDDLE) * len(EXTRA) * len(GIVEN)


def name_and_birth(i: int, rnd: random.Random) -> tuple[str, str]:
    """Unique (name, birth date) for every i: the name from i's digits, the date in a range of its own."""
    j, block = i % NAMES, i // NAMES
    parts = []
    for pool in (LAST, MIDDLE, EXTRA, GIVEN):
        parts.append(pool[j % len(pool)])
        j //= len(pool)
    born = dt.date(1958, 1, 1) + dt.timedelta(days=block * 400 + rnd.randint(0, 360))
    return " ".join(parts), born.strftime("%d/%m/%Y")


def rows(n: int, seed: int = 4):
    rnd = random.Random(seed)
    for i in range(1, n + 1):
        name, born = name_and_birth(i, rnd)
        yield [
            i,
            name,
            born,
            rnd.choice(["Nam", "Nữ"]),
            f"87{i:010d}",  # 11 digits: the leading zero lost, as Excel does
            "",
            f"09{i % 100_000_000:08d}" if i % 3 else "",
            f"Ấp {rnd.randint(1, 6)}",
            rnd.choice(COMMUNES),
            f"{rnd.randint(15, 60) * 100_000:,}".replace(",", "."),
            rnd.choice(MODES),
            f"{rnd.randint(1, 12):02d}/{rnd.choice([2024, 2025])}",
        ]


def write_csv(path: Path, n: int) -> None:
    with path.open("w", newline="", encoding="utf-8-sig") as fh:
        w = csv.writer(fh)
        w.writerow(["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"])
        w.writerow(["DANH SÁCH NGƯỜI THAM GIA BHXH TỰ NGUYỆN"])
        w.writerow(HEADERS)
        w.writerow([f"({i})" for i in range(1, len(HEADERS) + 1)])
        w.writerows(rows(n))


def write_xlsx(path: Path, n: int) -> None:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("DS")
    ws.append(["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"])
    ws.append(["DANH SÁCH NGƯỜI THAM GIA BHXH TỰ NGUYỆN"])
    ws.append(HEADERS)
    ws.append([f"({i})" for i in range(1, len(HEADERS) + 1)])
    for r in rows(n):
        r[4] = int(r[4])  # number cells, as offices' sheets have them
        r[6] = int(r[6]) if r[6] else None
        ws.append(r)
    wb.save(path)


def prepare_database(database: str) -> None:
    if is_postgres(database):
        import psycopg

        with psycopg.connect(pg_maintenance_url(database), autocommit=True) as conn:
            name = pg_database_name(database)
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
    else:
        Path(database).unlink(missing_ok=True)
    setup_django(database)
    import io

    from django.core.management import call_command

    quiet = io.StringIO()
    call_command("migrate", verbosity=0, stdout=quiet)
    call_command("load_areas", legacy_province=87, district=[870], stdout=quiet)
    call_command("load_units", stdout=quiet)
    call_command("load_taxonomy", stdout=quiet)


def child(database: str, fmt: str, n: int, workdir: Path) -> dict:
    """One size: generate, import (check + write), then the floor on the same table."""
    prepare_database(database)
    from django.core.files import File
    from django.db import connection, transaction

    from lantoa.audience.imports import engine
    from lantoa.audience.models import ImportJob, Person
    from lantoa.orgs.models import Unit

    path = workdir / f"people-{n}.{fmt}"
    t = time.perf_counter()
    if not path.exists():
        (write_csv if fmt == "csv" else write_xlsx)(path, n)
    generated = time.perf_counter() - t
    unit = Unit.objects.get(code="hn-bhxh")
    with path.open("rb") as fh:
        upload = File(fh, name=path.name)
        upload.size = path.stat().st_size
        t = time.perf_counter()
        job = engine.job_create(actor=None, kind="people", unit=unit, upload=upload)
        uploaded = time.perf_counter() - t
    assert not engine.mapping_save(job, job.mapping["columns"], "")
    t = time.perf_counter()
    engine.run_check(job, None)
    checked = time.perf_counter() - t
    assert job.result["error_rows"] == 0, job.errors[:5]
    job.status = ImportJob.Status.IMPORTING
    job.save(update_fields=["status"])
    t = time.perf_counter()
    totals = engine.run_commit(job, None)
    committed = time.perf_counter() - t
    assert totals["created"] == n, totals
    rss_import = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024

    # The floor: the same rows, already parsed, inserted bare with bulk_create in one transaction.
    fields = [f.attname for f in Person._meta.concrete_fields if f.attname != "id"]
    chunks: list[Path] = []
    import pickle

    last = 0
    while True:
        values = list(Person.objects.filter(id__gt=last).order_by("id").values_list("id", *fields)[:100_000])
        if not values:
            break
        last = values[-1][0]
        chunk = workdir / f"floor-{len(chunks)}.pickle"
        chunk.write_bytes(pickle.dumps([v[1:] for v in values]))
        chunks.append(chunk)
    with connection.cursor() as cur:
        cur.execute("DELETE FROM audience_person")
    floor = 0.0
    with transaction.atomic():
        for chunk in chunks:
            objs = [Person(**dict(zip(fields, v, strict=True))) for v in pickle.loads(chunk.read_bytes())]  # noqa: S301 - our own file
            t = time.perf_counter()
            Person.objects.bulk_create(objs, batch_size=500)
            floor += time.perf_counter() - t
            chunk.unlink()
        t = time.perf_counter()
    floor += time.perf_counter() - t  # the commit
    assert Person.objects.count() == n
    full = checked + committed
    return {
        "database": "postgresql" if is_postgres(database) else "sqlite",
        "format": fmt,
        "rows": n,
        "file_mb": round(path.stat().st_size / 1e6, 1),
        "generate_s": round(generated, 1),
        "upload_s": round(uploaded, 1),
        "check_s": round(checked, 1),
        "write_s": round(committed, 1),
        "import_s": round(full, 1),
        "import_rows_s": round(n / full),
        "floor_s": round(floor, 1),
        "floor_rows_s": round(n / floor),
        "ratio": round((n / full) / (n / floor), 3),
        "peak_rss_mb": rss_import,
    }


def machine() -> str:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{platform.node()} · {os.cpu_count()} CPU {cpu} · {mem:.0f} GiB · Python {platform.python_version()}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", required=True)
    parser.add_argument("--csv-rows", default="100000,1000000", help="comma-separated sizes")
    parser.add_argument("--xlsx-rows", default="200000", help="comma-separated sizes (0: none)")
    parser.add_argument("--workdir", default="")
    parser.add_argument("--json", default="")
    parser.add_argument("--child", nargs=3, metavar=("FORMAT", "ROWS", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    workdir = Path(args.workdir or (Path(args.database).parent if not is_postgres(args.database) else "/tmp"))  # noqa: S108
    workdir.mkdir(parents=True, exist_ok=True)
    if args.child:
        fmt, n, out = args.child
        Path(out).write_text(json.dumps(child(args.database, fmt, int(n), workdir)))
        return 0
    results = []
    plan = [("csv", int(n)) for n in args.csv_rows.split(",") if int(n)]
    plan += [("xlsx", int(n)) for n in args.xlsx_rows.split(",") if int(n)]
    print(machine())
    print(
        f"{'db':10} {'fmt':4} {'rows':>9} {'MB':>6} {'check s':>8} {'write s':>8} {'import r/s':>10} "
        f"{'floor r/s':>10} {'ratio':>6} {'peak RSS MB':>11}"
    )
    for fmt, n in plan:
        out = workdir / f"result-{fmt}-{n}.json"
        cmd = [
            sys.executable,
            __file__,
            "--database",
            args.database,
            "--workdir",
            str(workdir),
            "--child",
            fmt,
            str(n),
            str(out),
        ]
        subprocess.run(cmd, check=True)
        r = json.loads(out.read_text())
        results.append(r)
        print(
            f"{r['database']:10} {fmt:4} {n:>9,} {r['file_mb']:>6} {r['check_s']:>8} {r['write_s']:>8} "
            f"{r['import_rows_s']:>10,} {r['floor_rows_s']:>10,} {r['ratio']:>6} {r['peak_rss_mb']:>11,}",
            flush=True,
        )
    if args.json:
        Path(args.json).write_text(json.dumps({"machine": machine(), "results": results}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
