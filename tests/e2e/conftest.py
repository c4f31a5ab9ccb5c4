"""Browser fixtures for the end-to-end tests: Debian's Chromium driven by Playwright (sync API).

`playwright install` cannot work on the build machines, so the tests use the system Chromium at
/usr/bin/chromium. If it is missing the fixture fails (it does not skip): install it with
`apt-get install -y chromium`.
"""

import os
from pathlib import Path

import pytest

# The Playwright sync API runs an event loop in the test thread; Django would otherwise refuse
# database access from the test body ("You cannot call this from an async context").
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path(os.environ.get("LANTOA_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: run `apt-get install -y chromium` (as root). "
            "The browser tests must not be skipped.",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    """A fresh browser context per test (no shared cookies), as a Vietnamese office PC would send it."""
    context = browser.new_context(viewport=DESKTOP, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    context.set_default_timeout(15_000)
    pg = context.new_page()
    yield pg
    context.close()


@pytest.fixture
def artifacts_dir():
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


def pass_second_step(page, user) -> None:
    """After the password, what a person with an authenticator app does when the sign-in asks for the second
    step (administrators, the coordinator): enrol by typing the key the page shows into the "app" (the
    first time), or type the code of the enrolled one. Nothing when the page did not ask."""
    import base64
    import time

    from django_otp.oath import hotp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    if "/accounts/two-factor/" not in page.url:
        return
    if "/setup/" in page.url:
        secret = page.locator("#totp-secret").inner_text().replace(" ", "")
        key, last_used = base64.b32decode(secret + "=" * (-len(secret) % 8)), -1
    else:
        device = TOTPDevice.objects.get(user=user, confirmed=True)
        key, last_used = device.bin_key, device.last_t
    # A code is accepted once, up to one 30-second step early: wait when the next step is further off.
    while last_used + 1 > int(time.time()) // 30 + 1:
        time.sleep(1)
    step = max(int(time.time()) // 30, last_used + 1)
    page.fill("#id_token", f"{hotp(key, step):06d}")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()
