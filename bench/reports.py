#!/usr/bin/env python
"""The district report and the final evaluation against the dashboard, on the same generated data, in the
same run: the issue's aim is that generating a report costs at most 3× the dashboard for the same data.

    .venv/bin/python bench/reports.py --database /tmp/rb/small.sqlite3 --scale 0.0625    # generate, then time
    .venv/bin/python bench/reports.py --database /tmp/rb/1x.sqlite3 --reuse              # an existing database
    .venv/bin/python bench/reports.py --database postgres://postgres@127.0.0.1:5496/bench_reports --scale 1
    … [--repeat 3] [--final-repeat 1] [--json out.json] [--out bench/results-reports-<date>.txt] [--dump DIR]

Generation is bench/generate.py's (`--scale 1` = the issue's province size: 200,000 activities, 500,000
radio rows), run as a child process. Then, as the benchmark coordinator (sees every area and unit), the
default plan:

- set-up (timed once, not part of the ratios): `--unit-reports` unit annual reports of `--year` — the units
  with the most done activities that year — created, written, submitted (figures frozen) and accepted
  through `lantoa.reports.services`; a district report (labour office, `--year`) and the final evaluation
  (labour office, the plan's last year) created as drafts with a narrative, so that their figures are live;
- timed, wall clock, each run from a user, plan and report read afresh (as a request or a worker would),
  after one un-timed warm-up run of each dashboard and of the district report:
  - the floor, **one-year dashboard**: `indicators_with_targets` + `indicator_cell` of every indicator for
    `--year` (what bench/dashboard.py calls "one year");
  - the floor, **whole dashboard**: `plans.selectors.dashboard_rows` (every indicator, every plan year);
  - **district report**: `services.live_figures` (the accepted unit reports summed, the plan-wide indicators
    of the year, the district budget), then its DOCX: `build.context` + `documents.services.render_docx`
    with the unit's template (the default one here) — set against the one-year dashboard;
    these three: median of `--repeat` runs, in alternating order so that other load weighs on all alike;
  - **final evaluation**: `figures.final_figures` through `services.live_figures` (every indicator × year,
    plan-wide and per commune), then its DOCX — set against the whole dashboard: `--final-repeat` runs
    (it is the slow one), each between two runs of dashboard_rows, whose median is its floor.

Checked (un-timed): the district report's indicators equal the one-year dashboard's cells, and the final
evaluation's plan-wide cells equal dashboard_rows' (actual, numerator, denominator); a difference is printed
and makes the exit status 3. `--dump DIR` writes both reports' figures as JSON (without `computed_at`) to
compare two versions of the code; `--profile district final` prints a cProfile of one run of each.
"""

import argparse
import cProfile
import datetime as dt
import io
import json
import os
import pstats
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import COORDINATOR, setup_django  # noqa: E402

HERE = Path(__file__).resolve().parent
AIM = 3.0


def log(msg: str) -> None:
    print(f"[reports {time.strftime('%H:%M:%S')}] {msg}", flush=True)


def generate(args) -> None:
    cmd = [sys.executable, str(HERE / "generate.py"), "--database", args.database, "--scale", str(args.scale)]
    cmd += ["--hamlets", str(args.hamlets)]
    log("generating: " + " ".join(cmd[1:]))
    subprocess.run(cmd, check=True)


# --- set-up through the services ------------------------------------------------------------------------


def unit_reports(*, actor, plan, year: int, n: int) -> list[dict]:
    """`n` accepted unit annual reports of `year`: of the units expected to report, those that organised the
    most done activities."""
    from django.db.models import Count

    from lantoa.activities.models import Activity
    from lantoa.documents.models import ReportKind
    from lantoa.orgs.models import Unit
    from lantoa.reports import services
    from lantoa.reports.models import Report

    expected = [u.pk for u in services.units_expected(year)]
    busiest = (
        Activity.objects.filter(status=Activity.Status.DONE, start_date__year=year, organiser__in=expected)
        .values("organiser_id")
        .annotate(n=Count("id"))
        .order_by("-n", "organiser_id")[:n]
    )
    made = []
    for row in busiest:
        unit = Unit.objects.get(pk=row["organiser_id"])
        report = Report.objects.filter(kind=ReportKind.UNIT_ANNUAL, plan=plan, unit=unit, year=year).first()
        t = time.perf_counter()
        if report is None:
            report = services.report_create(actor=actor, plan=plan, unit=unit, year=year)
        if report.status in (Report.Status.DRAFT, Report.Status.RETURNED):
            report = services.report_save(actor=actor, report=report, data={"results": f"Kết quả năm {year}."})
            report = services.report_submit(actor=actor, report=report)
        if report.status == Report.Status.SUBMITTED:
            report = services.report_accept(actor=actor, report=report)
        made.append({"unit": unit.name, "activities": row["n"], "seconds": time.perf_counter() - t})
    return made


def draft_report(*, actor, plan, kind: str, year: int):
    from lantoa.reports import services
    from lantoa.reports.models import Report

    if kind == "final_evaluation":
        year = plan.end_year
    # The unit holding the report's duty (the labour office's successor after 2025), as the product asks.
    office = services.duty_rows(plan, kind, year)[0].unit
    report = Report.objects.filter(kind=kind, plan=plan, unit=office, year=year).first()
    if report is None:
        report = services.report_create(actor=actor, plan=plan, unit=office, year=year, kind=kind)
    if not report.is_frozen:
        services.report_save(
            actor=actor,
            report=report,
            data={
                "results": "Kết quả thực hiện kế hoạch.\n\nCác chỉ tiêu chủ yếu đạt.",
                "shortcomings": "Một số xã chưa tổ chức đủ hội nghị.",
                "proposals": "Tiếp tục duy trì truyền thanh hằng tuần.",
                "signer_position": "Trưởng phòng",
                "signer_name": "Nguyễn Văn A",
            },
        )
    return report.pk


# --- what is timed --------------------------------------------------------------------------------------


def dashboard_year(*, user, plan, year: int) -> dict:
    """The one-year dashboard: every indicator's cell for the year (bench/dashboard.py's "one year")."""
    from lantoa.plans.selectors import indicator_cell, indicators_with_targets

    return {
        ind.code: indicator_cell(user=user, indicator=ind, year=year, target=ind.by_year.get(year))["result"]
        for ind in indicators_with_targets(plan)
    }


def report_generation(report, *, user, progress=None) -> tuple[float, float, dict, bytes]:
    """(seconds of the figures, seconds of the DOCX, figures, DOCX bytes) of a report, live."""
    from lantoa.documents.selectors import report_template_bytes
    from lantoa.documents.services import render_docx
    from lantoa.reports import build, services

    t0 = time.perf_counter()
    figures = services.live_figures(report, user=user, progress=progress)
    t1 = time.perf_counter()
    data = render_docx(report_template_bytes(unit=report.unit, kind=report.kind), build.context(report, figures))
    t2 = time.perf_counter()
    return t1 - t0, t2 - t1, figures, data


def same_figure(stored: dict, result) -> bool:
    def norm(v):
        if v is None or isinstance(v, bool):
            return v
        return float(v)

    ours = (stored["actual"], stored["numerator"], stored["denominator"])
    theirs = (result.actual, result.numerator, result.denominator)
    return all(norm(a) == norm(b) for a, b in zip(ours, theirs, strict=True))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", required=True, help="SQLite file path, or postgres://… URL")
    parser.add_argument("--scale", type=float, default=1.0, help="generate.py's --scale (1 = province size)")
    parser.add_argument("--hamlets", type=int, default=8, help="hamlets per commune when generating")
    parser.add_argument("--reuse", action="store_true", help="time an existing database, do not generate")
    parser.add_argument("--year", type=int, default=2025, help="the district report's year")
    parser.add_argument("--unit-reports", type=int, default=6, help="accepted unit reports to create")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs after the warm-up (median)")
    parser.add_argument("--label", default="", help="a name for this run (e.g. sqlite 1x)")
    parser.add_argument("--json", help="write the figures of this run to this file")
    parser.add_argument("--out", help="append the printed table to this text file")
    parser.add_argument("--dump", help="write the reports' figures (JSON, without computed_at) to this folder")
    parser.add_argument("--final-repeat", type=int, default=1, help="timed runs of the final evaluation (0: skip)")
    parser.add_argument(
        "--profile", nargs="*", choices=("district", "final"), help="print a cProfile of these reports' figures"
    )
    args = parser.parse_args(argv)

    started = time.monotonic()
    if not args.reuse:
        generate(args)
    setup_django(args.database)
    from dashboard import counting, data_counts, machine_facts  # noqa: I001 - bench/dashboard.py's helpers
    from django.core.management import call_command
    from django.db import connection

    from lantoa.accounts.models import User
    from lantoa.documents.models import ReportKind
    from lantoa.plans.models import Plan
    from lantoa.plans.selectors import dashboard_rows
    from lantoa.reports.models import Report
    from lantoa.reports.services import live_figures

    call_command("migrate", verbosity=0, interactive=False)  # a database generated before the reports app
    plan_id = Plan.objects.get(is_default=True).pk
    user_id = User.objects.get(username=COORDINATOR).pk

    def fresh(report_id=None):
        """User, plan (and report) as a new request or worker reads them: no scope cached on the user."""
        user, plan = User.objects.get(pk=user_id), Plan.objects.get(pk=plan_id)
        report = Report.objects.select_related("unit", "plan").get(pk=report_id) if report_id else None
        return user, plan, report

    # --- set-up ---------------------------------------------------------------------------------------
    user, plan, _r = fresh()
    t = time.perf_counter()
    units = unit_reports(actor=user, plan=plan, year=args.year, n=args.unit_reports)
    setup_s = time.perf_counter() - t
    log(f"{len(units)} accepted unit reports of {args.year} in {setup_s:.1f}s")
    district_id = draft_report(actor=user, plan=plan, kind=ReportKind.DISTRICT, year=args.year)
    final_id = draft_report(actor=user, plan=plan, kind=ReportKind.FINAL_EVALUATION, year=plan.end_year)

    times: dict[str, list[float]] = {
        k: []
        for k in ("dash_year", "district_fig", "district_docx", "dash_all", "final_fig", "final_docx", "final_floor")
    }
    queries: dict[str, int] = {}
    sizes: dict[str, int] = {}
    mismatches: list[str] = []

    def dump(name, figures):
        if args.dump:
            folder = Path(args.dump)
            folder.mkdir(parents=True, exist_ok=True)
            figures = {k: v for k, v in figures.items() if k != "computed_at"}
            (folder / f"{name}.json").write_text(json.dumps(figures, indent=1, ensure_ascii=False, sort_keys=True))

    def run_dash_year(keep=None):
        user, plan, _r = fresh()
        t = time.perf_counter()
        cells = dashboard_year(user=user, plan=plan, year=args.year)
        if keep is not None:
            times[keep].append(time.perf_counter() - t)
        return cells

    def run_dash_all(keep=None):
        user, plan, _r = fresh()
        t = time.perf_counter()
        rows = dashboard_rows(user=user, plan=plan)
        if keep is not None:
            times[keep].append(time.perf_counter() - t)
        return {(row["indicator"].code, c["year"]): c["result"] for row in rows for c in row["cells"]}

    def run_report(name, report_id, keep=True, progress=None):
        user, _plan, report = fresh(report_id)
        fig_s, docx_s, figures, data = report_generation(report, user=user, progress=progress)
        if keep:
            times[f"{name}_fig"].append(fig_s)
            times[f"{name}_docx"].append(docx_s)
        return figures, data

    # --- warm-up, checks and query counts (un-timed) ----------------------------------------------------
    with counting() as counter:
        year_cells = run_dash_year()
    queries["dash_year"] = counter.n
    with counting() as counter:
        all_cells = run_dash_all()
    queries["dash_all"] = counter.n
    with counting() as counter:
        figures, data = run_report("district", district_id, keep=False)
    queries["district"] = counter.n
    sizes["district"] = len(data)
    for row in figures["indicators"]:
        if not same_figure(row, year_cells[row["code"]]):
            mismatches.append(f"district {row['code']}: report {row['actual']} ≠ dashboard")
    dump("district", figures)

    # --- the district report and both floors: --repeat runs each, in alternating order ----------------
    steps = [
        lambda: run_dash_year("dash_year"),
        lambda: run_report("district", district_id),
        lambda: run_dash_all("dash_all"),
    ]
    for rep in range(args.repeat):
        for step in steps if rep % 2 == 0 else list(reversed(steps)):
            step()
    log(f"district report and dashboards: {args.repeat} runs done")

    # --- the final evaluation: --final-repeat runs, each between two dashboard_rows runs (its floor) -------
    def final_progress():
        started = time.perf_counter()
        shown = [-1]

        def progress(percent, step):
            if percent // 10 > shown[0]:
                shown[0] = percent // 10
                log(f"  final evaluation {percent}% ({step}) after {time.perf_counter() - started:.0f}s")

        return progress

    for rep in range(args.final_repeat):
        run_dash_all("final_floor")
        with counting() as counter:  # a Python call per query: negligible next to the queries themselves
            figures, data = run_report("final", final_id, progress=final_progress())
        run_dash_all("final_floor")
        log(
            f"final evaluation run {rep + 1}/{args.final_repeat}: {times['final_fig'][-1]:.1f}s figures, "
            f"{times['final_docx'][-1]:.1f}s DOCX"
        )
        if rep == 0:
            queries["final"] = counter.n
            sizes["final"] = len(data)
            sizes["final_commune_rows"] = sum(len(r["communes"]) for r in figures["indicators"])
            for row in figures["indicators"]:
                for cell in row["years"]:
                    if not same_figure(cell, all_cells[(row["code"], cell["year"])]):
                        mismatches.append(f"final {row['code']} {cell['year']}: report {cell['actual']} ≠ dashboard")
            dump("final", figures)

    profiles = {}
    for name in args.profile or ():
        user, _plan, report = fresh(district_id if name == "district" else final_id)
        prof = cProfile.Profile()
        prof.enable()
        live_figures(report, user=user)
        prof.disable()
        out = io.StringIO()
        pstats.Stats(prof, stream=out).sort_stats("cumulative").print_stats(40)
        profiles[name] = out.getvalue()

    med = {k: statistics.median(v) if v else None for k, v in times.items()}
    result = {
        "label": args.label or f"{connection.vendor} {Path(args.database).name}",
        "vendor": connection.vendor,
        "when": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": git_commit(),
        "scale": None if args.reuse else args.scale,
        "year": args.year,
        "final_years": list(Plan.objects.get(pk=plan_id).years),
        "repeat": args.repeat,
        "final_repeat": args.final_repeat,
        "counts": data_counts(),
        "machine": machine_facts(connection),
        "unit_reports": units,
        "unit_reports_setup_s": setup_s,
        "queries": queries,
        "sizes": sizes,
        "seconds": med,
        "runs": times,
        "district_s": med["district_fig"] + med["district_docx"],
        "final_s": med["final_fig"] + med["final_docx"] if times["final_fig"] else None,
        "mismatches": mismatches,
    }
    result["district_ratio"] = result["district_s"] / med["dash_year"]
    result["final_ratio"] = result["final_s"] / med["final_floor"] if times["final_fig"] else None
    text = as_text(result)
    print(text)
    for name, out in profiles.items():
        print(f"\n--- cProfile of the {name} report's figures ---\n{out}")
    if args.out:
        with open(args.out, "a", encoding="utf-8") as handle:
            handle.write(text + "\n\n")
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=1, ensure_ascii=False, default=str))
    print(f"(reports.py took {time.monotonic() - started:.0f}s)")
    return 3 if mismatches else 0


def git_commit() -> str:
    """The commit measured: LANTOA_BENCH_COMMIT (set by whoever runs a snapshot, as run.sh does), else git's."""
    if os.environ.get("LANTOA_BENCH_COMMIT"):
        return os.environ["LANTOA_BENCH_COMMIT"]
    try:
        out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=HERE, capture_output=True, text=True)
        if out.returncode:
            return "?"
        dirty = subprocess.run(["git", "diff", "--quiet", "HEAD"], cwd=HERE, capture_output=True).returncode
        return out.stdout.strip() + (" + uncommitted changes" if dirty else "")
    except OSError:
        return "?"


def as_text(r: dict) -> str:
    m, c, s, q = r["machine"], r["counts"], r["seconds"], r["queries"]
    years = r["final_years"]
    span = f"{years[0]}–{years[-1]}" if years else "?"

    def line(what, seconds, floor=None, n=None):
        ratio = f"{seconds / floor:7.2f}×" if floor else f"{'':8}"
        queries = f"{n:>9}" if n is not None else f"{'':9}"
        return f"  {what:<52}{seconds:9.2f} s{ratio}{queries}"

    def verdict(ratio):
        return f"{ratio:.2f}× — aim ≤ {AIM:.0f}× {'met' if ratio <= AIM else 'NOT met'}"

    lines = [
        f"== {r['label']} — reports vs the dashboard (medians; {r['repeat']} runs after a warm-up) ==",
        f"commit {r['commit']}; {r['when']}"
        + (f"; generated with --scale {r['scale']}" if r["scale"] is not None else "; existing database"),
        f"data: {c['activities']:,} activities ({c['done_activities']:,} done), {c['audiences']:,} audiences, "
        + (f"{c['broadcasts']:,} radio rows, " if c.get("broadcasts") is not None else "no radio rows, ")
        + f"{c['communes']} communes, {c['hamlets']} hamlets, {c['units']} units",
        f"machine: {m['nproc']} CPUs ({m['usable_cpus']} usable), {m['cpu']}, {m['memory']}, load {m['loadavg']}; "
        f"Python {m['python']}, Django {m['django']}, database {r['vendor']} "
        f"({'SQLite ' + m['sqlite'] if r['vendor'] == 'sqlite' else 'PostgreSQL ' + m['postgresql']})",
        f"set-up: {len(r['unit_reports'])} accepted unit reports of {r['year']} (created, submitted and accepted "
        f"through the services if not there yet: {r['unit_reports_setup_s']:.1f}s) ("
        + ", ".join(f"{u['unit']}: {u['activities']:,} activities" for u in r["unit_reports"][:3])
        + (", …" if len(r["unit_reports"]) > 3 else "")
        + ")",
        "",
        f"  {'':<52}{'seconds':>11}{'ratio':>8}{'queries':>9}",
        line(f"floor: one-year dashboard ({r['year']})", s["dash_year"], s["dash_year"], q["dash_year"]),
        line(f"district report {r['year']}: figures (live_figures)", s["district_fig"], s["dash_year"], q["district"]),
        line(f"district report: DOCX ({r['sizes']['district'] // 1024} KiB)", s["district_docx"], s["dash_year"]),
        line("district report: figures + DOCX", r["district_s"], s["dash_year"]),
        line(f"floor: dashboard_rows ({span})", s["dash_all"], s["dash_all"], q["dash_all"]),
    ]
    if r["final_s"] is not None:
        fs = s["final_floor"]
        lines += [
            line(f"floor: dashboard_rows, around the final's runs ({len(r['runs']['final_floor'])})", fs, fs),
            line("final evaluation: figures (final_figures)", s["final_fig"], fs, q["final"]),
            line(
                f"final evaluation: DOCX ({r['sizes']['final'] // 1024} KiB, "
                f"{r['sizes']['final_commune_rows']:,} commune rows)",
                s["final_docx"],
                fs,
            ),
            line("final evaluation: figures + DOCX", r["final_s"], fs),
        ]
    lines += [
        "",
        f"district report (figures + DOCX) / one-year dashboard: {verdict(r['district_ratio'])}",
        (
            f"final evaluation (figures + DOCX) / dashboard_rows:    {verdict(r['final_ratio'])} "
            f"(median of {r['final_repeat']} run(s))"
            if r["final_s"] is not None
            else "final evaluation: not run (--final-repeat 0)"
        ),
        "(queries: counted once; the reports' include the DOCX's template read)",
    ]
    if r["mismatches"]:
        lines.append("FIGURES DIFFER between the reports and the dashboard:")
        lines += [f"  {x}" for x in r["mismatches"]]
    else:
        lines.append(
            "figures: the district report's indicators = the one-year dashboard's"
            + (f"; the final evaluation's plan-wide cells = dashboard_rows' ({span})" if r["final_s"] else "")
        )
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
