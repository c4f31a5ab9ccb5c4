# ruff: noqa: S608 - every statement here is built from constants of this file, never from input
"""Hand-written SQL for the computed indicators: the floor the dashboard is compared with.

One statement per indicator, run on the same database through `connection.cursor()`, returning the same
(actual, numerator, denominator) as the app's computation for a coordinator (who sees everything), the
whole plan (no area, no unit) and one year. Everything the app works out from the area tree (which
communes the plan covers on the reference day, which commune an old record counts under, which areas
feed a commune's radio week) is worked out here in SQL too, with recursive CTEs over `geo_area` and
`geo_areasuccession` — nothing is precomputed in Python. Python only turns the counts into the app's
types (a percentage rounded to 0.1, yes/no).

Keyed by computation name (what `Indicator.computation` holds), so that the comparison follows the
indicators of the plan whatever their codes. The SQL mirrors the app's rules as of this writing; when a
rule changes in the app, the check in dashboard.py reports the difference rather than hiding it.
"""

import datetime as dt
from decimal import Decimal

from lantoa.activities.kinds import MEETING_KINDS

MEETINGS = "(" + ", ".join(f"'{k}'" for k in sorted(str(k) for k in MEETING_KINDS)) + ")"
SOCIAL = "('facebook', 'zalo', 'youtube', 'tiktok')"  # activities.kpi.SOCIAL_CHANNELS


def _percent(numerator, denominator) -> Decimal:
    return (Decimal(numerator) * 100 / Decimal(denominator)).quantize(Decimal("0.1"))


class Dialect:
    """The few places where SQLite and PostgreSQL SQL differ: date arithmetic and date parameters."""

    def __init__(self, vendor: str):
        self.vendor = vendor
        self.pg = vendor == "postgresql"

    def param(self, value):
        # psycopg sends a date as a date; SQLite stores dates as ISO text, so compare with ISO text.
        return value if self.pg or not isinstance(value, dt.date) else value.isoformat()

    def date(self, name: str) -> str:
        return f"CAST(%({name})s AS date)" if self.pg else f"%({name})s"

    def add_days(self, expr: str, n: int) -> str:
        return f"({expr} + {n})" if self.pg else f"date({expr}, '+{n} days')"

    def days_since(self, expr: str, name: str) -> str:
        """Whole days from the date parameter `name` to the date `expr`."""
        if self.pg:
            return f"({expr} - CAST(%({name})s AS date))"
        return f"CAST(julianday({expr}) - julianday(%({name})s) AS INTEGER)"

    def full_scan(self, column: str) -> str:
        """`column`, in a form that keeps SQLite from reading a quarter of the table through its index
        (a table scan is ~4× faster there); PostgreSQL's planner chooses by itself."""
        return column if self.pg else f"+{column}"


def valid_on(alias: str, day: str) -> str:
    """SQL for `Dated.is_valid_on`: the row of `alias` is in force on `day` (an SQL expression)."""
    return (
        f"(({alias}.valid_from IS NULL OR {alias}.valid_from <= {day}) "
        f"AND ({alias}.valid_to IS NULL OR {alias}.valid_to >= {day}))"
    )


DONE = "a.status = 'done' AND a.start_date BETWEEN %(y0)s AND %(y1)s"


def sql_count(d: Dialect, where: str) -> str:
    return f"SELECT COUNT(*) FROM activities_activity a WHERE {DONE} AND {where}"


def employer_conferences(cur, d, p):
    """M4: done meetings in the year with an audience of workers and employers."""
    cur.execute(
        sql_count(
            d,
            f"a.kind IN {MEETINGS} AND EXISTS (SELECT 1 FROM activities_audience au "
            "JOIN taxonomy_targetgroup g ON g.id = au.group_id "
            "WHERE au.activity_id = a.id AND g.code = 'nld-nsdld')",
        ),
        p,
    )
    (n,) = cur.fetchone()
    return Decimal(n), Decimal(n), None


def training_classes(cur, d, p):
    """M10: done training sessions in the year."""
    cur.execute(sql_count(d, "a.kind = 'training'"), p)
    (n,) = cur.fetchone()
    return Decimal(n), Decimal(n), None


def campaign_activity_share(cur, d, p):
    """T7: share of the year's done activities that belong to a campaign."""
    cur.execute(f"SELECT COUNT(*), COUNT(a.campaign_id) FROM activities_activity a WHERE {DONE}", p)
    total, n = cur.fetchone()
    return _percent(n, total), Decimal(n), Decimal(total)


def may_campaign_held(cur, d, p):
    """M11: done activities in May of the year that belong to a May campaign of the year."""
    cur.execute(
        "SELECT COUNT(*) FROM activities_activity a JOIN activities_campaign c ON c.id = a.campaign_id "
        f"WHERE {DONE} AND c.type = 'may' AND c.start_date BETWEEN %(y0)s AND %(y1)s "
        "AND a.start_date BETWEEN %(may0)s AND %(may1)s",
        p,
    )
    (n,) = cur.fetchone()
    return n > 0, Decimal(n), None


def association_conferences(cur, d, p):
    """M6: per association in force on 1 January or on the reference day, its done meetings with
    collaborators / hamlet heads / prestigious people; actual = the lowest count, numerator = the
    associations reaching the year's minimum (1 without a target)."""
    # (activity, group) is unique in activities_audience: the join cannot count an activity twice.
    cur.execute(
        f"""
        SELECT MIN(per.n), SUM(CASE WHEN per.n >= tm.m THEN 1 ELSE 0 END), COUNT(*)
        FROM (
            SELECT u.id, COUNT(x.id) AS n
            FROM orgs_unit u
            LEFT JOIN (
                SELECT a.id, a.organiser_id FROM activities_activity a
                JOIN activities_audience au ON au.activity_id = a.id
                JOIN taxonomy_targetgroup g ON g.id = au.group_id AND g.code = 'ctv-uy-tin'
                WHERE {DONE} AND a.kind IN {MEETINGS}
                AND a.organiser_id IN (SELECT id FROM orgs_unit WHERE kind = 'association')
            ) x ON x.organiser_id = u.id
            WHERE u.kind = 'association' AND ({valid_on("u", "%(y0)s")} OR {valid_on("u", "%(ref)s")})
            GROUP BY u.id
        ) per,
        (SELECT COALESCE((SELECT t.min_value FROM plans_target t WHERE t.indicator_id = %(indicator)s
                          AND t.year = %(year)s AND t.area_id IS NULL AND t.unit_id IS NULL), 1) AS m) tm
        """,
        p,
    )
    low, meeting, total = cur.fetchone()
    return Decimal(low), Decimal(meeting), Decimal(total)


def _commune_ctes() -> str:
    """The plan's communes in force on the reference day, and for every commune or hamlet the commune
    its records count under on that day (through primary succession links, transitively)."""
    return f"""
    WITH RECURSIVE
    edges(src, dst) AS (
        SELECT parent_id, id FROM geo_area WHERE parent_id IS NOT NULL
        UNION ALL
        SELECT predecessor_id, successor_id FROM geo_areasuccession WHERE effective_on <= %(ref)s
    ),
    reach(id) AS (
        SELECT area_id FROM plans_plan_areas WHERE plan_id = %(plan)s
        UNION
        SELECT e.dst FROM edges e JOIN reach r ON e.src = r.id
    ),
    plan_communes(id) AS (
        SELECT g.id FROM geo_area g WHERE g.level = 3 AND g.id IN (SELECT id FROM reach) AND {valid_on("g", "%(ref)s")}
    ),
    roll(src, cur) AS (
        SELECT id, id FROM geo_area WHERE level = 3
        UNION ALL
        SELECT r.src, s.successor_id FROM roll r
        JOIN geo_area c ON c.id = r.cur
        JOIN geo_areasuccession s ON s.predecessor_id = r.cur AND s."primary" AND s.effective_on <= %(ref)s
        WHERE NOT {valid_on("c", "%(ref)s")}
    ),
    area_commune(area, commune) AS (
        SELECT a.id, r.cur FROM geo_area a
        JOIN roll r ON r.src = CASE WHEN a.level = 4 THEN a.parent_id ELSE a.id END
        JOIN geo_area c ON c.id = r.cur
        WHERE a.level >= 3 AND {valid_on("c", "%(ref)s")}
    )
    """


def forms_mix_per_area(cur, d, p):
    """T6: the plan's communes where both a traditional and a modern form were used in the year.
    The year's activities are first reduced to one row per place, then mapped to communes."""
    cur.execute(
        _commune_ctes()
        + f""",
        per_place(area, has_modern, all_modern) AS (
            SELECT a.area_id, MAX(CASE WHEN a.modern THEN 1 ELSE 0 END), MIN(CASE WHEN a.modern THEN 1 ELSE 0 END)
            FROM activities_activity a WHERE {DONE} GROUP BY a.area_id
        )
        SELECT (SELECT COUNT(*) FROM plan_communes), COUNT(*) FROM (
            SELECT ac.commune FROM per_place pp JOIN area_commune ac ON ac.area = pp.area
            WHERE ac.commune IN (SELECT id FROM plan_communes)
            GROUP BY ac.commune
            HAVING MAX(pp.has_modern) = 1 AND MIN(pp.all_modern) = 0
        ) both_forms
        """,
        p,
    )
    communes, both = cur.fetchone()
    return both == communes, Decimal(both), Decimal(communes)


def communes_grassroots_share(cur, d, p):
    """M5: share of the plan's communes where a commune People's Committee held a meeting with a
    recorded audience in the year."""
    cur.execute(
        _commune_ctes()
        + f""",
        places(area) AS (
            SELECT DISTINCT a.area_id FROM activities_activity a
            JOIN orgs_unit o ON o.id = a.organiser_id
            WHERE {DONE} AND a.kind IN {MEETINGS} AND o.kind = 'commune_committee'
            AND EXISTS (SELECT 1 FROM activities_audience au WHERE au.activity_id = a.id)
        )
        SELECT (SELECT COUNT(*) FROM plan_communes), (
            SELECT COUNT(DISTINCT ac.commune) FROM places pl JOIN area_commune ac ON ac.area = pl.area
            WHERE ac.commune IN (SELECT id FROM plan_communes)
        )
        """,
        p,
    )
    communes, held = cur.fetchone()
    return _percent(held, communes), Decimal(held), Decimal(communes)


def social_media_stage(cur, d, p):
    """M8: social-media posts of the year — planned or done in the "plan" stage (2022), done with a
    link in the "live" stage; the stage is a parameter of the year's target ("live" without one)."""
    cur.execute(
        f"""
        SELECT COUNT(*) FROM activities_activity a,
        (SELECT COALESCE((SELECT t.params ->> 'stage' FROM plans_target t WHERE t.indicator_id = %(indicator)s
                          AND t.year = %(year)s AND t.area_id IS NULL AND t.unit_id IS NULL), 'live') AS stage) st
        WHERE a.kind = 'social_post' AND a.channel IN {SOCIAL} AND a.start_date BETWEEN %(y0)s AND %(y1)s
        AND ((st.stage = 'plan' AND a.status <> 'cancelled') OR (st.stage <> 'plan' AND a.status = 'done'
             AND a.link <> ''))
        """,
        p,
    )
    (n,) = cur.fetchone()
    return n > 0, Decimal(n), None


def radio_voluntary_per_week(cur, d, p):
    """M7: for every (commune, finished ISO week of the year) where the commune — of the plan's areas or
    one that absorbed them — is in force on the week's Sunday, the voluntary-BHXH broadcasts on the
    commune, its hamlets, and the closed communes whose records roll up into it (and their hamlets).
    actual = the lowest weekly count, numerator = pairs reaching the weekly minimum, denominator = pairs."""
    sunday = d.add_days("w.monday", 6)
    cur.execute(
        f"""
        WITH RECURSIVE
        below(id) AS (
            SELECT area_id FROM plans_plan_areas WHERE plan_id = %(plan)s
            UNION
            SELECT g.id FROM geo_area g JOIN below b ON g.parent_id = b.id
        ),
        covered(id) AS (
            SELECT id FROM geo_area WHERE level = 3 AND id IN (SELECT id FROM below)
            UNION
            SELECT s.successor_id FROM geo_areasuccession s
            JOIN covered c ON s.predecessor_id = c.id
            JOIN geo_area g ON g.id = s.successor_id
            WHERE g.level = 3
        ),
        weeks(n, monday) AS (
            SELECT 0, {d.date("first_monday")}
            UNION ALL
            SELECT n + 1, {d.add_days("monday", 7)} FROM weeks WHERE monday < {d.date("last_monday")}
        ),
        held(commune, n) AS (
            SELECT g.id, w.n FROM covered c JOIN geo_area g ON g.id = c.id CROSS JOIN weeks w
            WHERE {sunday} < {d.date("today")} AND {valid_on("g", sunday)}
        ),
        src_edges(src, dst) AS (
            SELECT parent_id, id FROM geo_area WHERE parent_id IS NOT NULL
            UNION ALL
            SELECT s.successor_id, s.predecessor_id FROM geo_areasuccession s
            JOIN geo_area pa ON pa.id = s.predecessor_id
            WHERE s."primary" AND pa.valid_to IS NOT NULL
        ),
        sources(commune, area) AS (
            SELECT id, id FROM covered
            UNION
            SELECT s.commune, e.dst FROM sources s JOIN src_edges e ON e.src = s.area
        ),
        aired(commune, n, broadcasts) AS (
            SELECT s.commune, {d.days_since("b.aired_on", "first_monday")} / 7, COUNT(*)
            FROM radio_broadcast b CROSS JOIN sources s
            WHERE s.area = b.commune_id AND b.voluntary_bhxh
            AND {d.full_scan("b.aired_on")} BETWEEN {d.date("first_monday")} AND {d.date("last_sunday")}
            GROUP BY 1, 2
        ),
        minimum(m) AS (
            SELECT COALESCE((SELECT t.min_value FROM plans_target t WHERE t.indicator_id = %(indicator)s
                             AND t.year = %(year)s AND t.area_id IS NULL AND t.unit_id IS NULL
                             AND t.min_value IS NOT NULL), 2)
        ),
        per_pair(n, m) AS (
            SELECT COALESCE(ai.broadcasts, 0), COALESCE(ta.min_value, mi.m)
            FROM held h
            CROSS JOIN minimum mi
            LEFT JOIN aired ai ON ai.commune = h.commune AND ai.n = h.n
            LEFT JOIN plans_target ta ON ta.indicator_id = %(indicator)s AND ta.year = %(year)s
                 AND ta.area_id = h.commune AND ta.unit_id IS NULL AND ta.min_value IS NOT NULL
        )
        SELECT MIN(n), SUM(CASE WHEN n >= m THEN 1 ELSE 0 END), COUNT(*) FROM per_pair
        """,
        p,
    )
    low, met, pairs = cur.fetchone()
    return Decimal(low), Decimal(met), Decimal(pairs)


BY_COMPUTATION = {
    f.__name__: f
    for f in (
        employer_conferences,
        training_classes,
        campaign_activity_share,
        may_campaign_held,
        association_conferences,
        forms_mix_per_area,
        communes_grassroots_share,
        social_media_stage,
        radio_voluntary_per_week,
    )
}


def params(dialect: Dialect, *, year: int, plan_id: int, indicator_id: int, today: dt.date) -> dict:
    ref = min(dt.date(year, 12, 31), max(today, dt.date(year, 1, 1)))  # activities.kpi.reference_day
    first_monday = dt.date.fromisocalendar(year, 1, 1)
    last_week = dt.date(year, 12, 28).isocalendar().week
    last_monday = dt.date.fromisocalendar(year, last_week, 1)
    values = {
        "year": year,
        "y0": dt.date(year, 1, 1),
        "y1": dt.date(year, 12, 31),
        "may0": dt.date(year, 5, 1),
        "may1": dt.date(year, 5, 31),
        "ref": ref,
        "plan": plan_id,
        "indicator": indicator_id,
        "first_monday": first_monday,
        "last_monday": last_monday,
        "last_sunday": last_monday + dt.timedelta(days=6),
        "today": today,
    }
    return {k: dialect.param(v) for k, v in values.items()}
