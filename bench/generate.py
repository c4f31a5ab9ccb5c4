#!/usr/bin/env python
"""Build a province-scale benchmark database for the dashboard: today's Đồng Tháp (province 82, its 102
communes) and pre-2025 Đồng Tháp (87, all 12 districts and their communes, linked to the communes that
absorbed them), hamlets, the §VII units plus a People's Committee per commune, the default plan made to
cover the whole province, campaigns, activities with audiences and, when the radio log app is there,
commune-radio broadcasts — over the plan's four years 2022–2025 — and the records of the other
indicators (people and reach, staff lists, the communication team, the content library, coordination,
messages; `--no-records` leaves them out), so that all 18 indicators of the plan have figures.

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


# --- the records of the other indicators (T1–T5, M1–M3, M9) ----------------------------------------------
#
# Written after the activities and the radio log, from their own random streams, so that the activities
# and broadcasts of a seed are the same with or without them. Two kinds: the structure (staff lists, the
# communication team, the content library, briefings, annual plans, agreements, message broadcasts —
# fixed, whatever the scale) and the volume (people, reach rows, messages, and the rows hanging off
# activities and broadcasts: topics, content used, class lists — scaled like the activities). A derived
# smaller size (`derive`) keeps 1 in k of the reach rows and messages with the activities and broadcasts,
# but the whole registry: the people of a province do not shrink with what is recorded about them. Large
# tables are written with raw SQL (executemany on SQLite, COPY on PostgreSQL), the small ones with
# `bulk_create`.

FULL_PEOPLE = 200_000
FULL_REACH = 500_000
FULL_MESSAGES = 120_000
RAW_BATCH = 50_000


class Raw:
    """Raw inserts, with values in the form Django stores them: on SQLite dates as ISO text and datetimes
    as naive UTC text; on PostgreSQL typed values through COPY."""

    def __init__(self):
        from django.db import connection

        self.connection = connection
        self.pg = connection.vendor == "postgresql"

    def value(self, v):
        if self.pg or v is None:
            return v
        if isinstance(v, dt.datetime):
            return str(v.astimezone(dt.UTC).replace(tzinfo=None))
        if isinstance(v, dt.date):
            return v.isoformat()
        return v

    def insert(self, table: str, columns: list[str], rows) -> int:
        from django.db import transaction

        n = 0
        rows = iter(rows)
        while chunk := list(itertools.islice(rows, RAW_BATCH)):
            chunk = [tuple(self.value(v) for v in row) for row in chunk]
            with transaction.atomic(), self.connection.cursor() as cur:
                if self.pg:
                    with cur.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                        for row in chunk:
                            copy.write_row(row)
                else:
                    marks = ", ".join(["%s"] * len(columns))
                    cur.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", chunk)  # noqa: S608
            n += len(chunk)
        return n

    def ids(self, table: str, where: str = "1 = 1") -> list[int]:
        with self.connection.cursor() as cur:
            cur.execute(f"SELECT id FROM {table} WHERE {where} ORDER BY id")  # noqa: S608 - names from the models
            return [r[0] for r in cur.fetchall()]


def rand_day(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randint(0, (end - start).days))


def rand_moment(rng: random.Random, day: dt.date) -> dt.datetime:
    """A moment of `day`, local time (any hour: some fall on the previous day in UTC)."""
    from django.utils import timezone

    at = dt.datetime.combine(day, dt.time()) + dt.timedelta(seconds=rng.randint(0, 86_399))
    return timezone.make_aware(at)


def generate_topics(raw: Raw, rng: random.Random) -> dict[int, tuple[bool, bool]]:
    """0–2 topics per activity (about voluntary BHXH, a reform content or general); returns each activity's
    (voluntary, reform) flags, which its reach rows copy."""
    from lantoa.activities.models import Activity
    from lantoa.taxonomy.models import Topic

    topics = list(Topic.objects.order_by("id"))
    voluntary = [t for t in topics if t.voluntary_bhxh]
    reform = [t for t in topics if t.reform_number is not None and not t.voluntary_bhxh]
    general = [t for t in topics if t.reform_number is None and not t.voluntary_bhxh]
    flags, rows = {}, []
    for pk in raw.ids(Activity._meta.db_table):
        r = rng.random()
        n = 0 if r < 0.10 else 1 if r < 0.85 else 2
        chosen = {}
        while len(chosen) < n:
            c = rng.random()
            t = rng.choice(voluntary if c < 0.3 else reform if c < 0.6 else general)
            chosen[t.id] = t
        flags[pk] = (
            any(t.voluntary_bhxh for t in chosen.values()),
            any(t.reform_number is not None for t in chosen.values()),
        )
        rows += [(pk, tid) for tid in sorted(chosen)]
    raw.insert(Activity.topics.through._meta.db_table, ["activity_id", "topic_id"], rows)
    log(f"activity topics: {len(rows):,}")
    return flags


PERSON_COLUMNS = [
    "full_name", "name_key", "birth_date", "birth_year", "sex", "cccd", "bhxh_number", "phone", "phone2",
    "address", "area_id", "unit_id", "occupation", "insurance_status", "payment_mode", "consent",
    "consent_channel", "source", "note", "created_at", "updated_at", "is_demo",
]  # fmt: skip


def person_row(i: int, area_id: int, unit_id: int, rng: random.Random, source: str, adult: bool = False):
    """A person: 70% with a birth date, 27% a birth year only, 3% neither (adults always have one);
    2% of unknown sex."""
    year = rng.randint(1965, 2000) if adult else rng.randint(1940, 2015)
    kind = rng.random() * (0.97 if adult else 1.0)
    birth_date = dt.date(year, rng.randint(1, 12), rng.randint(1, 28)) if kind < 0.7 else None
    birth_year = year if kind < 0.97 else None
    r = rng.random()
    sex = "m" if r < 0.49 else "f" if r < 0.98 else ""
    name = f"Nguoi {source} {i}"
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    return (
        name,
        name.lower(),
        birth_date,
        birth_year,
        sex,
        "",
        "",
        f"+8490{i:07d}",
        "",
        "",
        area_id,
        unit_id,
        "",
        "none",
        "",
        False,
        "",
        source,
        "",
        now,
        now,
        False,
    )


def generate_people(raw: Raw, n: int, places: Places, committee_of, rng: random.Random) -> list[int]:
    """The registry: n people on the communes and hamlets of both structures (a pre-2025 record stays on
    its old commune), kept by the commune's committee; 45% in 1–2 target groups (a few officials and
    leaders among them); 1% merged into the next person (never counted)."""
    from lantoa.audience.models import Person
    from lantoa.orgs.models import Unit
    from lantoa.taxonomy.models import TargetGroup

    fallback = Unit.objects.get(code="hn-bhxh").pk
    areas = []
    for commune in places.legacy + places.current:
        unit = committee_of[commune.id].pk if commune.id in committee_of else fallback
        areas.append((commune.id, unit))
        areas += [(h.id, unit) for h in places.hamlets.get(commune.id, [])]
    table = Person._meta.db_table
    raw.insert(table, PERSON_COLUMNS, (person_row(i, *rng.choice(areas), rng, "bench") for i in range(n)))
    ids = raw.ids(table, "source = 'bench'")
    with raw.connection.cursor() as cur:
        # 1% merged into the next person: history kept, never counted.
        cur.execute(
            f"UPDATE {table} SET merged_into_id = id + 1 WHERE source = 'bench' AND id %% 100 = 37 AND id < %s",  # noqa: S608
            [ids[-1]],
        )
    groups = {g.code: g.id for g in TargetGroup.objects.filter(computed=False)}
    weights = {"nguoi-dan": 30, "nld-nsdld": 20, "can-bo": 6, "lanh-dao": 1, "sinh-vien": 6, "ctv-uy-tin": 4}
    codes = sorted(groups)
    cum = list(itertools.accumulate(weights.get(c, 5) for c in codes))
    rows = []
    for pk in ids:
        r = rng.random()
        k = 0 if r < 0.55 else 1 if r < 0.9 else 2
        chosen = {codes[bisect.bisect(cum, rng.random() * cum[-1])] for _ in range(k)}
        rows += [(pk, groups[c]) for c in sorted(chosen)]
    raw.insert(Person.groups.through._meta.db_table, ["person_id", "targetgroup_id"], rows)
    log(f"people: {len(ids):,} ({len(rows):,} group memberships)")
    return ids


def _new_people(raw: Raw, count: int, source: str, area_unit: list[tuple[int, int]], rng) -> list[int]:
    from lantoa.audience.models import Person

    table = Person._meta.db_table
    raw.insert(table, PERSON_COLUMNS, (person_row(i, *area_unit[i], rng, source, adult=True) for i in range(count)))
    return raw.ids(table, f"source = '{source}'")


def generate_staff(raw: Raw, places: Places, committee_of, rng: random.Random) -> dict:
    """Staff lists (T2, M1): officials and 1–4 leaders of every unit but a few (15% of the commune
    committees, 3 district units: those give an "officials" statistic instead). Postings start before or
    during the plan, some end early; the staff of a pre-2025 committee leave it on 30/06/2025, and half of
    them go on at the committee of the commune that absorbed theirs. 5% are not officials (contract
    staff); 1% of the people are merged duplicates."""
    from lantoa.audience.models import Person, StaffPosting
    from lantoa.geo.loaders import LEGACY_END, REFORM_DATE
    from lantoa.geo.models import AreaSuccession
    from lantoa.orgs.models import Unit

    units = list(Unit.objects.select_related("area").order_by("id"))
    successor = {s.predecessor_id: s.successor_id for s in AreaSuccession.objects.filter(primary=True)}
    committees = [u for u in units if u.kind == Unit.Kind.COMMUNE_COMMITTEE]
    district = [u for u in units if u.kind != Unit.Kind.COMMUNE_COMMITTEE]
    unlisted = {u.id for u in committees if rng.random() < 0.15} | {u.id for u in rng.sample(district, 3)}
    communes = places.legacy + places.current
    plan = []  # (unit, leader)
    for u in units:
        if u.id in unlisted:
            continue
        small = u.kind == Unit.Kind.COMMUNE_COMMITTEE
        n = rng.randint(6, 14) if small else rng.randint(12, 35)
        leaders = rng.randint(1, 3) if small else rng.randint(2, 4)
        plan += [(u, i < leaders) for i in range(n)]
    area_unit = [(u.area_id if u.area.level >= 3 else rng.choice(communes).id, u.id) for u, _l in plan]
    people = _new_people(raw, len(plan), "bench-staff", area_unit, rng)
    postings = []
    for (u, leader), person in zip(plan, people, strict=True):
        start = None if rng.random() < 0.2 else rand_day(rng, dt.date(2018, 1, 1), dt.date(2024, 12, 31))
        end = None
        if rng.random() < 0.2:
            end = rand_day(rng, max(start or dt.date(2022, 1, 1), dt.date(2022, 1, 1)), dt.date(2025, 12, 31))
        if u.valid_to is not None and (end is None or end > u.valid_to):
            end = u.valid_to
        if start is not None and end is not None and end < start:
            start = end
        official = leader or rng.random() > 0.05
        postings.append(
            StaffPosting(
                person_id=person,
                unit=u,
                position="Lãnh đạo" if leader else "Cán bộ",
                is_leader=leader,
                is_official=official,
                valid_from=start,
                valid_to=end,
            )
        )
        if u.valid_to == LEGACY_END and end == LEGACY_END and rng.random() < 0.5:
            nxt = committee_of.get(successor.get(u.area_id))
            if nxt is not None and nxt.id not in unlisted:
                postings.append(
                    StaffPosting(
                        person_id=person,
                        unit=nxt,
                        position="Cán bộ",
                        is_leader=leader and rng.random() < 0.3,
                        is_official=official,
                        valid_from=REFORM_DATE,
                        valid_to=None,
                    )
                )
    StaffPosting.objects.bulk_create(postings, batch_size=2000)
    merged = people[5::100]
    Person.objects.filter(pk__in=merged).update(merged_into_id=people[0])
    leaders = sorted({p.person_id for p in postings if p.is_leader})
    log(f"staff lists: {len(postings):,} postings of {len(people):,} people; {len(unlisted)} units without a list")
    return {"unlisted": sorted(unlisted), "leaders": leaders, "staff": people, "units": units}


TEAM_ROLES = ["collaborator", "insurance_staff", "collection_agent", "reporter", "hamlet_head", "prestigious",
              "religious"]  # fmt: skip


def generate_team(raw: Raw, places: Places, committee_of, staff: dict, rng: random.Random) -> list[int]:
    """The communication team (T1): 3–8 members per commune, on the commune or a hamlet, kept by the
    commune's committee (insurance staff by the insurance office, collection agents by the post office);
    15% are on a staff list too, 10% hold a second role (two rows, one person). Members of a pre-2025
    commune leave on 30/06/2025 at the latest and 60% go on in the commune that absorbed it (a new row).
    Class lists: 3–12 members in the team on the day of each training activity; 92% attended, 80% of
    those completed."""
    from lantoa.activities.models import Activity
    from lantoa.geo.loaders import LEGACY_END, REFORM_DATE
    from lantoa.geo.models import AreaSuccession
    from lantoa.orgs.models import Unit
    from lantoa.team.models import TeamMember, TrainingAttendance

    bhxh = Unit.objects.get(code="hn-bhxh")
    post = Unit.objects.get(code="hn-buudien")
    successor = {s.predecessor_id: s.successor_id for s in AreaSuccession.objects.filter(primary=True)}
    current = {c.id: c for c in places.current}
    slots = []  # (commune, role)
    for commune in places.legacy + places.current:
        slots += [(commune, rng.choice(TEAM_ROLES)) for _ in range(rng.randint(3, 8))]
    reuse = [rng.choice(staff["staff"]) if rng.random() < 0.15 else None for _ in slots]
    fresh = [i for i, r in enumerate(reuse) if r is None]
    made = _new_people(raw, len(fresh), "bench-team", [(slots[i][0].id, bhxh.id) for i in fresh], rng)
    people = list(reuse)
    for i, pk in zip(fresh, made, strict=True):
        people[i] = pk

    def member(person, commune, role, start, end):
        options = places.hamlets.get(commune.id, [])
        area = rng.choice(options) if options and rng.random() < 0.6 else commune
        unit = bhxh if role == "insurance_staff" else post if role == "collection_agent" else None
        unit = unit or committee_of.get(commune.id, bhxh)
        return TeamMember(person_id=person, role=role, unit=unit, area=area, valid_from=start, valid_to=end)

    rows = []
    for (commune, role), person in zip(slots, people, strict=True):
        if commune.valid_to is not None:  # pre-2025
            start = None if rng.random() < 0.25 else rand_day(rng, dt.date(2020, 1, 1), dt.date(2024, 12, 31))
            end = LEGACY_END if rng.random() < 0.85 else rand_day(rng, dt.date(2022, 1, 1), LEGACY_END)
            if start is not None and end < start:
                start, end = end, start
            first = member(person, commune, role, start, end)
            rows.append(first)
            nxt = current.get(successor.get(commune.id))
            if end == LEGACY_END and nxt is not None and rng.random() < 0.6:
                rows.append(member(person, nxt, role, REFORM_DATE, None))
        else:
            first = member(person, commune, role, rand_day(rng, REFORM_DATE, dt.date(2025, 11, 30)), None)
            rows.append(first)
        if rng.random() < 0.1:
            other = rng.choice([r for r in TEAM_ROLES if r != role])
            rows.append(member(person, commune, other, first.valid_from, first.valid_to))
    TeamMember.objects.bulk_create(rows, batch_size=2000)
    members = list(TeamMember.objects.order_by("id").values_list("id", "valid_from", "valid_to"))
    attendance = []
    trainings = Activity.objects.filter(kind="training").order_by("id").values_list("id", "start_date")
    for pk, day in trainings:
        want, seen = rng.randint(3, 12), set()
        for _ in range(want * 4):
            mid, start, end = rng.choice(members)
            if mid in seen or (start is not None and start > day) or (end is not None and end < day):
                continue
            seen.add(mid)
            attended = rng.random() < 0.92
            attendance.append((pk, mid, attended, attended and rng.random() < 0.8, "", False))
            if len(seen) == want:
                break
    raw.insert(
        TrainingAttendance._meta.db_table,
        ["activity_id", "member_id", "attended", "completed", "note", "is_demo"],
        attendance,
    )
    log(f"team: {len(rows):,} member rows, {len(attendance):,} class-list rows")
    return made


CONTENT_KINDS = ["article", "leaflet", "radio_script", "radio_script", "video", "slides", "sms", "sms"]


def generate_content(raw: Raw, rng: random.Random) -> list:
    """The content library (T5): 240 items of the district units, created 06/2021–10/2025 — 70% approved
    (some rejected first, some approved again after an edit — `approved_at` is then the last approval —
    and 10% approved before the review history was kept: `approved_at` only), the rest in review, rejected
    or drafts. Used by 30% of activities (1–2 items each), 20% of broadcasts (mostly radio scripts) and
    the templates of the messages: many before their approval."""
    from lantoa.activities.models import Activity
    from lantoa.content.models import ContentItem, ContentReview
    from lantoa.orgs.models import Unit

    owners = list(Unit.objects.exclude(kind=Unit.Kind.COMMUNE_COMMITTEE).order_by("id"))
    items, reviews = [], []
    for i in range(240):
        kind = rng.choice(CONTENT_KINDS)
        created = rand_moment(rng, rand_day(rng, dt.date(2021, 6, 1), dt.date(2025, 10, 31)))
        title = f"Nội dung {i}: {kind}"
        item = ContentItem(kind=kind, title=title, unit=rng.choice(owners), status="draft", search_key=f"noi dung {i}")
        r = rng.random()
        steps = []
        if r < 0.7:
            item.status = "approved"
            at = created + dt.timedelta(days=rng.randint(0, 200), seconds=rng.randint(0, 86_399))
            if rng.random() < 0.25:
                steps.append(("rejected", at))
                at += dt.timedelta(days=rng.randint(1, 60), seconds=rng.randint(0, 86_399))
            steps.append(("approved", at))
            if rng.random() < 0.2:
                at += dt.timedelta(days=rng.randint(30, 400), seconds=rng.randint(0, 86_399))
                steps.append(("approved", at))
            item.approved_at = at
            if rng.random() < 0.1:
                steps = []  # approved before the history was kept
        elif r < 0.8:
            item.status = "in_review"
        elif r < 0.88:
            item.status = "rejected"
            steps.append(("rejected", created + dt.timedelta(days=rng.randint(1, 90))))
        items.append(item)
        reviews.append(steps)
    ContentItem.objects.bulk_create(items)
    ContentReview.objects.bulk_create(
        [
            ContentReview(item=item, decision=d, at=at)
            for item, steps in zip(items, reviews, strict=True)
            for d, at in steps
        ]
    )
    ids = [c.id for c in items]
    scripts = [c.id for c in items if c.kind == "radio_script"]
    rows = []
    for pk in raw.ids(Activity._meta.db_table):
        r = rng.random()
        if r < 0.3:
            rows += [(pk, c) for c in sorted(set(rng.sample(ids, 1 if r < 0.25 else 2)))]
    raw.insert(Activity.content_used.through._meta.db_table, ["activity_id", "contentitem_id"], rows)
    radio_rows = []
    if radio_table_exists():
        from lantoa.radio.models import Broadcast

        for pk in raw.ids(Broadcast._meta.db_table):
            if rng.random() < 0.2:
                radio_rows.append((pk, rng.choice(scripts) if rng.random() < 0.7 else rng.choice(ids)))
        raw.insert(Broadcast.content_used.through._meta.db_table, ["broadcast_id", "contentitem_id"], radio_rows)
    log(
        f"content: {len(items)} items, {sum(map(len, reviews))} reviews, used {len(rows):,}× by activities, "
        f"{len(radio_rows):,}× by broadcasts"
    )
    return items


def generate_coordination(staff: dict, rng: random.Random) -> None:
    """Annual plans (M2): for each year, 80% of the units in force in it file one, 85% of those accepted
    (the pre-2025 committees file half as often in 2025: they close in June). Briefings (M1): 14 a year,
    each informing 5–45 leaders. Agreements (M3): 8 programmes between district units, 0–3 reviews a
    year, 35% signed again, 20% followed by a next agreement."""
    from lantoa.coordination.models import Agreement, AgreementReview, Briefing, UnitPlan
    from lantoa.orgs.models import Unit

    units = staff["units"]
    district = [u for u in units if u.kind != Unit.Kind.COMMUNE_COMMITTEE]
    plans = []
    for year in YEARS:
        first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
        for u in units:
            if (u.valid_from and u.valid_from > last) or (u.valid_to and u.valid_to < first):
                continue
            share = 0.4 if (u.valid_to and u.valid_to < last) else 0.8
            if rng.random() >= share:
                continue
            s = rng.random()
            status = "accepted" if s < 0.85 else "filed" if s < 0.95 else "draft"
            start = max(first, u.valid_from or first)
            filed = rand_day(rng, start, min(u.valid_to or last, last, start + dt.timedelta(days=90)))
            plans.append(
                UnitPlan(
                    unit=u,
                    year=year,
                    title=f"Kế hoạch tuyên truyền BHXH năm {year}",
                    status=status,
                    filed_on=None if status == "draft" else filed,
                    accepted_on=filed + dt.timedelta(days=10) if status == "accepted" else None,
                )
            )
    UnitPlan.objects.bulk_create(plans, batch_size=2000)
    briefings, links = [], []
    for year in YEARS:
        for i in range(14):
            b = Briefing(
                date=rand_day(rng, dt.date(year, 1, 1), dt.date(year, 12, 31)),
                kind=rng.choice(["conference", "email", "document", "training"]),
                title=f"Cung cấp thông tin {year}-{i}",
                unit=rng.choice(district),
            )
            briefings.append(b)
            links.append(rng.sample(staff["leaders"], min(len(staff["leaders"]), rng.randint(5, 45))))
    Briefing.objects.bulk_create(briefings)
    Briefing.leaders.through.objects.bulk_create(
        [
            Briefing.leaders.through(briefing_id=b.id, person_id=p)
            for b, ps in zip(briefings, links, strict=True)
            for p in ps
        ],
        batch_size=5000,
    )
    agreements = []
    for i in range(8):
        signed = rand_day(rng, dt.date(2019, 1, 1), dt.date(2024, 6, 30))
        agreements.append(
            Agreement(
                title=f"Chương trình phối hợp {i}",
                number=f"{i + 1:02d}/CTPH",
                signed_on=signed,
                period_start=signed,
                period_end=None if rng.random() < 0.3 else signed + dt.timedelta(days=3 * 365),
            )
        )
    Agreement.objects.bulk_create(agreements)
    for a in agreements:
        a.parties.set(rng.sample(district, rng.randint(2, 4)))
    reviews = []
    for year in YEARS:
        for _ in range(rng.randint(0, 3)):
            a = rng.choice(agreements)
            nxt = rng.choice([x for x in agreements if x is not a]) if rng.random() < 0.2 else None
            reviews.append(
                AgreementReview(
                    agreement=a,
                    date=rand_day(rng, dt.date(year, 1, 1), dt.date(year, 12, 31)),
                    kind=rng.choice(["interim", "final"]),
                    outcome="Đánh giá kết quả phối hợp",
                    re_signed=rng.random() < 0.35,
                    next_agreement=nxt,
                )
            )
    AgreementReview.objects.bulk_create(reviews)
    log(
        f"coordination: {len(plans):,} annual plans, {len(briefings)} briefings ({sum(map(len, links)):,} leaders), "
        f"{len(agreements)} agreements, {len(reviews)} reviews"
    )


SEGMENT_FILTERS = [
    {"group_codes": ["nld-nsdld"]},
    {"group_codes": ["tn-1", "tn-3"]},
    {"group_codes": []},
    {"statuses": ["voluntary"]},
    {"statuses": ["none"], "consent": True},
    {},
]


def generate_messaging(raw: Raw, n: int, people: list[int], items: list, rng: random.Random) -> list[tuple]:
    """Messages (M9, T5): 12 templates (8 reuse a library SMS item), 6 segments (3 naming target groups),
    11 broadcasts a year (one starting on 31 December at 21:00, running into the next year), 2 reminders;
    n messages — 85% of broadcasts, 15% of reminders; 70% delivered, 15% sent, 10% failed (half of them
    after being sent), 5% cancelled. Returns (message id, person, local day) of the delivered ones."""
    from django.utils import timezone

    from lantoa.audience.models import Segment
    from lantoa.messaging.models import Broadcast, GatewayConfig, Message, Reminder, Template
    from lantoa.orgs.models import Unit

    gateway = GatewayConfig.objects.create(name="Bench outbox", kind="outbox")
    unit = Unit.objects.get(code="hn-bhxh")
    sms = [c for c in items if c.kind == "sms"]
    templates = Template.objects.bulk_create(
        [
            Template(
                name=f"Mẫu {i}",
                unit=unit,
                body=f"Kính gửi {{ho_ten}}: thông tin BHXH {i}",
                content=rng.choice(sms) if i < 8 else None,
            )
            for i in range(12)
        ]
    )
    segments = Segment.objects.bulk_create(
        [Segment(name=f"Nhóm {i}", unit=unit, filters=f) for i, f in enumerate(SEGMENT_FILTERS)]
    )
    broadcasts = []
    for year in YEARS:
        for i in range(11):
            start = (
                timezone.make_aware(dt.datetime(year, 12, 31, 21, 0))
                if i == 10
                else rand_moment(rng, rand_day(rng, dt.date(year, 1, 1), dt.date(year, 12, 31)))
            )
            t = rng.choice(templates)
            broadcasts.append(
                Broadcast(
                    title=f"Tin nhắn {year}-{i}",
                    unit=unit,
                    template=t,
                    segment=rng.choice(segments),
                    status="sent",
                    body=t.body,
                    started_at=start,
                    approved_at=start,
                    finished_at=start,
                    fanout_done=True,
                )
            )
    Broadcast.objects.bulk_create(broadcasts)
    reminders = Reminder.objects.bulk_create(
        [Reminder(name=f"Nhắc đóng {i}", unit=unit, template=templates[i], days=7) for i in range(2)]
    )
    columns = ["key", "person_id", "unit_id", "broadcast_id", "reminder_id", "template_id", "gateway_id",
               "channel", "phone", "text", "params", "unicode", "parts", "attempts", "status", "reason",
               "not_before", "lease_token", "provider_id", "queued_at", "sent_at", "delivered_at", "finished_at",
               "is_demo"]  # fmt: skip
    plan = []

    def rows():
        for i in range(n):
            person = rng.choice(people)
            if rng.random() < 0.85:
                b = rng.choice(broadcasts)
                queued = b.started_at + dt.timedelta(seconds=rng.randint(0, 6 * 3600))
                source = (b.id, None, b.template_id)
            else:
                r = rng.choice(reminders)
                day = rand_day(rng, dt.date(YEARS[0], 1, 1), dt.date(YEARS[-1], 12, 31))
                queued = timezone.make_aware(dt.datetime.combine(day, dt.time(8, 0))) + dt.timedelta(
                    seconds=rng.randint(0, 3600)
                )
                source = (None, r.id, r.template_id)
            s = rng.random()
            status = "delivered" if s < 0.7 else "sent" if s < 0.85 else "failed" if s < 0.95 else "cancelled"
            sent = queued + dt.timedelta(seconds=rng.randint(1, 120))
            if status == "cancelled" or (status == "failed" and rng.random() < 0.5):
                sent = None
            delivered = sent + dt.timedelta(seconds=5) if status == "delivered" else None
            plan.append((person, timezone.localdate(sent) if status == "delivered" else None))
            yield (
                f"bench:{i}",
                person,
                unit.id,
                *source,
                gateway.id,
                "sms",
                f"+8491{i:07d}",
                "Kính gửi bạn",
                "{}",
                True,
                1,
                1,
                status,
                "",
                queued,
                "",
                "",
                queued,
                sent,
                delivered,
                delivered or sent,
                False,
            )

    raw.insert(Message._meta.db_table, columns, rows())
    ids = raw.ids(Message._meta.db_table)
    delivered = [(pk, person, day) for pk, (person, day) in zip(ids, plan, strict=True) if day is not None]
    log(f"messaging: {len(broadcasts)} broadcasts, {len(ids):,} messages ({len(delivered):,} delivered)")
    return delivered


def generate_reach(raw: Raw, n: int, people: list[int], flags, delivered, rng: random.Random) -> None:
    """Reach (T2–T4): about n rows on activities — 70% of activities name people; each person reached by
    a few of them (distinct), on the activity's date, with its voluntary / reform flags — and one row for
    40% of the delivered messages (on the day delivered; half about voluntary BHXH, 30% about reform)."""
    from lantoa.activities.models import Activity
    from lantoa.audience.models import Reach

    acts = list(Activity.objects.order_by("id").values_list("id", "start_date"))
    named = [a for a in acts if rng.random() < 0.7]
    per_person = n / len(people) * 1.02
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    columns = [
        "person_id",
        "date",
        "source",
        "source_key",
        "activity_id",
        "voluntary",
        "reform",
        "created_at",
        "is_demo",
    ]
    made = 0

    def rows():
        nonlocal made
        for person in people:
            k = min(int(rng.expovariate(1 / per_person) + 0.5), 40, n - made)
            for idx in rng.sample(range(len(named)), k) if k > 0 else ():
                pk, day = named[idx]
                voluntary, reform = flags.get(pk, (False, False))
                made += 1
                yield (person, day, "activity", f"a:{pk}", pk, voluntary, reform, now, False)
        for pk, person, day in delivered:
            if rng.random() < 0.4:
                yield (person, day, "message", f"m:{pk}", None, rng.random() < 0.5, rng.random() < 0.3, now, False)

    total = raw.insert(Reach._meta.db_table, columns, rows())
    log(f"reach: {total:,} rows ({made:,} on activities)")


def generate_statistics(places: Places, staff: dict, rng: random.Random) -> None:
    """Labour force per commune (T3, T4): every pre-2025 commune for 2022–2024; for 2025, 88% of today's
    communes have their own figure, the others only their predecessors' (summed by the app), and a few
    with both (their own wins). Officials (T2): the units without a staff list, 85% of their years."""
    from lantoa.audience.models import Statistic
    from lantoa.geo.models import AreaSuccession

    stats = []
    for year in YEARS[:-1]:
        stats += [
            Statistic(kind="labour_force", year=year, area=c, value=rng.randint(600, 1400), source="bench")
            for c in places.legacy
        ]
    preds: dict[int, list[int]] = {}
    for s in AreaSuccession.objects.filter(primary=True).order_by("id"):
        preds.setdefault(s.successor_id, []).append(s.predecessor_id)
    legacy_2025 = set()
    for c in places.current:
        r = rng.random()
        if r >= 0.12 or not preds.get(c.id):
            stats.append(
                Statistic(kind="labour_force", year=2025, area=c, value=rng.randint(1200, 4500), source="bench")
            )
        if r < 0.12 or r > 0.95:
            legacy_2025.update(preds.get(c.id, []))
    stats += [
        Statistic(kind="labour_force", year=2025, area_id=a, value=rng.randint(600, 1400), source="bench")
        for a in sorted(legacy_2025)
    ]
    units = {u.id: u for u in staff["units"]}
    for year in YEARS:
        first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
        for uid in staff["unlisted"]:
            u = units[uid]
            if (u.valid_from and u.valid_from > last) or (u.valid_to and u.valid_to < first):
                continue
            if rng.random() < 0.85:
                stats.append(Statistic(kind="officials", year=year, unit=u, value=rng.randint(8, 40), source="bench"))
    Statistic.objects.bulk_create(stats, batch_size=2000)
    log(f"statistics: {len(stats):,} ({len(legacy_2025)} pre-2025 communes with a 2025 labour-force figure)")


def generate_records(scale: float, places: Places, committee_of, seed: int) -> None:
    raw = Raw()
    rng = random.Random(seed + 3)
    flags = generate_topics(raw, rng)
    people = generate_people(raw, max(100, round(FULL_PEOPLE * scale)), places, committee_of, rng)
    staff = generate_staff(raw, places, committee_of, rng)
    team = generate_team(raw, places, committee_of, staff, rng)
    items = generate_content(raw, rng)
    generate_coordination(staff, rng)
    delivered = generate_messaging(raw, max(100, round(FULL_MESSAGES * scale)), people, items, rng)
    # Staff and team members are reached too (T2 counts the officials on the lists who were).
    reached = people + staff["staff"] + team
    generate_reach(raw, max(100, round(FULL_REACH * scale)), reached, flags, delivered, rng)
    generate_statistics(places, staff, rng)


def derive(source: str, database: str, keep_every: int) -> None:
    """A copy of `source` keeping every `keep_every`-th activity and radio row (by id; the rows were
    inserted in random order, so this is a uniform random sample) with the rows hanging off them, and
    every `keep_every`-th message and message reach row; the rest (areas, units, people, staff lists,
    team, content, coordination, statistics) unchanged:
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
    from lantoa.audience.models import Reach
    from lantoa.messaging.models import Message
    from lantoa.team.models import TrainingAttendance

    k = int(keep_every)
    # (table, condition of the rows deleted): the rows hanging off a deleted activity or broadcast first.
    plan = [
        (Activity.topics.through._meta.db_table, f"activity_id % {k} <> 0"),
        (Activity.co_organisers.through._meta.db_table, f"activity_id % {k} <> 0"),
        (Activity.content_used.through._meta.db_table, f"activity_id % {k} <> 0"),
        ("activities_audience", f"activity_id % {k} <> 0"),
        ("activities_evidence", f"activity_id % {k} <> 0"),
        (TrainingAttendance._meta.db_table, f"activity_id % {k} <> 0"),
        # Reach on an activity goes with it; reach from a message and the messages: every kth by id.
        (Reach._meta.db_table, f"activity_id % {k} <> 0 OR (activity_id IS NULL AND id % {k} <> 0)"),
        (Message._meta.db_table, f"id % {k} <> 0"),
    ]
    tables = [Activity._meta.db_table]
    if radio_table_exists():
        from lantoa.radio.models import Broadcast

        plan.append((Broadcast.topics.through._meta.db_table, f"broadcast_id % {k} <> 0"))
        plan.append((Broadcast.content_used.through._meta.db_table, f"broadcast_id % {k} <> 0"))
        tables.append(Broadcast._meta.db_table)
    plan += [(table, f"id % {k} <> 0") for table in tables]
    with transaction.atomic(), connection.cursor() as cur:
        for table, condition in plan:
            cur.execute(f"DELETE FROM {table} WHERE {condition}")  # noqa: S608 - names from the models
    with connection.cursor() as cur:
        cur.execute("VACUUM FULL ANALYZE" if connection.vendor == "postgresql" else "VACUUM")
    log(f"derived {database} from {source}: every {k}th activity, radio row, reach row and message kept")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", required=True, help="SQLite file path, or postgres://… URL")
    parser.add_argument("--scale", type=float, default=1.0, help="1 = 200,000 activities and 500,000 radio rows")
    parser.add_argument("--activities", type=int, help="override the number of activities")
    parser.add_argument("--broadcasts", type=int, help="override the number of radio rows")
    parser.add_argument("--hamlets", type=int, default=8, help="hamlets per commune (default 8)")
    parser.add_argument("--seed", type=int, default=20260525)
    parser.add_argument("--no-radio", action="store_true", help="skip the radio log even if the app has it")
    parser.add_argument(
        "--no-records", action="store_true", help="only activities and radio: no people, reach, team, content…"
    )
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
    if not args.no_records:
        t = time.perf_counter()
        generate_records(args.scale, places, committee_of, args.seed)
        log(f"records of T1–T5, M1–M3, M9 done in {time.perf_counter() - t:.1f}s")

    from django.db import connection

    if connection.vendor == "postgresql":
        # What autovacuum would have done by the time anyone looks at the dashboard.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    log(f"done in {time.perf_counter() - started:.1f}s: {args.database}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
