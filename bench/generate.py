#!/usr/bin/env python
"""Build a province-scale benchmark database for the dashboard: today's Đồng Tháp (province 82, its 102
communes) and pre-2025 Đồng Tháp (87, all 12 districts and their communes, linked to the communes that
absorbed them), hamlets, the §VII units plus a People's Committee per commune, the default plan made to
cover the whole province, campaigns, activities with audiences and, when the radio log app is there,
commune-radio broadcasts — over the plan's four years 2022–2025.

    .venv/bin/python bench/generate.py --database /tmp/b/1x.sqlite3 --scale 0.0625
    .venv/bin/python bench/generate.py --database postgres://postgres@127.0.0.1:5433/bench_1x --scale 1

`--scale 1` is the province size of the issue: 200,000 activities and 500,000 radio rows. The database is
rebuilt from nothing (the SQLite file is deleted; the PostgreSQL database is dropped and created). The
data are deterministic for a given seed and scale. Bulk inserts bypass the services (no audit rows):
this is a volume test of the reading side, not of the writing side.
"""

import argparse
import bisect
import datetime as dt
import itertools
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import (  # noqa: E402
    COORDINATOR,
    is_postgres,
    pg_database_name,
    pg_maintenance_url,
    radio_available,
    setup_django,
)

FULL_ACTIVITIES = 200_000
FULL_BROADCASTS = 500_000
YEARS = (2022, 2023, 2024, 2025)
BATCH = 5_000


def log(msg: str) -> None:
    print(f"[generate {time.strftime('%H:%M:%S')}] {msg}", flush=True)


def fresh_database(database: str) -> None:
    if is_postgres(database):
        import psycopg
        from psycopg import sql

        name = pg_database_name(database)
        with psycopg.connect(pg_maintenance_url(database), autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
            conn.execute(sql.SQL("CREATE DATABASE {} ENCODING 'UTF8' TEMPLATE template0").format(sql.Identifier(name)))
    else:
        path = Path(database)
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)


# --- areas, units, plan -------------------------------------------------------------------------------


def load_structure(hamlets_per_commune: int, rng: random.Random):
    """Areas (both structures, linked, with hamlets), units, taxonomy, the plan over the province."""
    from django.core.management import call_command

    from lantoa.core.text import search_key
    from lantoa.geo.loaders import LEGACY_END, REFORM_DATE, load_province_both
    from lantoa.geo.models import Area, AreaSuccession
    from lantoa.orgs.models import Unit
    from lantoa.orgs.services import units_load
    from lantoa.plans.services import plan_load
    from lantoa.taxonomy.services import taxonomy_load

    call_command("migrate", verbosity=0, interactive=False)
    report = load_province_both(87, current_province=82, all_current=True)
    log(f"areas: {report.created} created, {report.links} reorganisation links")

    communes = list(Area.objects.filter(level=Area.Level.COMMUNE).order_by("id"))
    hamlets = []
    for commune in communes:
        kind = "khóm" if commune.division_type.lower().startswith(("phường", "thị trấn")) else "ấp"
        for n in range(1, hamlets_per_commune + 1):
            name = f"{kind.capitalize()} {n}"
            hamlets.append(
                Area(
                    name=name,
                    level=Area.Level.HAMLET,
                    division_type=kind,
                    code="",
                    parent=commune,
                    valid_from=commune.valid_from,
                    valid_to=commune.valid_to,
                    search_key=search_key(name),
                    source="bench",
                )
            )
    Area.objects.bulk_create(hamlets, batch_size=1000)
    log(f"hamlets: {len(hamlets)} ({hamlets_per_commune} per commune)")

    units_load(actor=None)
    taxonomy_load(actor=None)
    plan, _created = plan_load(actor=None)
    current_province = Area.objects.get(level=Area.Level.PROVINCE, code="82", valid_from=REFORM_DATE)
    legacy_province = Area.objects.get(level=Area.Level.PROVINCE, code="87", valid_from__isnull=True)
    plan.areas.add(current_province, legacy_province)

    # A People's Committee for every commune that has none yet: the current communes (from 01/07/2025)
    # and the pre-2025 ones (closed on 30/06/2025, merged into the committee of the commune that
    # absorbed them), so that every activity has a plausible organiser.
    committee_of = {u.area_id: u for u in Unit.objects.filter(kind=Unit.Kind.COMMUNE_COMMITTEE)}
    new_units = []
    for commune in communes:
        if commune.id in committee_of:
            continue
        legacy = commune.valid_from is None
        name = f"UBND {commune.name}"
        new_units.append(
            Unit(
                code=f"ubnd-{commune.code}-{'cu' if legacy else 'moi'}",
                name=name,
                kind=Unit.Kind.COMMUNE_COMMITTEE,
                area=commune,
                valid_from=dt.date(2021, 12, 20) if legacy else REFORM_DATE,
                valid_to=LEGACY_END if legacy else None,
                search_key=search_key(name),
            )
        )
    Unit.objects.bulk_create(new_units, batch_size=500)
    committee_of = {u.area_id: u for u in Unit.objects.filter(kind=Unit.Kind.COMMUNE_COMMITTEE)}
    primary = {s.predecessor_id: s.successor_id for s in AreaSuccession.objects.filter(primary=True)}
    merged = []
    for u in committee_of.values():
        if u.valid_to is not None and u.merged_into_id is None and u.area_id in primary:
            successor = committee_of.get(primary[u.area_id])
            if successor is not None:
                u.merged_into = successor
                merged.append(u)
    Unit.objects.bulk_update(merged, ["merged_into"], batch_size=500)
    log(f"units: {Unit.objects.count()} ({len(new_units)} commune committees added)")
    return plan, communes, committee_of


def make_coordinator():
    from lantoa.accounts.roles import Role
    from lantoa.orgs.models import Unit
    from lantoa.orgs.services import staff_account_create

    user, _pw = staff_account_create(
        actor=None,
        username=COORDINATOR,
        full_name="Điều phối Benchmark",
        role=Role.COORDINATOR,
        unit=Unit.objects.get(code="hn-ldtbxh"),
        password="bench-Mat-khau-2026!",  # noqa: S106 - a throw-away database
    )
    return user


def make_campaigns():
    """Per year: the May "Month of universal BHXH", a Tết campaign and a thematic one in autumn."""
    from lantoa.activities.models import Campaign
    from lantoa.core.text import search_key
    from lantoa.orgs.models import Unit

    organiser = Unit.objects.get(code="hn-ldtbxh")
    rows = []
    for year in YEARS:
        for type_, name, start, end in (
            (Campaign.Type.MAY, f"Tháng vận động BHXH toàn dân {year}", dt.date(year, 5, 1), dt.date(year, 5, 31)),
            (Campaign.Type.HOLIDAY, f"Tết sum vầy {year}", dt.date(year, 1, 10), dt.date(year, 2, 15)),
            (Campaign.Type.THEMATIC, f"BHXH tự nguyện mùa thu {year}", dt.date(year, 9, 1), dt.date(year, 10, 31)),
        ):
            rows.append(
                Campaign(
                    name=name,
                    type=type_,
                    start_date=start,
                    end_date=end,
                    organiser=organiser,
                    search_key=search_key(name),
                )
            )
    Campaign.objects.bulk_create(rows)
    return list(Campaign.objects.all())


# --- where and when -----------------------------------------------------------------------------------


class Places:
    """Communes in force before and after the reform, with a skewed activity level per commune (some
    communes are much busier than others) and their hamlets."""

    def __init__(self, communes, rng: random.Random):
        from lantoa.geo.loaders import REFORM_DATE
        from lantoa.geo.models import Area

        self.reform = REFORM_DATE
        hamlets: dict[int, list] = {}
        for h in Area.objects.filter(level=Area.Level.HAMLET).order_by("id"):
            hamlets.setdefault(h.parent_id, []).append(h)
        self.hamlets = hamlets
        self.legacy = [c for c in communes if c.valid_from is None]
        self.current = [c for c in communes if c.valid_from is not None]
        self.cum = {}
        for key, group in (("legacy", self.legacy), ("current", self.current)):
            weights = [rng.lognormvariate(0, 0.8) for _ in group]
            self.cum[key] = list(itertools.accumulate(weights))

    def commune(self, day: dt.date, rng: random.Random):
        key = "current" if day >= self.reform else "legacy"
        group, cum = (self.current, self.cum[key]) if key == "current" else (self.legacy, self.cum[key])
        return group[bisect.bisect(cum, rng.random() * cum[-1])]

    def place(self, commune, rng: random.Random, hamlet_share: float):
        options = self.hamlets.get(commune.id)
        if options and rng.random() < hamlet_share:
            return rng.choice(options)
        return commune


def all_days(weight_may: float) -> tuple[list[dt.date], list[float]]:
    days, cum, total = [], [], 0.0
    day = dt.date(YEARS[0], 1, 1)
    while day.year <= YEARS[-1]:
        total += weight_may if day.month == 5 else 1.0
        days.append(day)
        cum.append(total)
        day += dt.timedelta(days=1)
    return days, cum


def pick_day(days, cum, rng: random.Random) -> dt.date:
    return days[bisect.bisect(cum, rng.random() * cum[-1])]


# --- activities ---------------------------------------------------------------------------------------

KIND_WEIGHTS = {
    "conference": 5,
    "seminar": 4,
    "dialogue": 4,
    "talk": 8,
    "consultation": 10,
    "training": 2,
    "small_group": 8,
    "household_visit": 10,
    "press_piece": 5,
    "visual": 8,
    "gift": 2,
    "theatre": 1,
    "social_post": 12,
    "customer_care": 5,
    "vssid": 6,
}
DISTRICT_OFFICES = ["hn-ldtbxh", "hn-bhxh", "hn-vhtt", "hn-ttvhtt", "hn-mttq", "hn-yte", "hn-gddt", "hn-buudien"]


def generate_activities(n: int, places: Places, committee_of, campaigns, rng: random.Random) -> int:
    from django.db import transaction
    from django.utils import translation

    from lantoa.activities.kinds import MEETING_KINDS, Channel, Kind, default_channel, is_modern
    from lantoa.activities.models import Activity, Audience
    from lantoa.core.text import search_key
    from lantoa.orgs.models import Unit
    from lantoa.taxonomy.models import TargetGroup

    kinds = list(KIND_WEIGHTS)
    kind_cum = list(itertools.accumulate(KIND_WEIGHTS[k] for k in kinds))
    with translation.override("vi"):
        kind_label = {k: str(Kind(k).label) for k in kinds}
    groups = list(TargetGroup.objects.filter(computed=False).order_by("order"))
    group_weight = {"nld-nsdld": 4, "ctv-uy-tin": 3, "nguoi-dan": 5}
    group_cum = list(itertools.accumulate(group_weight.get(g.code, 1) for g in groups))
    associations = list(Unit.objects.filter(kind=Unit.Kind.ASSOCIATION).order_by("code"))
    offices = list(Unit.objects.filter(code__in=DISTRICT_OFFICES).order_by("code"))
    windows = sorted((c.start_date, c.end_date, c.id) for c in campaigns)
    online_meeting = [Channel.ZALO, Channel.FACEBOOK]
    social_channels = [Channel.FACEBOOK, Channel.ZALO, Channel.YOUTUBE, Channel.TIKTOK, Channel.WEBSITE]
    days, day_cum = all_days(weight_may=2.5)
    key_cache: dict[tuple, str] = {}

    def campaign_for(day):
        for start, end, cid in windows:
            if start <= day <= end:
                return cid
        return None

    made = 0
    while made < n:
        size = min(BATCH, n - made)
        batch, audiences = [], []
        for _ in range(size):
            day = pick_day(days, day_cum, rng)
            commune = places.commune(day, rng)
            area = places.place(commune, rng, hamlet_share=0.3)
            kind = kinds[bisect.bisect(kind_cum, rng.random() * kind_cum[-1])]
            channel = default_channel(kind)
            if kind == Kind.SOCIAL_POST:
                channel = rng.choice(social_channels)
            elif channel == Channel.DIRECT and rng.random() < 0.12:
                channel = rng.choice(online_meeting)
            r = rng.random()
            if kind in MEETING_KINDS and r < 0.15:
                organiser = rng.choice(associations)
            elif r < 0.65 and commune.id in committee_of:
                organiser = committee_of[commune.id]
            else:
                organiser = rng.choice(offices)
            s = rng.random()
            status = Activity.Status.DONE if s < 0.88 else (Activity.Status.PLANNED if s < 0.95 else "cancelled")
            campaign_id = campaign_for(day) if rng.random() < 0.6 else None
            if kind in MEETING_KINDS or kind in (Kind.TRAINING, Kind.HOUSEHOLD_VISIT):
                n_groups = rng.choice((1, 1, 2, 2, 3))
            else:
                n_groups = 1 if rng.random() < 0.3 else 0
            chosen = set()
            while len(chosen) < n_groups:
                chosen.add(bisect.bisect(group_cum, rng.random() * group_cum[-1]))
            heads = [(groups[i], rng.randint(5, 120)) for i in sorted(chosen)]
            title = f"{kind_label[kind]} tại {area.name}"
            ck = (kind, area.id, organiser.id)
            if ck not in key_cache:
                key_cache[ck] = search_key(f"{title} {area.name} {organiser.name}")
            online = kind == Kind.SOCIAL_POST
            activity = Activity(
                title=title,
                kind=kind,
                channel=channel,
                modern=is_modern(channel),
                status=status,
                start_date=day,
                organiser=organiser,
                area=area,
                campaign_id=campaign_id,
                participants=sum(h for _g, h in heads),
                estimated_reach=rng.randint(50, 3000) if kind in (Kind.VISUAL, Kind.SOCIAL_POST) else None,
                signups=rng.randint(0, 5) if kind in MEETING_KINDS else 0,
                vssid_logins=rng.randint(0, 20) if kind == Kind.VSSID else 0,
                questions=rng.randint(0, 8),
                link=f"https://example.vn/p/{made + len(batch)}" if online else "",
                views=rng.randint(100, 20000) if online else None,
                interactions=rng.randint(0, 800) if online else None,
                search_key=key_cache[ck],
            )
            batch.append(activity)
            audiences.append(heads)
        with transaction.atomic():
            Activity.objects.bulk_create(batch, batch_size=1000)
            Audience.objects.bulk_create(
                [
                    Audience(activity_id=a.pk, group=g, headcount=h)
                    for a, heads in zip(batch, audiences, strict=True)
                    for g, h in heads
                ],
                batch_size=2000,
            )
        made += size
        if made % 50_000 == 0 or made == n:
            log(f"activities: {made:,}/{n:,}")
    return made


# --- the commune radio log ----------------------------------------------------------------------------

BROADCAST_TITLES = [
    "Chính sách BHXH tự nguyện",
    "Hỗ trợ tiền đóng BHXH tự nguyện",
    "Lợi ích của lương hưu hằng tháng",
    "Rủi ro khi không tham gia BHXH",
    "Cài đặt ứng dụng VssID",
    "Bảo hiểm y tế hộ gia đình",
    "Tháng vận động BHXH toàn dân",
    "Hỏi đáp về BHXH một lần",
    "Gương điển hình tham gia BHXH",
    "Thông báo của UBND xã",
]


def generate_broadcasts(n: int, places: Places, committee_of, rng: random.Random) -> int:
    from django.db import transaction

    from lantoa.core.text import search_key
    from lantoa.orgs.models import Unit
    from lantoa.radio.models import Broadcast

    radio_centre = Unit.objects.get(code="hn-ttvhtt")
    days, day_cum = all_days(weight_may=1.3)
    seen: set[tuple] = set()
    key_cache: dict[tuple, str] = {}
    made = 0
    while made < n:
        size = min(BATCH, n - made)
        batch = []
        while len(batch) < size:
            day = pick_day(days, day_cum, rng)
            commune = places.commune(day, rng)
            area = places.place(commune, rng, hamlet_share=0.15)
            at = dt.time(rng.randint(5, 19), rng.randrange(0, 60, 5))
            title = rng.choice(BROADCAST_TITLES)
            key = (area.id, day, at, title)
            if key in seen:
                continue
            seen.add(key)
            ck = (title, area.id)
            if ck not in key_cache:
                key_cache[ck] = search_key(f"{title}  {area.name}")[:600]
            batch.append(
                Broadcast(
                    commune=area,
                    unit=committee_of.get(commune.id, radio_centre),
                    aired_on=day,
                    aired_at=at,
                    duration_minutes=rng.randint(5, 30),
                    title=title,
                    voluntary_bhxh=rng.random() < 0.75,
                    search_key=key_cache[ck],
                )
            )
        with transaction.atomic():
            Broadcast.objects.bulk_create(batch, batch_size=2000)
        made += size
        if made % 100_000 == 0 or made == n:
            log(f"broadcasts: {made:,}/{n:,}")
    return made


def radio_table_exists() -> bool:
    from django.db import connection

    if not radio_available():
        return False
    from lantoa.radio.models import Broadcast

    return Broadcast._meta.db_table in connection.introspection.table_names()


def derive(source: str, database: str, keep_every: int) -> None:
    """A copy of `source` keeping every `keep_every`-th activity and radio row (by id; the rows were
    inserted in random order, so this is a uniform random sample), the rest of the data unchanged:
    1/4 and 1/16 of a generated database without generating again. Tables are rewritten afterwards
    (VACUUM; VACUUM FULL on PostgreSQL) so that no deleted row is left for a scan to read."""
    import shutil
    import sqlite3

    if is_postgres(database) != is_postgres(source):
        raise SystemExit("--derive-from and --database must be both SQLite or both PostgreSQL")
    if is_postgres(database):
        import psycopg
        from psycopg import sql

        with psycopg.connect(pg_maintenance_url(database), autocommit=True) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(pg_database_name(database)))
            )
            conn.execute(
                sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                    sql.Identifier(pg_database_name(database)), sql.Identifier(pg_database_name(source))
                )
            )
    else:
        fresh_database(database)
        with sqlite3.connect(source) as src, sqlite3.connect(database) as dst:
            src.backup(dst)
        src_var = Path(source).parent / f"{Path(source).stem}-var"
        if src_var.exists():
            shutil.copytree(src_var, Path(database).parent / f"{Path(database).stem}-var", dirs_exist_ok=True)
    setup_django(database)
    from django.db import connection, transaction

    from lantoa.activities.models import Activity

    k = int(keep_every)
    plan = [
        (Activity.topics.through._meta.db_table, "activity_id"),
        (Activity.co_organisers.through._meta.db_table, "activity_id"),
        ("activities_audience", "activity_id"),
        ("activities_evidence", "activity_id"),
    ]
    tables = [Activity._meta.db_table]
    if radio_table_exists():
        from lantoa.radio.models import Broadcast

        plan.append((Broadcast.topics.through._meta.db_table, "broadcast_id"))
        tables.append(Broadcast._meta.db_table)
    with transaction.atomic(), connection.cursor() as cur:
        for child, column in plan:
            cur.execute(f"DELETE FROM {child} WHERE {column} % {k} <> 0")  # noqa: S608 - names from the models
        for table in tables:
            cur.execute(f"DELETE FROM {table} WHERE id % {k} <> 0")  # noqa: S608 - names from the models
    with connection.cursor() as cur:
        cur.execute("VACUUM FULL ANALYZE" if connection.vendor == "postgresql" else "VACUUM")
    log(f"derived {database} from {source}: every {k}th activity and radio row kept")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", required=True, help="SQLite file path, or postgres://… URL")
    parser.add_argument("--scale", type=float, default=1.0, help="1 = 200,000 activities and 500,000 radio rows")
    parser.add_argument("--activities", type=int, help="override the number of activities")
    parser.add_argument("--broadcasts", type=int, help="override the number of radio rows")
    parser.add_argument("--hamlets", type=int, default=8, help="hamlets per commune (default 8)")
    parser.add_argument("--seed", type=int, default=20260525)
    parser.add_argument("--no-radio", action="store_true", help="skip the radio log even if the app has it")
    parser.add_argument("--derive-from", metavar="DATABASE", help="copy this generated database instead, keeping ...")
    parser.add_argument("--keep-every", type=int, default=4, help="... every Nth activity and radio row (default 4)")
    args = parser.parse_args(argv)
    if args.derive_from:
        started = time.perf_counter()
        derive(args.derive_from, args.database, args.keep_every)
        log(f"done in {time.perf_counter() - started:.1f}s")
        return 0

    n_activities = args.activities if args.activities is not None else round(FULL_ACTIVITIES * args.scale)
    n_broadcasts = args.broadcasts if args.broadcasts is not None else round(FULL_BROADCASTS * args.scale)
    started = time.perf_counter()
    fresh_database(args.database)
    setup_django(args.database)
    rng = random.Random(args.seed)

    plan, communes, committee_of = load_structure(args.hamlets, rng)
    make_coordinator()
    campaigns = make_campaigns()
    places = Places(communes, rng)
    log(
        f"plan {plan.pk} covers {plan.areas.count()} areas; "
        f"{len(places.legacy)} pre-2025 and {len(places.current)} current communes"
    )
    t = time.perf_counter()
    generate_activities(n_activities, places, committee_of, campaigns, random.Random(args.seed + 1))
    log(f"activities done in {time.perf_counter() - t:.1f}s")
    if args.no_radio:
        log("radio: skipped (--no-radio)")
    elif radio_table_exists():
        t = time.perf_counter()
        generate_broadcasts(n_broadcasts, places, committee_of, random.Random(args.seed + 2))
        log(f"broadcasts done in {time.perf_counter() - t:.1f}s")
    else:
        log("radio: lantoa.radio.models.Broadcast is not available (or has no table): no radio rows, no M7")

    from django.db import connection

    if connection.vendor == "postgresql":
        # What autovacuum would have done by the time anyone looks at the dashboard.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    log(f"done in {time.perf_counter() - started:.1f}s: {args.database}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
