#!/usr/bin/env python
"""Summarise bench/dashboard.py results (--json files) of a 1×/4×/16× series: ratios to the SQL floor
at each size, and how the app's and the SQL's times grow with the data.

    .venv/bin/python bench/summary.py results/*.json

Growth is given as time(k×) / time(1×) next to the data growth k, and as the exponent
log(time ratio) / log(k): 1.0 is linear, below 1 is better than linear (fixed costs dominate),
above 1 is worse than linear.
"""

import json
import math
import sys
from collections import defaultdict
from pathlib import Path


def exponent(t1: float, tk: float, k: float) -> str:
    if t1 <= 0 or tk <= 0 or k <= 1:
        return "—"
    return f"{math.log(tk / t1) / math.log(k):.2f}"


def main(paths: list[str]) -> int:
    runs = [json.loads(Path(p).read_text()) for p in paths]
    by_vendor = defaultdict(list)
    for r in runs:
        by_vendor[r["vendor"]].append(r)
    out = []
    for vendor, rs in by_vendor.items():
        rs.sort(key=lambda r: r["counts"]["activities"])
        base = rs[0]
        n0 = base["counts"]["activities"] or 1
        year = base["year"]
        out.append(f"== {vendor}: the series (year {year} timed indicator by indicator; dashboard = all years) ==")
        out.append(
            f"{'size':>6} {'activities':>11} {'radio rows':>11} | {'year app':>9} {'year SQL':>9} {'ratio':>6} "
            f"| {'dash app':>9} {'dash SQL':>9} {'ratio':>6} | {'page':>8} | {'queries':>7} | checks"
        )
        for r in rs:
            k = r["counts"]["activities"] / n0
            c = r["counts"]
            out.append(
                f"{k:5.0f}× {c['activities']:>11,} {c.get('broadcasts') or 0:>11,} | "
                f"{r['year_app_ms']:9.0f} {r['year_sql_ms']:9.0f} {r['year_app_ms'] / r['year_sql_ms']:5.2f}× | "
                f"{r['dashboard_app_ms']:9.0f} {r['dashboard_sql_ms']:9.0f} "
                f"{r['dashboard_app_ms'] / r['dashboard_sql_ms']:5.2f}× | "
                f"{(r['page_ms'] or 0):8.0f} | {r['dashboard_queries']:>7} | "
                + ("OK" if not r["mismatches"] else f"{len(r['mismatches'])} DIFFER")
            )
        out.append("(times in ms, medians)")
        if len(rs) > 1:
            out.append("")
            out.append("growth against the smallest size (time ratio, exponent; 1.00 = linear):")
            for r in rs[1:]:
                k = r["counts"]["activities"] / n0
                parts = []
                for key, name in (
                    ("year_app_ms", "year app"),
                    ("year_sql_ms", "year SQL"),
                    ("dashboard_app_ms", "dashboard app"),
                    ("dashboard_sql_ms", "dashboard SQL"),
                ):
                    parts.append(f"{name} ×{r[key] / base[key]:.1f} (exp {exponent(base[key], r[key], k)})")
                out.append(f"  {k:.0f}× data: " + ", ".join(parts))
        out.append("")
        out.append(f"per indicator, year {year}: app ms / SQL ms (ratio) at each size")
        codes = [row["code"] for row in base["rows"] if row["computed"]]
        sizes = [f"{r['counts']['activities'] / n0:.0f}×" for r in rs]
        header = f"{'':<5}" + "".join(f"{size:>28}" for size in sizes)
        out.append(header + f"{'app growth exp':>16}")
        for code in codes:
            cells = []
            app_times = []
            for r in rs:
                row = next((x for x in r["rows"] if x["code"] == code), None)
                if row is None:
                    cells.append(f"{'—':>28}")
                    continue
                app_times.append(row["app_ms"])
                if row["sql_ms"]:
                    cells.append(f"{row['app_ms']:9.1f} /{row['sql_ms']:8.1f} ({row['ratio']:5.1f}×)")
                else:
                    cells.append(f"{row['app_ms']:9.1f} / {'—':>7}        ")
            k_last = rs[-1]["counts"]["activities"] / n0
            exp = exponent(app_times[0], app_times[-1], k_last) if len(app_times) == len(rs) else "—"
            out.append(f"{code:<5}" + "".join(f"{c:>28}" for c in cells) + f"{exp:>16}")
        out.append("")
    print("\n".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
