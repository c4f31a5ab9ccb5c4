"""The per-page table of a load run from Locust's CSV files: requests, failures, median, p95, p99, max (ms).

    .venv/bin/python bench/load_summary.py load_stats.csv load_failures.csv

Exits 1 when any request failed.
"""

import csv
import sys


def main(stats_path: str, failures_path: str) -> int:
    with open(stats_path, newline="") as fh:
        rows = list(csv.DictReader(fh))
    pages = sorted((r for r in rows if r["Name"] != "Aggregated"), key=lambda r: -float(r["95%"] or 0))
    total = next(r for r in rows if r["Name"] == "Aggregated")
    print("| page | requests | failures | median ms | p95 ms | p99 ms | max ms |")
    print("|---|---|---|---|---|---|---|")
    for r in [*pages, total]:
        name = "**all**" if r is total else r["Name"]
        print(
            f"| {name} | {r['Request Count']} | {r['Failure Count']} | {r['50%']} | {r['95%']} | {r['99%']} | "
            f"{float(r['Max Response Time']):.0f} |"
        )
    print(f"\nthroughput: {float(total['Requests/s']):.1f} requests/s")
    with open(failures_path, newline="") as fh:
        failures = list(csv.DictReader(fh))
    for f in failures:
        print(f"FAILED {f['Occurrences']}× {f['Method']} {f['Name']}: {f['Error']}")
    errors = int(total["Failure Count"])
    print(f"errors: {errors}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
