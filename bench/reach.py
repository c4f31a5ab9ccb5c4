#!/usr/bin/env python
"""T3 and T4 over a million people: the KPI engine against hand-written SQL, same database, same run.

    .venv/bin/python bench/reach.py --database /tmp/r/reach.sqlite3                 # generate, then time
    .venv/bin/python bench/reach.py --database /tmp/r/reach.sqlite3 --reuse         # time an existing one
    .venv/bin/python bench/reach.py --database postgres://postgres@127.0.0.1:5433/bench_reach

Generation (into a throw-away database, rebuilt from nothing): the province structure of
bench/generate.py (today's Đồng Tháp and pre-2025 Đồng Tháp, linked, hamlets, units, the plan over the
whole province), --activities activities 2022–2025 (a share about voluntary BHXH, a share about the
reform contents, 12% not held), --people people (70% with a birth date, the rest a birth year only or
nothing; 2% of unknown sex; 1% merged duplicates; areas spread over the pre-2025 and the current
communes and their hamlets) and --reach reach rows (each on an activity, the date and flags copied
from it, distinct per person and activity), plus the labour-force statistic of every commune. Rows are
written with raw SQL (executemany on SQLite, COPY on PostgreSQL): a volume test of the reading side.

Timing (wall clock, median of --repeat runs after a warm-up; app and SQL runs alternate, so that other
work on the machine weighs on both alike): `plans.kpi.compute` of T3 and T4 for --year as a
coordinator — everything the dashboard cell does: plan communes, area roll-up, the distinct count, the
"age unknown" count beside it, the labour-force statistic and the estimated reach — against one
hand-written SELECT COUNT(DISTINCT person_id) with the same conditions. The two numerators must agree;
the ratio app / SQL is printed.
"""

import argparse
import datetime as dt
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import COORDINATOR, is_postgres, setup_django  # noqa: E402

BATCH = 100_000


def log(msg: str) -> None:
    print(f"[reach {time.strftime('%H:%M:%S')}] {msg}", flush=True)


def _insert(cursor, table: str, columns: list[str], rows: list[tuple], postgres: bool) -> None:
    if postgres:
        raw = cursor.cursor  # the psycopg cursor under Django's wrapper
        with raw.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    else:
        marks = ", ".join(["%s"] * len(columns))
        cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)  # noqa: S608


def generate(args) -> None:
    import generate as base

    base.fresh_database(args.database)
    setup_django(args.database)
    from django.db import connection, transaction

    from lantoa.activities.models import Activity
    from lantoa.audience.models import Person, Reach, Statistic
    from lantoa.geo.models import Area
    from lantoa.taxonomy.models import Topic

    rng = random.Random(args.seed)
    postgres = connection.vendor == "postgresql"

    def day(value):  # SQLite gets ISO text (what Django stores), PostgreSQL typed values through COPY
        return value if postgres or value is None else value.isoformat()

    plan, communes, committee_of = base.load_structure(args.hamlets, rng)
    base.make_coordinator()
    campaigns = base.make_campaigns()
    places = base.Places(communes, rng)
    t = time.perf_counter()
    base.generate_activities(args.activities, places, committee_of, campaigns, random.Random(args.seed + 1))
    log(f"activities: {args.activities:,} in {time.perf_counter() - t:.1f}s")

    # Topics: a third about voluntary BHXH, a third on a reform content, the rest general.
    voluntary_topic = Topic.objects.get(code="bhxh-tu-nguyen")
    reform_topic = Topic.objects.get(code="cai-cach-2")
    general_topic = Topic.objects.get(code="loi-ich")
    acts = list(Activity.objects.order_by("id").values_list("id", "start_date"))
    flags = {}
    through = Activity.topics.through
    links = []
    for pk, _start in acts:
        r = rng.random()
        voluntary, reform = r < 0.33, 0.33 <= r < 0.66
        flags[pk] = (voluntary, reform)
        topic = voluntary_topic if voluntary else reform_topic if reform else general_topic
        links.append(through(activity_id=pk, topic_id=topic.pk))
    through.objects.bulk_create(links, batch_size=5000)

    # People: areas of both structures (pre-2025 records stay on their old commune), units of the commune.
    areas = list(Area.objects.filter(level__gte=Area.Level.COMMUNE).values_list("id", "level", "parent_id"))
    commune_of = {a: (a if level == Area.Level.COMMUNE else parent) for a, level, parent in areas}
    area_ids = [a for a, _l, _p in areas]
    fallback_unit = committee_of[next(iter(committee_of))].pk
    unit_of = {a: committee_of[c].pk if c in committee_of else fallback_unit for a, c in commune_of.items()}
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC) if postgres else "2026-01-01 00:00:00"
    person_cols = [
        "full_name", "name_key", "birth_date", "birth_year", "sex", "cccd", "bhxh_number", "phone", "phone2",
        "address", "area_id", "unit_id", "occupation", "insurance_status", "payment_mode", "consent",
        "consent_channel", "source", "note", "created_at", "updated_at", "is_demo",
    ]  # fmt: skip
    t = time.perf_counter()
    with connection.cursor() as cur:
        made = 0
        while made < args.people:
            rows = []
            for i in range(made, min(made + BATCH, args.people)):
                year = rng.randint(1940, 2015)
                kind = rng.random()
                birth_date = dt.date(year, rng.randint(1, 12), rng.randint(1, 28)) if kind < 0.7 else None
                birth_year = year if kind < 0.97 else None
                r = rng.random()
                sex = "m" if r < 0.49 else "f" if r < 0.98 else ""
                area = rng.choice(area_ids)
                name = f"Nguoi {i}"
                rows.append(
                    (
                        name, name.lower(), day(birth_date), birth_year, sex, f"{87_000_000_000 + i:012d}", "", "", "",
                        "", area, unit_of[area], "", "none", "", False, "", "bench", "", now, now, False,
                    )
                )  # fmt: skip
            with transaction.atomic():
                _insert(cur, Person._meta.db_table, person_cols, rows, postgres)
            made += len(rows)
            if made % 200_000 == 0 or made == args.people:
                log(f"people: {made:,}/{args.people:,}")
        first = Person.objects.order_by("id").values_list("id", flat=True).first()
        # 1% merged into the next person: history kept, never counted.
        cur.execute(
            f"UPDATE {Person._meta.db_table} SET merged_into_id = id + 1 WHERE (id - %s) %% 100 = 99 "  # noqa: S608
            f"AND id < %s",
            [first, first + args.people - 1],
        )
    log(f"people done in {time.perf_counter() - t:.1f}s")

    reach_cols = ["person_id", "date", "source", "source_key", "activity_id", "voluntary", "reform", "created_at",
                  "is_demo"]  # fmt: skip
    per_person = args.reach / args.people * 1.02  # a little more, so the last people do not run short
    t = time.perf_counter()
    # Radio, leaflets and posts name nobody: about 30% of activities have no reach rows (estimated reach).
    named = [a for a in acts if rng.random() < 0.7]
    n_acts = len(named)
    with connection.cursor() as cur:
        made, pid = 0, first
        while made < args.reach and pid < first + args.people:
            rows = []
            while len(rows) < BATCH and pid < first + args.people:
                k = min(int(rng.expovariate(1 / per_person) + 0.5), 40, args.reach - made - len(rows))
                for idx in rng.sample(range(n_acts), k) if k > 0 else ():
                    pk, start = named[idx]
                    voluntary, reform = flags[pk]
                    rows.append((pid, day(start), "activity", f"a:{pk}", pk, voluntary, reform, now, False))
                pid += 1
            with transaction.atomic():
                _insert(cur, Reach._meta.db_table, reach_cols, rows, postgres)
            made += len(rows)
            if made // 1_000_000 != (made - len(rows)) // 1_000_000:
                log(f"reach: {made:,}/{args.reach:,}")
    log(f"reach: {made:,} rows in {time.perf_counter() - t:.1f}s")

    stats = []
    for year in (2022, 2023, 2024, 2025):
        for c in communes:
            if c.is_valid_on(dt.date(year, 12, 31)):
                stats.append(
                    Statistic(kind="labour_force", year=year, area=c, value=rng.randint(4000, 9000), source="bench")
                )
    Statistic.objects.bulk_create(stats)
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE" if postgres else "ANALYZE")
    log(f"statistics: {len(stats)}; database ready")


def hand_sql(year: int, voluntary: bool) -> tuple[str, list]:
    """The same distinct count, written by hand: reach of the year, active people, held activities,
    working age (the bounds of lantoa/audience/working_age.py for the year)."""
    from lantoa.audience.working_age import bounds

    f_date, f_year, youngest = bounds("f", year)
    m_date, m_year, _y = bounds("m", year)
    sql = """
        SELECT COUNT(DISTINCT r.person_id)
        FROM audience_reach r
        JOIN audience_person p ON p.id = r.person_id
        LEFT JOIN activities_activity a ON a.id = r.activity_id
        WHERE r.date BETWEEN %s AND %s
          AND p.merged_into_id IS NULL
          AND (r.activity_id IS NULL OR a.status = 'done')
          AND p.birth_year <= %s
          AND CASE WHEN p.sex = 'f'
                   THEN CASE WHEN p.birth_date IS NULL THEN p.birth_year >= %s ELSE p.birth_date >= %s END
                   ELSE CASE WHEN p.birth_date IS NULL THEN p.birth_year >= %s ELSE p.birth_date >= %s END
              END
    """
    params = [dt.date(year, 1, 1), dt.date(year, 12, 31), youngest, f_year, f_date, m_year, m_date]
    if voluntary:
        sql += " AND r.voluntary = %s"
        params.append(True)
    return sql, params


def measure(args) -> int:
    setup_django(args.database)
    from django.contrib.auth import get_user_model
    from django.db import connection, reset_queries

    from lantoa.plans.kpi import compute
    from lantoa.plans.models import Plan

    def app(code):
        user = get_user_model().objects.get(username=COORDINATOR)  # a fresh user: no cached scope
        ind = Plan.objects.get(is_default=True).indicators.get(code=code)
        return compute(ind, args.year, user=user)

    def sql(voluntary):
        query, params = hand_sql(args.year, voluntary)
        with connection.cursor() as cur:
            cur.execute(query, params)
            return cur.fetchone()[0]

    def timed_pair(code, voluntary):
        """App and SQL runs alternate, so that other work on the machine weighs on both alike."""
        app(code), sql(voluntary)  # warm-up
        app_times, sql_times, result, count = [], [], None, None
        for _ in range(args.repeat):
            t = time.perf_counter()
            result = app(code)
            app_times.append(time.perf_counter() - t)
            t = time.perf_counter()
            count = sql(voluntary)
            sql_times.append(time.perf_counter() - t)
        return statistics.median(app_times), result, statistics.median(sql_times), count

    with connection.cursor() as cur:
        cur.execute("SELECT COUNT(*) FROM audience_person")
        people = cur.fetchone()[0]
        cur.execute("SELECT COUNT(*) FROM audience_reach")
        reach = cur.fetchone()[0]
        cur.execute("SELECT COUNT(*) FROM audience_reach WHERE date BETWEEN %s AND %s",
                    [dt.date(args.year, 1, 1), dt.date(args.year, 12, 31)])  # fmt: skip
        in_year = cur.fetchone()[0]
    version = connection.cursor().connection.info.server_version if connection.vendor == "postgresql" else None
    import sqlite3

    engine = f"PostgreSQL {version}" if version else f"SQLite {sqlite3.sqlite_version}"
    print(f"{engine}: {people:,} people, {reach:,} reach rows ({in_year:,} in {args.year}); median of {args.repeat}")
    worst = 0.0
    for code, voluntary in (("T3", False), ("T4", True)):
        from django.conf import settings

        settings.DEBUG = True
        reset_queries()
        app(code)
        queries = len(connection.queries)
        settings.DEBUG = False
        app_time, result, sql_time, count = timed_pair(code, voluntary)
        ratio = app_time / sql_time
        worst = max(worst, ratio)
        ok = "same" if result.numerator == count else f"DIFFERENT (app {result.numerator}, sql {count})"
        print(
            f"{code} {args.year}: app {app_time:.3f}s ({queries} queries; actual {result.actual}%, "
            f"{result.numerator}/{result.denominator}, estimated {result.details.get('estimated')}) · "
            f"hand SQL {sql_time:.3f}s ({count}) · ratio {ratio:.2f}× · numerators {ok}"
        )
        if result.numerator != count:
            return 3
    print(f"worst ratio {worst:.2f}× (aim ≤ 2×)")
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", required=True, help="SQLite file path, or postgres://… URL")
    parser.add_argument("--reuse", action="store_true", help="time an existing database, do not generate")
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--reach", type=int, default=5_000_000)
    parser.add_argument("--activities", type=int, default=50_000)
    parser.add_argument("--hamlets", type=int, default=8)
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=20261125)
    args = parser.parse_args(argv)
    if not args.reuse:
        if not is_postgres(args.database):
            Path(args.database).parent.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        generate(args)
        log(f"generated in {time.perf_counter() - started:.1f}s")
    else:
        setup_django(args.database)
    return measure(args)


if __name__ == "__main__":
    sys.exit(main())
