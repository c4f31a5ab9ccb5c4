"""Weight and load time of every public page on a first visit, on Chromium's emulated Slow 3G at 390 px,
plus screenshots at 390 px and 1366 px. Not part of the test suite (no timed assertion anywhere).

    .venv/bin/python bench/public_pages.py            # a throw-away database in /tmp, results printed
    PROJECT=/tmp/wt .venv/bin/python bench/public_pages.py   # measure another checkout

It migrates a fresh SQLite database, loads the default data and two approved articles, starts gunicorn on
a free port, visits each page in a new browser context (empty cache) and sums the bytes Chromium received
(`encodedDataLength`: headers and bodies as transferred), then stops the server it started.
"""

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(os.environ.get("PROJECT", Path(__file__).resolve().parents[1]))
PYTHON = os.environ.get("PYTHON", str(Path(__file__).resolve().parents[1] / ".venv" / "bin" / "python"))
CHROMIUM = os.environ.get("LANTOA_CHROMIUM", "/usr/bin/chromium")
SHOTS = Path(os.environ.get("SHOTS", ROOT / "test-artifacts" / "public"))
# Chromium DevTools' "Slow 3G": 400 kbit/s down and up (500 × 0.8), 2 s round trip (400 ms × 5).
SLOW_3G = {"offline": False, "latency": 2000, "downloadThroughput": 50_000, "uploadThroughput": 50_000}
LIMIT = 100 * 1024

SETUP = """
from lantoa.content.models import ContentItem
from lantoa.orgs.models import Unit
from django.utils import timezone
unit = Unit.objects.filter(code="dt-ubnd-long-khanh").first() or Unit.objects.first()
body = ("Người tham gia BHXH tự nguyện được chọn mức thu nhập làm căn cứ đóng, từ chuẩn nghèo nông thôn "
        "đến 20 lần mức tham chiếu. Nhà nước hỗ trợ một phần mức đóng.\\n\\n") * 12
for title in ("BHXH tự nguyện: lương hưu cho nông dân", "Hỗ trợ của Nhà nước từ 01/07/2025"):
    ContentItem.objects.get_or_create(title=title, defaults=dict(kind="article", unit=unit, status="approved",
        summary="Những điều cần biết về BHXH tự nguyện.", body=body, approved_at=timezone.now()))
print(ContentItem.objects.filter(status="approved").order_by("id").values_list("id", flat=True).first())
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    var = Path(tempfile.mkdtemp(prefix="lantoa-public-bench-"))
    env = {**os.environ, "LANTOA_VAR_DIR": str(var), "DEBUG": "0", "SQLITE_PATH": str(var / "db.sqlite3")}
    env.pop("DATABASE_URL", None)

    def manage(*args, **kw):
        return subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, **kw)

    manage("migrate", "-v0")
    manage("load_defaults", stdout=subprocess.DEVNULL)
    article = manage("shell", "-c", SETUP, capture_output=True, text=True).stdout.strip().splitlines()[-1]
    port = free_port()
    server = subprocess.Popen(
        [PYTHON, "-m", "gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        pages = [
            ("home", "/"),
            ("about", "/bhxh/"),
            ("article", f"/bhxh/{article}/"),
            ("calculator", "/calculator/"),
            ("calculator-result", "/calculator/?income=1.500.000&categories=poor&sex=women&years=20&years_ahead=2"),
            ("rules", "/calculator/rules/"),
            ("questions", "/questions/"),
            ("ask", "/ask/"),
            ("join", "/join/"),
            ("join-sent", "/join/sent/"),
            ("contact", "/contact/"),
        ]
        results = measure(base, pages)
    finally:
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(var, ignore_errors=True)
    head = ("page", "KB", "requests", "first paint s", "DOMContentLoaded s", "load s")
    print(f"{head[0]:<20} {head[1]:>7} {head[2]:>8} {head[3]:>14} {head[4]:>19} {head[5]:>7}  ≤100 KB")
    for r in results:
        ok = "yes" if r["bytes"] <= LIMIT else "NO"
        print(
            f"{r['name']:<20} {r['bytes'] / 1024:7.1f} {r['requests']:8d} {r['fcp'] / 1000:14.2f} "
            f"{r['dcl'] / 1000:19.2f} {r['load'] / 1000:7.2f}  {ok}"
        )
    print(json.dumps({"heaviest_kb": round(max(r["bytes"] for r in results) / 1024, 1)}))


def measure(base: str, pages) -> list[dict]:
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    out = []
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
        )
        for name, path in pages:
            context = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN", is_mobile=True)
            page = context.new_page()
            cdp = context.new_cdp_session(page)
            cdp.send("Network.enable")
            cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
            cdp.send("Network.emulateNetworkConditions", SLOW_3G)
            received = {"bytes": 0, "requests": 0}

            def finished(event, received=received):
                received["bytes"] += event["encodedDataLength"]
                received["requests"] += 1

            cdp.on("Network.loadingFinished", finished)
            page.goto(base + path, wait_until="load", timeout=60_000)
            page.wait_for_timeout(300)  # late favicon
            timing = page.evaluate(
                "(() => { const n = performance.getEntriesByType('navigation')[0];"
                " const f = performance.getEntriesByName('first-contentful-paint')[0];"
                " return {dcl: n.domContentLoadedEventEnd, load: n.loadEventEnd, fcp: f ? f.startTime : -1}; })()"
            )
            page.screenshot(path=str(SHOTS / f"{name}-390.png"), full_page=True)
            page.set_viewport_size({"width": 1366, "height": 900})
            page.screenshot(path=str(SHOTS / f"{name}-1366.png"), full_page=True)
            out.append({"name": name, **received, **timing})
            context.close()
        browser.close()
    return out


if __name__ == "__main__":
    sys.exit(main())
