#!/usr/bin/env python
"""Time the dashboard on a database made by bench/generate.py, against hand-written SQL on the same
database in the same run, and check that both give the same numbers.

    .venv/bin/python bench/dashboard.py --database /tmp/b/1x.sqlite3 [--year 2025] [--repeat 5]
    .venv/bin/python bench/dashboard.py --database postgres://postgres@127.0.0.1:5433/bench_1x --json out.json

What is timed (wall clock, median of --repeat runs after one warm-up run; each run starts from a user
and plan read afresh, as a request would):

- one year: `plans.selectors.indicators_with_targets` and `indicator_cell` for every indicator of the
  plan for --year, as a coordinator (sees every area and unit), whole plan — per indicator and in total;
- the whole dashboard: `plans.selectors.dashboard_rows` (every indicator, every year of the plan);
- the page: GET of the dashboard view through Django's test client (dashboard_rows + template);
- the floor: bench/handsql.py, one statement per computed indicator, for the same year (and for every
  year, to set against dashboard_rows and the page).

Before anything is timed, every figure the dashboard shows of a cell (actual, numerator, denominator
and, for T2–T4, the estimated reach) of every computed indicator, for every plan year, is compared
between the app and the SQL. A difference — or a computed indicator without hand SQL — is printed and
the run stops there, untimed, with exit status 3.

`--skip T4` leaves an indicator out of both sides (for a point where one computation alone would take
hours); the output says so.
"""

import argparse
import cProfile
import io
import json
import os
import platform
import pstats
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import COORDINATOR, radio_available, setup_django  # noqa: E402


def machine_facts(connection) -> dict:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = "?"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) // 1024 // 1024} GiB"
    except OSError:
        pass
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SHOW server_version")
            pg = cur.fetchone()[0]
    else:
        pg = "(not used in this run)"
        bins = sorted(Path("/usr/lib/postgresql").glob("*/bin/postgres"))
        if bins:
            out = subprocess.run([str(bins[-1]), "--version"], capture_output=True, text=True, check=False)
            pg = out.stdout.strip() + " (installed; not used in this run)"
    import django

    return {
        "nproc": os.cpu_count(),
        "usable_cpus": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "cpu": cpu,
        "memory": mem,
        "loadavg": " ".join(f"{x:.2f}" for x in os.getloadavg()),
        "python": platform.python_version(),
        "django": django.get_version(),
        "sqlite": sqlite3.sqlite_version,
        "postgresql": pg,
        "kernel": platform.release(),
    }


def data_counts() -> dict:
    from lantoa.activities.models import Activity, Audience, Campaign
    from lantoa.geo.models import Area
    from lantoa.orgs.models import Unit

    counts = {
        "activities": Activity.objects.count(),
        "done_activities": Activity.objects.filter(status="done").count(),
        "audiences": Audience.objects.count(),
        "campaigns": Campaign.objects.count(),
        "areas": Area.objects.count(),
        "communes": Area.objects.filter(level=3).count(),
        "hamlets": Area.objects.filter(level=4).count(),
        "units": Unit.objects.count(),
    }
    if radio_available():
        from lantoa.radio.models import Broadcast

        try:
            counts["broadcasts"] = Broadcast.objects.count()
        except Exception:  # noqa: BLE001 - no table in this database
            counts["broadcasts"] = None
    return counts


def is_computed(computation_key: str) -> bool:
    """False for the computations still waiting for their records (they answer "no data" at once)."""
    from lantoa.plans.kpi import registry

    return "_awaiting" not in registry[computation_key].func.__qualname__


FIGURES = ("actual", "numerator", "denominator", "estimated")


def values_of(result) -> tuple:
    """What the dashboard shows of a cell: the actual value, numerator / denominator and, for T2–T4, the
    estimated reach under them (None where there is none)."""
    return (result.actual, result.numerator, result.denominator, (result.details or {}).get("estimated"))


def padded(figures: tuple) -> tuple:
    """The hand SQL's figures with the estimate (None) where the indicator has none."""
    return tuple(figures) + (None,) * (len(FIGURES) - len(figures))


def _leave_out(computation_key: str) -> None:
    """Replace a computation by an empty one in this process only (no app code is edited)."""
    from lantoa.plans.kpi import Computation, KpiResult, registry

    old = registry[computation_key]

    def left_out(ctx):
        return KpiResult(no_data_reason="left out of this benchmark run")

    registry._items[computation_key] = Computation(old.key, old.label, old.needs, left_out)


def same(app: tuple, sql: tuple) -> bool:
    def norm(v):
        if v is None or isinstance(v, bool):
            return v
        return float(v)

    return all(norm(a) == norm(b) for a, b in zip(app, sql, strict=True))


def fmt(v) -> str:
    if v is None:
        return "—"
    if isinstance(v, bool):
        return "yes" if v else "no"
    return f"{v}"


class counting:
    """Count the SQL statements run inside the block (connection.execute_wrapper: no 9,000 cap)."""

    def __enter__(self):
        from django.db import connection

        self.n = 0
        self._cm = connection.execute_wrapper(self)
        self._cm.__enter__()
        return self

    def __call__(self, execute, sql, params, many, context):
        self.n += 1
        return execute(sql, params, many, context)

    def __exit__(self, *exc):
        return self._cm.__exit__(*exc)


def ms(seconds: float) -> float:
    return seconds * 1000.0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", required=True)
    parser.add_argument("--year", type=int, default=2025, help="the year timed indicator by indicator")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs of the one-year figures (median)")
    parser.add_argument("--dash-repeat", type=int, default=3, help="timed runs of dashboard_rows (median)")
    parser.add_argument("--label", default="", help="a name for this run in the summary (e.g. sqlite 4x)")
    parser.add_argument("--json", help="write the figures to this file")
    parser.add_argument("--no-page", action="store_true", help="skip the page timing (test client)")
    parser.add_argument(
        "--skip",
        default="",
        metavar="CODES",
        help="indicators left out of every figure, app and SQL alike (comma-separated codes, e.g. T4): "
        "their computation is replaced in this process by an empty one, so dashboard_rows skips it too",
    )
    parser.add_argument("--profile", action="store_true", help="print a cProfile of one dashboard_rows call")
    args = parser.parse_args(argv)

    setup_django(args.database)
    import handsql
    from django.db import connection

    from lantoa.accounts.models import User
    from lantoa.core import clock
    from lantoa.plans.kpi import registry
    from lantoa.plans.models import Plan
    from lantoa.plans.selectors import dashboard_rows, indicator_cell, indicators_with_targets

    dialect = handsql.Dialect(connection.vendor)
    today = clock.today()
    plan_id = Plan.objects.get(is_default=True).pk
    user_id = User.objects.get(username=COORDINATOR).pk

    def fresh():
        """A user and plan as a new request reads them (no scope cached on the user)."""
        return User.objects.get(pk=user_id), Plan.objects.get(pk=plan_id)

    user, plan = fresh()
    indicators = indicators_with_targets(plan)
    radio = radio_available()
    skipped = {}
    left_out = {c.strip() for c in args.skip.split(",") if c.strip()}
    for ind in indicators:
        if ind.code in left_out:
            skipped[ind.code] = "left out (--skip): neither the app nor the SQL is timed or checked"
            _leave_out(ind.computation)
    if unknown := left_out - {i.code for i in indicators}:
        parser.error(f"--skip: no indicator {', '.join(sorted(unknown))} in the plan")
    for ind in indicators:
        if ind.computation == "radio_voluntary_per_week" and not radio:
            skipped[ind.code] = "radio log app not available"
    timed_inds = [i for i in indicators if i.code not in skipped]
    computed = [i for i in timed_inds if is_computed(i.computation)]
    with_sql = [i for i in computed if i.computation in handsql.BY_COMPUTATION]
    without_sql = [i.code for i in computed if i.computation not in handsql.BY_COMPUTATION]
    # Without the SQL of every indicator the ratios would not compare like with like: that fails the run.
    mismatches = [f"{code}: computed by the app but no hand SQL" for code in without_sql]

    def run_sql(ind, year) -> tuple[float, tuple]:
        """(seconds, figures) of the hand SQL. On PostgreSQL it runs with JIT off (not timed): the
        recursive CTEs are overestimated and would be JIT-compiled for up to a second, while no query of
        the app comes near the JIT cost threshold (checked on the 16× database)."""
        p = handsql.params(dialect, year=year, plan_id=plan_id, indicator_id=ind.pk, today=today)
        with connection.cursor() as cur:
            if dialect.pg:
                cur.execute("SET jit = off")
            t = time.perf_counter()
            figures = padded(handsql.BY_COMPUTATION[ind.computation](cur, dialect, p))
            spent = time.perf_counter() - t
            if dialect.pg:
                cur.execute("RESET jit")
        return spent, figures

    # --- correctness and query counts (un-timed: the debug cursor slows things down) --------------------
    # The whole dashboard once, its queries counted; then every computed figure of every plan year is
    # compared with the SQL's.
    user, plan = fresh()
    with counting() as counter:
        app_rows = dashboard_rows(user=user, plan=plan)
    dashboard_queries = counter.n
    app_cells = {(row["indicator"].code, c["year"]): c["result"] for row in app_rows for c in row["cells"]}
    checks = []
    for year in plan.years:
        for ind in with_sql:
            app = values_of(app_cells[(ind.code, year)])
            _spent, sql = run_sql(ind, year)
            checks.append({"year": year, "code": ind.code, "app": [fmt(v) for v in app], "sql": [fmt(v) for v in sql]})
            if not same(app, sql):
                mismatches.append(f"{year} {ind.code}: app {tuple(map(fmt, app))} ≠ SQL {tuple(map(fmt, sql))}")
    if mismatches:
        # Timing figures that differ would compare unlike with unlike: stop here, loudly.
        label = args.label or f"{connection.vendor} {Path(args.database).name}"
        print(f"== {label}: NUMBERS DIFFER between the app and the hand SQL — not timed ==", file=sys.stderr)
        print(f"   (figures: {', '.join(FIGURES)})", file=sys.stderr)
        for x in mismatches:
            print(f"  {x}", file=sys.stderr)
        return 3
    # Where the whole dashboard's time goes: every (indicator, year) cell once, with its query count.
    user, plan = fresh()
    cells = {}
    for ind in timed_inds:
        if not is_computed(ind.computation):
            continue
        for year in plan.years:
            with counting() as counter:
                t = time.perf_counter()
                indicator_cell(user=user, indicator=ind, year=year, target=ind.by_year.get(year))
                spent = time.perf_counter() - t
            cells[f"{ind.code} {year}"] = {"ms": ms(spent), "queries": counter.n}

    queries = {}
    user, plan = fresh()
    for ind in timed_inds:
        with counting() as counter:
            indicator_cell(user=user, indicator=ind, year=args.year, target=ind.by_year.get(args.year))
        queries[ind.code] = counter.n

    # --- timing ---------------------------------------------------------------------------------------
    client = None
    if not args.no_page:
        from django.test import Client
        from django.urls import reverse

        client = Client()
        client.force_login(User.objects.get(pk=user_id))
        page_url = reverse("plans:dashboard")

    app_times: dict[str, list[float]] = {i.code: [] for i in timed_inds}
    sql_times: dict[str, list[float]] = {i.code: [] for i in with_sql}
    year_app, year_sql, dash_app, all_years_sql, page = [], [], [], [], []
    for rep in range(args.repeat + 1):  # run 0 is the warm-up
        user, plan = fresh()
        t0 = time.perf_counter()
        inds = {i.code: i for i in indicators_with_targets(plan)}
        total = time.perf_counter() - t0
        for ind in timed_inds:
            i = inds[ind.code]
            t = time.perf_counter()
            indicator_cell(user=user, indicator=i, year=args.year, target=i.by_year.get(args.year))
            spent = time.perf_counter() - t
            total += spent
            if rep:
                app_times[ind.code].append(ms(spent))
        total_sql = 0.0
        for ind in with_sql:
            spent, _figures = run_sql(ind, args.year)
            total_sql += spent
            if rep:
                sql_times[ind.code].append(ms(spent))
        if rep:
            year_app.append(ms(total))
            year_sql.append(ms(total_sql))

    # The whole dashboard (every year): fewer runs, it is the slow part; the correctness pass above was
    # its warm-up. The SQL of every year is timed right after each run, so both see the same machine load.
    for _rep in range(args.dash_repeat):
        user, plan = fresh()
        t = time.perf_counter()
        dashboard_rows(user=user, plan=plan)
        dash_app.append(ms(time.perf_counter() - t))
        all_years_sql.append(ms(sum(run_sql(ind, year)[0] for year in plan.years for ind in with_sql)))
    if client is not None:  # one run: it is dashboard_rows plus the template
        t = time.perf_counter()
        response = client.get(page_url)
        page.append(ms(time.perf_counter() - t))
        if response.status_code != 200:
            print(f"dashboard page answered {response.status_code}", file=sys.stderr)

    med = statistics.median
    rows = []
    for ind in timed_inds:
        app_ms = med(app_times[ind.code])
        sql_ms = med(sql_times[ind.code]) if ind.code in sql_times else None
        rows.append(
            {
                "code": ind.code,
                "computation": ind.computation,
                "computed": is_computed(ind.computation),
                "app_ms": app_ms,
                "sql_ms": sql_ms,
                "ratio": (app_ms / sql_ms) if sql_ms else None,
                "queries": queries[ind.code],
            }
        )
    computed_app = sum(r["app_ms"] for r in rows if r["sql_ms"] is not None)
    computed_sql = sum(r["sql_ms"] for r in rows if r["sql_ms"] is not None)
    result = {
        "label": args.label or f"{connection.vendor} {Path(args.database).name}",
        "vendor": connection.vendor,
        "database": args.database if connection.vendor != "postgresql" else args.database.rsplit("/", 1)[-1],
        "year": args.year,
        "repeat": args.repeat,
        "dash_repeat": args.dash_repeat,
        "today": today.isoformat(),
        "counts": data_counts(),
        "machine": machine_facts(connection),
        "radio": radio,
        "skipped": skipped,
        "computed_without_sql": without_sql,
        "rows": rows,
        "year_app_ms": med(year_app),
        "year_sql_ms": med(year_sql),
        "computed_app_ms": computed_app,
        "computed_sql_ms": computed_sql,
        "dashboard_app_ms": med(dash_app),
        "dashboard_sql_ms": med(all_years_sql),
        "dashboard_queries": dashboard_queries,
        "cells": cells,
        "page_ms": med(page) if page else None,
        "checks": checks,
        "mismatches": mismatches,
    }
    print(report(result))

    if args.profile:
        user, plan = fresh()
        prof = cProfile.Profile()
        prof.enable()
        dashboard_rows(user=user, plan=plan)
        prof.disable()
        out = io.StringIO()
        pstats.Stats(prof, stream=out).sort_stats("cumulative").print_stats(30)
        print(out.getvalue())

    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=1, ensure_ascii=False, default=str))
    _ = registry  # imported for the side effect of loading every app's computations
    return 0


def report(r: dict) -> str:
    m, c = r["machine"], r["counts"]
    lines = [
        f"== {r['label']} — dashboard vs hand-written SQL, year {r['year']}, median of {r['repeat']} ==",
        f"data: {c['activities']:,} activities ({c['done_activities']:,} done), {c['audiences']:,} audiences, "
        + (f"{c['broadcasts']:,} radio rows, " if c.get("broadcasts") is not None else "no radio rows, ")
        + f"{c['communes']} communes, {c['hamlets']} hamlets, {c['units']} units",
        f"machine: {m['nproc']} CPUs ({m['usable_cpus']} usable), {m['cpu']}, {m['memory']}, load {m['loadavg']}; "
        f"Python {m['python']}, Django {m['django']}, SQLite {m['sqlite']}, PostgreSQL {m['postgresql']}",
        "",
        f"{'indicator':<10}{'computation':<28}{'app ms':>10}{'SQL ms':>10}{'ratio':>8}{'queries':>9}",
    ]
    for row in r["rows"]:
        if not row["computed"]:
            continue
        sql = f"{row['sql_ms']:10.1f}" if row["sql_ms"] is not None else f"{'—':>10}"
        ratio = f"{row['ratio']:7.1f}×" if row["ratio"] is not None else f"{'—':>8}"
        lines.append(f"{row['code']:<10}{row['computation']:<28}{row['app_ms']:10.1f}{sql}{ratio}{row['queries']:>9}")
    waiting = [row for row in r["rows"] if not row["computed"]]
    if waiting:
        lines.append(
            f"{len(waiting)} indicators still waiting for their records (no data): "
            f"{sum(x['app_ms'] for x in waiting):.2f} ms in all"
        )
    for code, why in r["skipped"].items():
        lines.append(f"{code}: skipped — {why}")
    if r["computed_without_sql"]:
        lines.append(f"computed but no hand SQL (not in the ratios): {', '.join(r['computed_without_sql'])}")
    lines += [
        "",
        f"computed indicators, {r['year']}:   app {r['computed_app_ms']:9.1f} ms   SQL {r['computed_sql_ms']:9.1f} ms"
        f"   ratio {r['computed_app_ms'] / r['computed_sql_ms']:.2f}×",
        f"whole year {r['year']} (all indicators + reading them): app {r['year_app_ms']:9.1f} ms   "
        f"SQL {r['year_sql_ms']:9.1f} ms   ratio {r['year_app_ms'] / r['year_sql_ms']:.2f}×",
        f"dashboard_rows (all {len({x['year'] for x in r['checks']})} years, median of {r['dash_repeat']}): "
        f"app {r['dashboard_app_ms']:9.1f} ms ({r['dashboard_queries']} queries)   "
        f"SQL {r['dashboard_sql_ms']:9.1f} ms   ratio {r['dashboard_app_ms'] / r['dashboard_sql_ms']:.2f}×",
    ]
    if r["page_ms"] is not None:
        lines.append(
            f"dashboard page (GET, rendered, one run): {r['page_ms']:9.1f} ms   ratio to the SQL of all years "
            f"{r['page_ms'] / r['dashboard_sql_ms']:.2f}×"
        )
    years = sorted({int(k.split()[1]) for k in r["cells"]})
    codes = list(dict.fromkeys(k.split()[0] for k in r["cells"]))
    lines.append("")
    lines.append("where dashboard_rows spends its time (each cell once: ms / queries)")
    lines.append(f"{'':<6}" + "".join(f"{y:>16}" for y in years))
    for code in codes:
        row = [r["cells"].get(f"{code} {y}") for y in years]
        lines.append(f"{code:<6}" + "".join(f"{c['ms']:9.0f} /{c['queries']:>5}" if c else f"{'—':>16}" for c in row))
    lines.append("")
    # Only runs whose figures all agree get this far (see main).
    years = sorted({x["year"] for x in r["checks"]})
    values = sum(1 for x in r["checks"] for v in x["app"] if v != "—")
    lines.append(
        f"numbers: app = SQL for all {len({x['code'] for x in r['checks']})} computed indicators in "
        f"{years[0]}–{years[-1]} ({len(r['checks'])} cells; actual, numerator, denominator and estimate "
        f"compared, {values} of them non-empty)"
    )
    mine = [x for x in r["checks"] if x["year"] == r["year"]]
    lines.append(
        "  "
        + "; ".join(
            f"{x['code']} {x['app'][0]} ({x['app'][1]}/{x['app'][2]})"
            + (f" est. {x['app'][3]}" if x["app"][3] != "—" else "")
            for x in mine
        )
    )
    return "\n".join(lines)


if __name__ == "__main__":
    started = time.monotonic()
    code = main()
    print(f"(dashboard.py took {time.monotonic() - started:.0f}s)")
    sys.exit(code)
