"""Issue 17, findings 10 and 16: failed sign-ins counted per account and per real client (behind a trusted
proxy, the address it forwarded), never a lock by address alone; sessions end after an idle time and their
cookie with the browser unless "remember me" was ticked."""

import time

import pytest
from django.test import RequestFactory
from django.urls import reverse

from lantoa.accounts.clients import client_ip
from lantoa.accounts.middleware import SessionIdleTimeoutMiddleware
from lantoa.accounts.models import FailedLogin
from lantoa.accounts.roles import Role

pytestmark = pytest.mark.django_db
PASSWORD = "Mat-khau-2026!"
PROXY = "10.20.0.5"


@pytest.fixture
def officer(default_data, make_user):
    return make_user(Role.COMMUNE_OFFICER, "dt-ubnd-long-khanh")


def post_login(client, username, password, *, remote=PROXY, forwarded=None, **extra):
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    return client.post(
        reverse("accounts:login"),
        {"username": username, "password": password, **extra},
        REMOTE_ADDR=remote,
        headers=headers,
    )


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


# --- which client ---------------------------------------------------------------------------------


def test_client_address_is_remote_addr_unless_a_trusted_proxy_forwarded_it(settings):
    rf = RequestFactory()
    settings.TRUSTED_PROXIES = []
    # Without trusted proxies the header is anyone's to write: ignored.
    assert client_ip(rf.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="1.2.3.4")) == PROXY
    settings.TRUSTED_PROXIES = ["10.20.0.0/24", "::1"]
    assert client_ip(rf.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="113.160.1.9")) == "113.160.1.9"
    # The right-most address not itself a proxy: what the client wrote on the left is not believed.
    spoofed = rf.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="6.6.6.6, 113.160.1.9, 10.20.0.7")
    assert client_ip(spoofed) == "113.160.1.9"
    # From a client that is not a proxy, the header is ignored.
    assert client_ip(rf.get("/", REMOTE_ADDR="113.160.1.9", HTTP_X_FORWARDED_FOR="6.6.6.6")) == "113.160.1.9"
    # Another header, as configured.
    settings.CLIENT_IP_HEADER = "X-Real-IP"
    assert client_ip(rf.get("/", REMOTE_ADDR="::1", HTTP_X_REAL_IP="2001:db8::7")) == "2001:db8::7"
    assert client_ip(rf.get("/", REMOTE_ADDR=PROXY, HTTP_X_REAL_IP="junk")) == PROXY


def test_a_bad_trusted_proxy_stops_start_up():
    import os
    import subprocess
    import sys
    from pathlib import Path

    result = subprocess.run(
        [sys.executable, "-c", "import config.settings"],
        cwd=Path(__file__).resolve().parents[3],
        env={**os.environ, "TRUSTED_PROXIES": "10.0.0.1,not-an-address"},
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0 and "TRUSTED_PROXIES" in result.stderr


# --- counting -------------------------------------------------------------------------------------


def test_behind_a_proxy_one_officers_mistakes_lock_no_one_else(client, officer, default_data, make_user, settings):
    """Issue 17 (10): everyone comes from the proxy's address. Before, 4 × 5 failures from it locked every
    account; now the other people of the office sign in."""
    settings.TRUSTED_PROXIES = [PROXY]
    settings.LOGIN_MAX_FAILURES = 5
    others = [make_user(Role.COMMUNE_OFFICER, "dt-ubnd-long-khanh") for _ in range(5)]
    # Twenty-five failures from the office, spread over five accounts, all through the proxy.
    for other in others:
        for _ in range(5):
            post_login(client, other.username, "sai", forwarded="113.160.1.9")
    assert FailedLogin.objects.filter(ip="113.160.1.9").count() == 25
    # Another person of the office, from the same address even: signs in.
    response = post_login(client, officer.username, PASSWORD, forwarded="113.160.1.9")
    assert response.status_code == 302 and signed_in(client)


def test_without_a_trusted_proxy_the_address_alone_locks_no_one(client, officer, default_data, make_user, settings):
    settings.TRUSTED_PROXIES = []
    settings.LOGIN_MAX_FAILURES = 3
    for _ in range(4):
        other = make_user(Role.COMMUNE_OFFICER, "dt-ubnd-long-khanh")
        for _ in range(3):
            post_login(client, other.username, "sai")
    assert post_login(client, officer.username, PASSWORD).status_code == 302 and signed_in(client)


def test_one_client_guessing_an_account_is_locked_out_of_it_but_its_owner_is_not(client, officer, settings):
    settings.TRUSTED_PROXIES = [PROXY]
    settings.LOGIN_MAX_FAILURES = 3
    for _ in range(3):
        post_login(client, officer.username, "sai", forwarded="203.0.113.66")
    # The guessing client: refused even with the right password.
    locked = post_login(client, officer.username, PASSWORD, forwarded="203.0.113.66")
    assert locked.status_code == 200 and "quá nhiều" in locked.content.decode() and not signed_in(client)
    # The owner, at their office: signs in. (A spoofed left-hand address does not make another client.)
    spoofed = post_login(client, officer.username, PASSWORD, forwarded="1.1.1.1, 203.0.113.66")
    assert spoofed.status_code == 200 and not signed_in(client)
    assert post_login(client, officer.username, PASSWORD, forwarded="113.160.1.9").status_code == 302
    assert signed_in(client)


def test_an_account_is_locked_after_failures_from_many_clients(client, officer, settings):
    settings.TRUSTED_PROXIES = [PROXY]
    settings.LOGIN_MAX_FAILURES = 3
    settings.LOGIN_MAX_FAILURES_ACCOUNT = 6
    for n in range(6):
        post_login(client, officer.username, "sai", forwarded=f"198.51.100.{n + 1}")
    response = post_login(client, officer.username, PASSWORD, forwarded="113.160.1.9")
    assert response.status_code == 200 and not signed_in(client)


# --- sessions -------------------------------------------------------------------------------------


def test_the_session_cookie_ends_with_the_browser_unless_remember_me(client, officer, settings):
    assert settings.SESSION_COOKIE_AGE == settings.SESSION_IDLE_MINUTES * 60 == 8 * 3600
    response = post_login(client, officer.username, PASSWORD)
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie.value and not cookie["max-age"] and not cookie["expires"]
    assert client.session.get_expire_at_browser_close()

    client.post(reverse("accounts:logout"))
    response = post_login(client, officer.username, PASSWORD, remember="on")
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert int(cookie["max-age"]) == 8 * 3600  # outlives the browser, for the idle time only
    assert not client.session.get_expire_at_browser_close()


def test_the_login_page_offers_remember_me(client, db):
    html = client.get(reverse("accounts:login")).content.decode()
    assert 'name="remember"' in html and "Ghi nhớ đăng nhập trên máy này" in html


def test_an_idle_session_ends(client, officer, settings):
    settings.SESSION_IDLE_MINUTES = 30
    client.force_login(officer)
    assert client.get(reverse("plans:dashboard")).status_code == 200
    session = client.session
    seen = session[SessionIdleTimeoutMiddleware.KEY]
    assert abs(seen - time.time()) < 60
    # 29 minutes without a request: still signed in, and the clock starts again.
    session[SessionIdleTimeoutMiddleware.KEY] = int(time.time()) - 29 * 60
    session.save()
    assert client.get(reverse("plans:dashboard")).status_code == 200
    assert abs(client.session[SessionIdleTimeoutMiddleware.KEY] - time.time()) < 60
    # 31 minutes: signed out, sent to the sign-in.
    session = client.session
    session[SessionIdleTimeoutMiddleware.KEY] = int(time.time()) - 31 * 60
    session.save()
    response = client.get(reverse("plans:dashboard"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    assert not signed_in(client)


def test_the_server_side_session_expires_after_the_idle_time(client, officer, settings):
    """The database row expires too (a stolen cookie is dead after the idle time, middleware or not)."""
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    client.force_login(officer)
    client.get(reverse("plans:dashboard"))
    row = Session.objects.get(session_key=client.session.session_key)
    left = (row.expire_date - timezone.now()).total_seconds()
    assert 8 * 3600 - 120 < left <= 8 * 3600
