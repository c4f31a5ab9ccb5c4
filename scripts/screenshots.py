#!/usr/bin/env python3
"""Screenshots of the main pages of a running Lan Tỏa, at phone and desktop width, for review.

    .venv/bin/python scripts/screenshots.py [--base-url http://127.0.0.1:8000] [--user U] [--password P]

The account comes from --user/--password or the LANTOA_USER / LANTOA_PASSWORD environment variables.
If the account must change its one-time password first (the administrator made by `load_defaults`),
the script sets a new one: --new-password or LANTOA_NEW_PASSWORD, or a generated one that it prints.

Output: test-artifacts/screens/<page>-phone.png and <page>-desktop.png, full-page.
Uses Debian's Chromium (/usr/bin/chromium, or LANTOA_CHROMIUM); `apt-get install -y chromium` if missing.
"""

import argparse
import os
import re
import secrets
import sys
from pathlib import Path
from urllib.parse import urljoin, urlparse

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
DEVICES = {
    "phone": {
        "viewport": {"width": 390, "height": 844},
        "is_mobile": True,
        "has_touch": True,
        "device_scale_factor": 1,
    },
    "desktop": {"viewport": {"width": 1366, "height": 900}},
}


def parse_args(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--base-url", default=os.environ.get("LANTOA_URL", "http://127.0.0.1:8000"))
    ap.add_argument("--user", default=os.environ.get("LANTOA_USER"))
    ap.add_argument("--password", default=os.environ.get("LANTOA_PASSWORD"))
    ap.add_argument(
        "--new-password",
        default=os.environ.get("LANTOA_NEW_PASSWORD"),
        help="used only if the account must change its one-time password",
    )
    ap.add_argument("--out", type=Path, default=ROOT / "test-artifacts" / "screens")
    ap.add_argument("--locale", default="vi-VN", help="the browser's language (Accept-Language); default vi-VN")
    ap.add_argument("--only", default="", help="a regular expression: capture only the pages whose name matches")
    ap.add_argument("--chromium", default=os.environ.get("LANTOA_CHROMIUM", "/usr/bin/chromium"))
    args = ap.parse_args(argv)
    if not args.user or not args.password:
        ap.error("give --user and --password (or set LANTOA_USER and LANTOA_PASSWORD)")
    args.base_url = args.base_url.rstrip("/") + "/"
    return args


def submit(page):
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()


def path_of(page) -> str:
    return urlparse(page.url).path


def sign_in(page, args) -> str:
    """Sign in; change a one-time password if asked. Returns the password now valid."""
    page.goto(urljoin(args.base_url, "accounts/login/"))
    page.fill("#id_username", args.user)
    page.fill("#id_password", args.password)
    submit(page)
    if path_of(page) == "/accounts/login/":
        alert = page.locator("main [role=alert]")
        msg = alert.inner_text().strip() if alert.count() else "(no message)"
        sys.exit(f"sign-in failed for {args.user!r}: {msg}")
    if path_of(page) != "/accounts/password/":
        return args.password
    new = args.new_password or f"LanToa-{secrets.token_urlsafe(9)}"
    page.fill("#id_old_password", args.password)
    page.fill("#id_new_password1", new)
    page.fill("#id_new_password2", new)
    submit(page)
    if path_of(page) == "/accounts/password/":
        errors = " ".join(page.locator("main .errorlist").all_inner_texts())
        sys.exit(f"could not set the new password: {errors}")
    print(f"the account had a one-time password; its password is now: {new}")
    return new


def all_links(page, pattern: str) -> list[str]:
    """Every distinct link address in <main> whose path matches `pattern`, in page order."""
    seen = []
    for href in page.locator("main a[href]").evaluate_all("els => els.map(e => e.getAttribute('href'))"):
        if href and re.fullmatch(pattern, urlparse(href).path) and href not in seen:
            seen.append(href)
    return seen


def first_link(page, pattern: str, prefer: str | None = None) -> str | None:
    """The first link in <main> whose address matches `pattern` (preferring link text starting `prefer`)."""
    links = page.locator("main a[href]")
    found = []
    for i in range(links.count()):
        a = links.nth(i)
        href = a.get_attribute("href") or ""
        if re.fullmatch(pattern, urlparse(href).path):
            found.append((href, a.inner_text().strip()))
    if not found:
        return None
    if prefer:
        for href, text in found:
            if text.startswith(prefer):
                return href
    return found[0][0]


def discover(page, args) -> list[tuple[str, str]]:
    """(name, url) of every page to capture once signed in; the details pages are found by following links."""
    base = args.base_url
    pages = [
        ("dashboard", urljoin(base, "plans/dashboard/")),
        ("plan_list", urljoin(base, "plans/")),
    ]
    page.goto(urljoin(base, "plans/"))
    plans = all_links(page, r"/plans/\d+/")
    # The first plan that has indicators (a parent plan of the province may have none here).
    chosen = indicator = None
    for plan in plans:
        page.goto(urljoin(base, plan))
        indicator = first_link(page, r"/plans/\d+/indicators/\d+/")
        if indicator:
            chosen = plan
            break
    chosen = chosen or (plans[0] if plans else None)
    if chosen:
        pages.append(("plan_detail", urljoin(base, chosen)))
    if indicator:
        pages.append(("indicator", urljoin(base, indicator)))
    pages.append(("area_list", urljoin(base, "areas/")))
    page.goto(urljoin(base, "areas/"))
    area = first_link(page, r"/areas/\d+/", prefer="Xã")
    if area:
        pages.append(("area_detail", urljoin(base, area)))
    pages.append(("unit_list", urljoin(base, "units/")))
    page.goto(urljoin(base, "units/"))
    unit = first_link(page, r"/units/\d+/")
    if unit:
        pages.append(("unit_detail", urljoin(base, unit)))
    pages.append(("people", urljoin(base, "people/")))
    page.goto(urljoin(base, "people/"))
    person = first_link(page, r"/people/\d+/")
    if person:
        pages.append(("person", urljoin(base, person)))
    # SMS and Zalo: the list, the forms, a draft (its recipients preview) and a sent broadcast (its monitor)
    # if there are any, a person's messages.
    pages += [
        ("messaging_list", urljoin(base, "messages/")),
        ("messaging_new", urljoin(base, "messages/new/")),
    ]
    for status, name in (("draft", "messaging_draft"), ("sent", "messaging_sent")):
        page.goto(urljoin(base, f"messages/?status={status}"))
        found = first_link(page, r"/messages/\d+/")
        if found:
            pages.append((name, urljoin(base, found)))
        else:
            print(f"warning: no {status} broadcast found for {name}; skipped", file=sys.stderr)
    pages += [
        ("messaging_templates", urljoin(base, "messages/templates/")),
        ("messaging_template_form", urljoin(base, "messages/templates/new/")),
        ("messaging_reminders", urljoin(base, "messages/reminders/")),
        ("messaging_optouts", urljoin(base, "messages/opt-outs/")),
    ]
    if person:
        person_pk = re.search(r"/people/(\d+)/", person).group(1)
        pages.append(("messaging_person", urljoin(base, f"messages/person/{person_pk}/")))
    pages += [
        ("people_duplicates", urljoin(base, "people/duplicates/")),
        ("people_imports", urljoin(base, "people/import/")),
        ("people_reach", urljoin(base, "people/reach/")),
        ("people_segments", urljoin(base, "people/segments/")),
        ("content_list", urljoin(base, "content/")),
        ("team_list", urljoin(base, "team/")),
        ("coordination_briefings", urljoin(base, "coordination/")),
        ("coordination_plans", urljoin(base, "coordination/plans/")),
        ("coordination_agreements", urljoin(base, "coordination/agreements/")),
        ("budget", urljoin(base, "budget/")),
        ("reports_list", urljoin(base, "reports/")),
        ("reports_new", urljoin(base, "reports/new/")),
        ("reports_library", urljoin(base, "reports/library/")),
        ("documents_templates", urljoin(base, "documents/")),
        ("audit_log", urljoin(base, "audit/")),
        ("section_coming", urljoin(base, "section/activities/")),
        ("password", urljoin(base, "accounts/password/")),
    ]
    page.goto(urljoin(base, "reports/?year="))
    for n, report in enumerate(all_links(page, r"/reports/\d+/")[:3], 1):
        pages.append((f"report_detail_{n}", urljoin(base, report)))
    missing = {"plan_detail", "indicator", "area_detail", "unit_detail"} - {n for n, _ in pages}
    for name in sorted(missing):
        print(f"warning: no link found for {name}; skipped", file=sys.stderr)
    return pages


def shoot(page, url: str, path: Path) -> int:
    response = page.goto(url)
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(path), full_page=True)
    return response.status if response else 0


def main(argv=None) -> int:
    args = parse_args(argv)
    if not Path(args.chromium).exists():
        sys.exit(f"Chromium not found at {args.chromium}: apt-get install -y chromium")
    args.out.mkdir(parents=True, exist_ok=True)
    problems = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=args.chromium, args=CHROMIUM_ARGS)
        common = {"locale": args.locale, "timezone_id": "Asia/Ho_Chi_Minh"}
        # Signed out: the sign-in page.
        for device, opts in DEVICES.items():
            ctx = browser.new_context(**common, **opts)
            page = ctx.new_page()
            path = args.out / f"login-{device}.png"
            status = shoot(page, urljoin(args.base_url, "accounts/login/"), path)
            print(f"{status} {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
            ctx.close()
        # Signed in once; the session is shared with both devices.
        ctx = browser.new_context(**common, **DEVICES["desktop"])
        page = ctx.new_page()
        sign_in(page, args)
        pages = [(n, u) for n, u in discover(page, args) if re.search(args.only, n)]
        state = ctx.storage_state()
        ctx.close()
        for device, opts in DEVICES.items():
            ctx = browser.new_context(**common, **opts, storage_state=state)
            page = ctx.new_page()
            for name, url in pages:
                path = args.out / f"{name}-{device}.png"
                status = shoot(page, url, path)
                shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
                print(f"{status} {shown}  ({urlparse(url).path})")
                if status >= 400 or path_of(page) == "/accounts/login/":
                    problems.append(f"{name} ({device}): HTTP {status}, ended at {path_of(page)}")
            ctx.close()
        browser.close()
    for p_ in problems:
        print(f"problem: {p_}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
