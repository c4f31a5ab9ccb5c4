# ruff: noqa: S608 - every statement here is built from constants of this file, never from input
"""Hand-written SQL for the computed indicators: the floor the dashboard is compared with.

One statement per indicator (all 18 of the default plan), run on the same database through
`connection.cursor()`, returning the same (actual, numerator, denominator) as the app's computation for a
coordinator (who sees everything), the whole plan (no area, no unit) and one year — and, for T2, T3 and
T4, the estimated reach the dashboard shows under the figure (`details["estimated"]`). Everything the
app works out from the area tree (which communes the plan covers on the reference day, which commune an
old record counts under, which areas feed a commune's radio week, which units belong to the plan's
areas) is worked out here in SQL too, with recursive CTEs over `geo_area` and `geo_areasuccession` —
nothing is precomputed in Python. Python only turns the counts into the app's
types (a percentage rounded to 0.1, yes/no, "no data" when the app has none). Two things come from the
app as constants: the working-age bounds of a year (`audience.working_age.bounds`, the retirement-age law
as data) and the time zone (a sent message or an approval counts on its local date).

Keyed by computation name (what `Indicator.computation` holds), so that the comparison follows the
indicators of the plan whatever their codes. The SQL mirrors the app's rules as of this writing; when a
rule changes in the app, the check in dashboard.py reports the difference rather than hiding it.
"""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

from lantoa.activities.kinds import MEETING_KINDS
from lantoa.audience.working_age import bounds

MEETINGS = "(" + ", ".join(f"'{k}'" for k in sorted(str(k) for k in MEETING_KINDS)) + ")"
SOCIAL = "('facebook', 'zalo', 'youtube', 'tiktok')"  # activities.kpi.SOCIAL_CHANNELS


def _percent(numerator, denominator) -> Decimal:
    return (Decimal(numerator) * 100 / Decimal(denominator)).quantize(Decimal("0.1"))


class Dialect:
    """The few places where SQLite and PostgreSQL SQL differ: date arithmetic, date and time parameters,
    local dates of timestamps, JSON keys."""

    def __init__(self, vendor: str, time_zone: str | None = None):
        self.vendor = vendor
        self.pg = vendor == "postgresql"
        if time_zone is None:
            from django.conf import settings

            time_zone = settings.TIME_ZONE
        self.time_zone = time_zone

    def param(self, value):
        # psycopg sends dates and aware datetimes as such; SQLite stores dates as ISO text and datetimes as
        # naive UTC text ("YYYY-MM-DD HH:MM:SS[.ffffff]", as Django writes them), so compare with that text.
        if self.pg:
            return value
        if isinstance(value, dt.datetime):
            return str(value.astimezone(dt.UTC).replace(tzinfo=None))
        return value.isoformat() if isinstance(value, dt.date) else value

    def local_date(self, expr: str) -> str:
        """The local date (settings.TIME_ZONE) of the timestamp `expr`, as `timezone.localdate` gives it."""
        if self.pg:
            return f"CAST(({expr} AT TIME ZONE %(tz)s) AS date)"
        return f"date({expr}, %(tz_offset)s)"

    def tz_offset(self, year: int) -> str:
        """SQLite's modifier for the zone's offset in `year` (one offset all year: true of Vietnam since 1975)."""
        from zoneinfo import ZoneInfo

        zone = ZoneInfo(self.time_zone)
        offsets = {dt.datetime(year, m, 1, tzinfo=zone).utcoffset() for m in range(1, 13)}
        offsets.add(dt.datetime(year + 1, 1, 1, tzinfo=zone).utcoffset())
        if len(offsets) != 1:
            raise ValueError(f"{self.time_zone} changes its UTC offset in {year}: handsql.py cannot say the local date")
        minutes = int(offsets.pop().total_seconds() // 60)
        return f"{minutes:+d} minutes"

    def has_key(self, expr: str, key: str) -> str:
        """The JSON object `expr` has the key `key` (Django's `__has_key`)."""
        return f"({expr} ? '{key}')" if self.pg else f"(json_type({expr}, '$.\"{key}\"') IS NOT NULL)"

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


# --- T1: the communication team ------------------------------------------------------------------------


def _overlaps_year(alias: str) -> str:
    """The dated row of `alias` is in force on at least one day of the year."""
    return (
        f"(({alias}.valid_from IS NULL OR {alias}.valid_from <= %(y1)s) "
        f"AND ({alias}.valid_to IS NULL OR {alias}.valid_to >= %(y0)s))"
    )


def team_trained_share(cur, d, p):
    """T1: people holding a team role on a day of the year (once each), and those of them who completed a
    done training class of the year — on the list under any of their member rows."""
    cur.execute(
        f"""
        WITH members(person) AS (
            SELECT DISTINCT m.person_id FROM team_teammember m WHERE {_overlaps_year("m")}
        ),
        trained(person) AS (
            SELECT DISTINCT m.person_id FROM team_trainingattendance ta
            JOIN team_teammember m ON m.id = ta.member_id
            JOIN activities_activity a ON a.id = ta.activity_id
            WHERE ta.completed AND a.kind = 'training' AND {DONE}
        )
        SELECT (SELECT COUNT(*) FROM members),
               (SELECT COUNT(*) FROM members WHERE person IN (SELECT person FROM trained))
        """,
        p,
    )
    total, trained = cur.fetchone()
    if not total:
        return None, None, None
    return _percent(trained, total), Decimal(trained), Decimal(total)


# --- T2 and M1: the plan's units, their staff lists -------------------------------------------------------


def _unit_ctes() -> str:
    """After `_commune_ctes`: the units of the plan's areas in force on a day of the year — areas: the
    plan's areas and communes, everything below them, the closed areas rolled up into those (primary
    links, transitively), and everything below those (audience.kpi.units_in_scope)."""
    return f""",
    roots(id) AS (
        SELECT area_id FROM plans_plan_areas WHERE plan_id = %(plan)s
        UNION SELECT id FROM plan_communes
    ),
    down1(id) AS (
        SELECT id FROM roots
        UNION SELECT g.id FROM geo_area g JOIN down1 d ON g.parent_id = d.id
    ),
    preds(id) AS (
        SELECT id FROM down1
        UNION SELECT s.predecessor_id FROM geo_areasuccession s
        JOIN preds pr ON s.successor_id = pr.id
        JOIN geo_area pa ON pa.id = s.predecessor_id
        WHERE s."primary" AND pa.valid_to IS NOT NULL
    ),
    down2(id) AS (
        SELECT id FROM preds
        UNION SELECT g.id FROM geo_area g JOIN down2 d ON g.parent_id = d.id
    ),
    units(id) AS (
        SELECT u.id FROM orgs_unit u WHERE {_overlaps_year("u")} AND u.area_id IN (SELECT id FROM down2)
    )
    """


COUNTED_REACH = """
    SELECT r.person_id, r.voluntary, r.reform, p.area_id, p.sex, p.birth_date, p.birth_year
    FROM audience_reach r
    JOIN audience_person p ON p.id = r.person_id
    LEFT JOIN activities_activity ra ON ra.id = r.activity_id
    WHERE p.merged_into_id IS NULL AND (r.activity_id IS NULL OR ra.status = 'done')
    AND r.date BETWEEN %(y0)s AND %(y1)s
"""  # audience.reach.counted_reach, for the year


def _estimate_sql(activities: str, groups: str) -> str:
    """Head-counts of `groups` at the activities (a CTE `activities(id, estimated_reach)`) plus their
    estimated reach: audience.reach.estimate. Two scalar subqueries, as two columns."""
    return f"""
        (SELECT COALESCE(SUM(au.headcount), 0) FROM activities_audience au
         JOIN taxonomy_targetgroup g ON g.id = au.group_id
         WHERE au.activity_id IN (SELECT id FROM {activities}) AND {groups}),
        (SELECT COALESCE(SUM(estimated_reach), 0) FROM {activities})
    """


NO_REACH = "NOT EXISTS (SELECT 1 FROM audience_reach nr WHERE nr.activity_id = a.id)"


def officials_informed_share(cur, d, p):
    """T2: officials on the staff lists (in force in the year) of the plan's units reached in the year on a
    reform content, over those officials; for the units without a staff list, their people in the
    officials' groups reached so, over the units' "officials" statistic (capped at it). Estimated: the
    officials' head-counts at the year's done activities on a reform content that named nobody."""
    cur.execute(
        _commune_ctes()
        + _unit_ctes()
        + f""",
        informed(person) AS (SELECT person_id FROM ({COUNTED_REACH}) cr WHERE cr.reform),
        postings(person, unit) AS (
            SELECT sp.person_id, sp.unit_id FROM audience_staffposting sp
            JOIN audience_person p ON p.id = sp.person_id
            WHERE {_overlaps_year("sp")} AND sp.is_official AND p.merged_into_id IS NULL
            AND sp.unit_id IN (SELECT id FROM units)
        ),
        stats(unit, v) AS (
            SELECT st.unit_id, SUM(st.value) FROM audience_statistic st
            WHERE st.kind = 'officials' AND st.year = %(year)s AND st.unit_id IN (SELECT id FROM units)
            AND st.unit_id NOT IN (SELECT unit FROM postings)
            GROUP BY st.unit_id
        ),
        est(id, estimated_reach) AS (
            SELECT a.id, a.estimated_reach FROM activities_activity a
            WHERE {DONE} AND {NO_REACH} AND EXISTS (
                SELECT 1 FROM activities_activity_topics at JOIN taxonomy_topic t ON t.id = at.topic_id
                WHERE at.activity_id = a.id AND t.reform_number IS NOT NULL)
        )
        SELECT
            (SELECT COUNT(*) FROM units),
            (SELECT COUNT(DISTINCT person) FROM postings),
            (SELECT COUNT(DISTINCT person) FROM postings WHERE person IN (SELECT person FROM informed)),
            (SELECT COALESCE(SUM(v), 0) FROM stats),
            (SELECT COUNT(DISTINCT p.id) FROM audience_person p
             JOIN audience_person_groups pg ON pg.person_id = p.id
             JOIN taxonomy_targetgroup g ON g.id = pg.targetgroup_id
             WHERE p.merged_into_id IS NULL AND g.code IN {OFFICIAL_GROUPS}
             AND p.unit_id IN (SELECT unit FROM stats) AND p.id IN (SELECT person FROM informed)),
            {_estimate_sql("est", f"g.code IN {OFFICIAL_GROUPS}")}
        """,
        p,
    )
    units, listed, listed_reached, stat_total, stat_reached, headcounts, extra = cur.fetchone()
    if not units:
        return None, None, None, None
    estimated = Decimal(headcounts + extra)
    numerator, denominator = listed_reached + min(stat_reached, stat_total), listed + stat_total
    if not denominator:
        return None, None, None, estimated
    return _percent(numerator, denominator), Decimal(numerator), Decimal(denominator), estimated


OFFICIAL_GROUPS = "('can-bo', 'lanh-dao')"  # audience.kpi.OFFICIAL_GROUPS


def leaders_informed_share(cur, d, p):
    """M1: distinct people with a leader posting in force in the year at one of the plan's units, and
    those of them on a briefing of the year."""
    cur.execute(
        _commune_ctes()
        + _unit_ctes()
        + f""",
        leaders(person) AS (
            SELECT DISTINCT sp.person_id FROM audience_staffposting sp
            JOIN audience_person p ON p.id = sp.person_id
            WHERE {_overlaps_year("sp")} AND sp.is_leader AND p.merged_into_id IS NULL
            AND sp.unit_id IN (SELECT id FROM units)
        )
        SELECT (SELECT COUNT(*) FROM leaders), (
            SELECT COUNT(*) FROM leaders l WHERE EXISTS (
                SELECT 1 FROM coordination_briefing_leaders bl
                JOIN coordination_briefing b ON b.id = bl.briefing_id
                WHERE bl.person_id = l.person AND b.date BETWEEN %(y0)s AND %(y1)s)
        )
        """,
        p,
    )
    leaders, informed = cur.fetchone()
    if not leaders:
        return None, None, None
    return _percent(informed, leaders), Decimal(informed), Decimal(leaders)


# --- T3 and T4: the working-age labour force reached ------------------------------------------------------


def _working_age(alias: str) -> str:
    """audience.working_age.working_age_q for the year, with its bounds as parameters."""
    a = alias
    return (
        f"({a}.birth_year <= %(wa_youngest)s AND CASE WHEN {a}.sex = 'f' "
        f"THEN (CASE WHEN {a}.birth_date IS NULL THEN {a}.birth_year >= %(wa_f_year)s "
        f"ELSE {a}.birth_date >= %(wa_f_date)s END) "
        f"ELSE (CASE WHEN {a}.birth_date IS NULL THEN {a}.birth_year >= %(wa_m_year)s "
        f"ELSE {a}.birth_date >= %(wa_m_date)s END) END)"
    )


def _labour_share(cur, d, p, *, voluntary: bool):
    """T3 / T4: distinct people of working age reached in the year (T4: on voluntary BHXH) whose area
    counts under one of the plan's communes on the reference day, over the labour-force statistic of
    those communes — a commune's own figure, else the sum of its predecessors' when every one of them
    has its figure, else "missing" (no actual, no denominator). Estimated: workers' and the voluntary
    groups' head-counts at the year's done activities on those areas that named nobody (T4: on a
    voluntary-BHXH topic), plus their estimated reach."""
    wanted = "(SELECT id FROM plan_communes)"
    topic = (
        """AND EXISTS (SELECT 1 FROM activities_activity_topics at JOIN taxonomy_topic t ON t.id = at.topic_id
                       WHERE at.activity_id = a.id AND t.voluntary_bhxh)"""
        if voluntary
        else ""
    )
    cur.execute(
        _commune_ctes()
        + f""",
        included(area) AS (SELECT area FROM area_commune WHERE commune IN {wanted}),
        lf(area, v) AS (
            SELECT area_id, value FROM audience_statistic
            WHERE kind = 'labour_force' AND year = %(year)s AND area_id IS NOT NULL
        ),
        own(commune, v) AS (SELECT area, SUM(v) FROM lf WHERE area IN {wanted} GROUP BY area),
        rolled_in(commune, area, v) AS (
            SELECT ac.commune, lf.area, lf.v FROM lf JOIN area_commune ac ON ac.area = lf.area
            WHERE lf.area NOT IN {wanted} AND ac.commune IN {wanted}
        ),
        pred(commune, id) AS (
            SELECT id, id FROM plan_communes
            UNION SELECT pr.commune, s.predecessor_id FROM pred pr
            JOIN geo_areasuccession s ON s.successor_id = pr.id
            JOIN geo_area pa ON pa.id = s.predecessor_id
            WHERE s."primary" AND pa.valid_to IS NOT NULL
        ),
        per(commune, v) AS (
            SELECT pc.id, COALESCE(
                (SELECT v FROM own WHERE own.commune = pc.id),
                CASE WHEN NOT EXISTS (
                    SELECT 1 FROM pred pr JOIN geo_area g ON g.id = pr.id
                    WHERE pr.commune = pc.id AND pr.id <> pc.id AND g.level = 3
                    AND pr.id NOT IN (SELECT area FROM rolled_in ri WHERE ri.commune = pc.id)
                ) THEN (SELECT SUM(v) FROM rolled_in ri WHERE ri.commune = pc.id) END)
            FROM plan_communes pc
        ),
        est(id, estimated_reach) AS (
            SELECT a.id, a.estimated_reach FROM activities_activity a
            WHERE {DONE} AND a.area_id IN (SELECT area FROM included) AND {NO_REACH} {topic}
        )
        SELECT
            (SELECT COUNT(*) FROM per),
            (SELECT COUNT(*) FROM per WHERE v IS NULL),
            (SELECT COALESCE(SUM(v), 0) FROM per),
            (SELECT COUNT(DISTINCT cr.person_id) FROM ({COUNTED_REACH}) cr
             WHERE cr.area_id IN (SELECT area FROM included) AND {_working_age("cr")}
             {"AND cr.voluntary" if voluntary else ""}),
            {_estimate_sql("est", "(g.code = 'nld-nsdld' OR g.voluntary_group IS NOT NULL)")}
        """,
        p,
    )
    communes, missing, total, counted, headcounts, extra = cur.fetchone()
    if not communes:
        return None, None, None, None
    estimated = Decimal(headcounts + extra)
    if missing:
        return None, Decimal(counted), None, estimated
    return _percent(counted, total), Decimal(counted), Decimal(total), estimated


def labour_reached_share(cur, d, p):
    """T3: share of the working-age labour force reached on BHXH in the year."""
    return _labour_share(cur, d, p, voluntary=False)


def labour_reached_voluntary_share(cur, d, p):
    """T4: the same, reach about voluntary BHXH only."""
    return _labour_share(cur, d, p, voluntary=True)


# --- T5: content approved before use ------------------------------------------------------------------


def content_approved_share(cur, d, p):
    """T5: library items used in the year — by done activities, radio broadcasts aired and messages sent
    (local date) through a template linked to an item — and those first approved (review history or
    `approved_at`, local date) on or before their first use of the year."""
    sent = d.local_date("m.sent_at")
    cur.execute(
        f"""
        WITH uses(item, day) AS (
            SELECT cu.contentitem_id, MIN(a.start_date) FROM activities_activity_content_used cu
            JOIN activities_activity a ON a.id = cu.activity_id WHERE {DONE} GROUP BY cu.contentitem_id
            UNION ALL
            SELECT cu.contentitem_id, MIN(b.aired_on) FROM radio_broadcast_content_used cu
            JOIN radio_broadcast b ON b.id = cu.broadcast_id
            WHERE b.aired_on BETWEEN %(y0)s AND %(y1)s GROUP BY cu.contentitem_id
            UNION ALL
            SELECT t.content_id, MIN({sent}) FROM messaging_message m
            JOIN messaging_template t ON t.id = m.template_id
            WHERE m.sent_at >= %(t0)s AND m.sent_at < %(t1)s AND t.content_id IS NOT NULL GROUP BY t.content_id
        ),
        first_use(item, day) AS (SELECT item, MIN(day) FROM uses GROUP BY item),
        approvals(item, day) AS (
            SELECT rv.item_id, MIN({d.local_date("rv.at")}) FROM content_contentreview rv
            WHERE rv.decision = 'approved' AND rv.item_id IN (SELECT item FROM first_use) GROUP BY rv.item_id
            UNION ALL
            SELECT c.id, {d.local_date("c.approved_at")} FROM content_contentitem c
            WHERE c.approved_at IS NOT NULL AND c.id IN (SELECT item FROM first_use)
        ),
        first_approval(item, day) AS (SELECT item, MIN(day) FROM approvals GROUP BY item)
        SELECT COUNT(*), COALESCE(SUM(CASE WHEN fa.day <= fu.day THEN 1 ELSE 0 END), 0)
        FROM first_use fu LEFT JOIN first_approval fa ON fa.item = fu.item
        """,
        p,
    )
    used, ok = cur.fetchone()
    if not used:
        return None, None, None
    return _percent(ok, used), Decimal(ok), Decimal(used)


# --- M2, M3: coordination ----------------------------------------------------------------------------


def communes_with_plan_share(cur, d, p):
    """M2: the plan's communes with an accepted plan of the year from a commune People's Committee whose
    area counts under the commune on the reference day (a merged commune's plan counts for its successor)."""
    cur.execute(
        _commune_ctes()
        + """
        SELECT (SELECT COUNT(*) FROM plan_communes), (
            SELECT COUNT(DISTINCT ac.commune) FROM coordination_unitplan up
            JOIN orgs_unit u ON u.id = up.unit_id
            JOIN area_commune ac ON ac.area = u.area_id
            WHERE up.year = %(year)s AND up.status = 'accepted' AND u.kind = 'commune_committee'
            AND ac.commune IN (SELECT id FROM plan_communes)
        )
        """,
        p,
    )
    communes, with_plan = cur.fetchone()
    if not communes:
        return None, None, None
    return _percent(with_plan, communes), Decimal(with_plan), Decimal(communes)


def coordination_reviewed(cur, d, p):
    """M3: reviews of the year of an agreement that was signed again or followed by a next agreement."""
    cur.execute(
        "SELECT COUNT(*) FROM coordination_agreementreview r WHERE r.date BETWEEN %(y0)s AND %(y1)s "
        "AND (r.re_signed OR r.next_agreement_id IS NOT NULL)",
        p,
    )
    (n,) = cur.fetchone()
    return n > 0, Decimal(n), None


# --- M9: targeted SMS ---------------------------------------------------------------------------------


def targeted_sms(cur, d, p):
    """M9: broadcasts to a segment naming target groups (`group_codes`) with a message sent in the year."""
    cur.execute(
        f"""
        SELECT COUNT(*) FROM messaging_broadcast b JOIN audience_segment s ON s.id = b.segment_id
        WHERE {d.has_key("s.filters", "group_codes")} AND EXISTS (
            SELECT 1 FROM messaging_message m
            WHERE m.broadcast_id = b.id AND m.sent_at >= %(t0)s AND m.sent_at < %(t1)s)
        """,
        p,
    )
    (n,) = cur.fetchone()
    return n > 0, Decimal(n), None


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
        team_trained_share,
        officials_informed_share,
        labour_reached_share,
        labour_reached_voluntary_share,
        content_approved_share,
        leaders_informed_share,
        communes_with_plan_share,
        coordination_reviewed,
        targeted_sms,
    )
}


def params(dialect: Dialect, *, year: int, plan_id: int, indicator_id: int, today: dt.date) -> dict:
    ref = min(dt.date(year, 12, 31), max(today, dt.date(year, 1, 1)))  # activities.kpi.reference_day
    first_monday = dt.date.fromisocalendar(year, 1, 1)
    last_week = dt.date(year, 12, 28).isocalendar().week
    last_monday = dt.date.fromisocalendar(year, last_week, 1)
    zone = ZoneInfo(dialect.time_zone)
    f_date, f_year, youngest = bounds("f", year)
    m_date, m_year, _youngest = bounds("m", year)
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
        # Timestamps of the year: from local midnight of 1 January to local midnight of the next.
        "t0": dt.datetime(year, 1, 1, tzinfo=zone),
        "t1": dt.datetime(year + 1, 1, 1, tzinfo=zone),
        "tz": dialect.time_zone,
        "tz_offset": dialect.tz_offset(year),
        "wa_youngest": youngest,
        "wa_f_date": f_date,
        "wa_f_year": f_year,
        "wa_m_date": m_date,
        "wa_m_year": m_year,
    }
    return {k: dialect.param(v) for k, v in values.items()}
