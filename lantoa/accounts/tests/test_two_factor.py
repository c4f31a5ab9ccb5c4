"""Issue 17, finding 2: /admin/login/ signs no one in (one throttled sign-in for both), and the
administrators, the coordinator and every account that may open /admin/ give a TOTP code after their
password — enrolled the first time. The codes are computed here as an authenticator app would (RFC 6238)."""

import re
import time

import pytest
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from lantoa.accounts.models import FailedLogin
from lantoa.accounts.roles import Role
from lantoa.core.models import AuditLog

pytestmark = pytest.mark.django_db
PASSWORD = "Mat-khau-2026!"


def code(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """What the person's authenticator app shows (`steps_ahead` 30-second steps on)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def sign_in(client, user, password=PASSWORD, path="accounts:login", **extra):
    return client.post(reverse(path), {"username": user.username, "password": password, **extra})


@pytest.fixture
def admin_user(django_user_model):
    return django_user_model.objects.create_superuser("quantri", password=PASSWORD, role=Role.ADMIN)


def test_coordinator_enrols_then_signs_in_with_a_code(client, coordinator):
    response = sign_in(client, coordinator)
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:two_factor_setup"))
    # Nothing else until the second step.
    blocked = client.get(reverse("plans:dashboard"))
    assert blocked.status_code == 302 and blocked["Location"].startswith(reverse("accounts:two_factor_setup"))
    page = client.get(response["Location"])
    html = page.content.decode()
    # The QR code is inline SVG, and the secret is there as text.
    assert re.search(r"<svg [^>]*viewBox=\"0 0 \d+ \d+\"", html) and 'd="M' in html
    device = TOTPDevice.objects.get(user=coordinator, confirmed=False)
    secret = page.context["secret"].replace(" ", "")
    import base64

    assert base64.b32decode(secret + "=" * (-len(secret) % 8)) == device.bin_key
    assert secret[:4] in html
    # A wrong code is refused; the right one confirms the device and lets the person in.
    wrong = client.post(reverse("accounts:two_factor_setup"), {"token": "000000" if code(device) != "000000" else "1"})
    assert wrong.status_code == 200 and "không đúng" in wrong.content.decode()
    time.sleep(1.1)  # the wait after a wrong code (test_wrong_codes_are_throttled)
    done = client.post(reverse("accounts:two_factor_setup"), {"token": code(device), "next": "/plans/dashboard/"})
    assert done.status_code == 302 and done["Location"] == "/plans/dashboard/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("plans:dashboard")).status_code == 200
    assert AuditLog.objects.filter(verb="two_factor_enrol", target_id=str(coordinator.pk)).exists()

    # Next sign-in: the code page, not the enrolment; the code already used is not accepted again.
    client.post(reverse("accounts:logout"))
    response = sign_in(client, coordinator)
    assert response["Location"].startswith(reverse("accounts:two_factor"))
    assert client.get(reverse("accounts:two_factor_setup")).status_code == 302  # no re-enrolment
    replay = client.post(reverse("accounts:two_factor"), {"token": code(device)})
    assert replay.status_code == 200 and "không đúng" in replay.content.decode()
    time.sleep(1.1)
    ok = client.post(reverse("accounts:two_factor"), {"token": code(device, steps_ahead=1)})
    assert ok.status_code == 302 and ok["Location"] == reverse("core:home")
    assert client.get(reverse("plans:dashboard")).status_code == 200


def test_a_commune_officer_needs_no_second_step(client, default_data, make_user):
    officer = make_user(Role.COMMUNE_OFFICER, "dt-ubnd-long-khanh")
    response = sign_in(client, officer)
    assert response.status_code == 302 and response["Location"] == reverse("core:home")
    assert client.get(reverse("plans:dashboard")).status_code == 200
    # The second step's pages have nothing for them (and enrol nothing).
    for name in ("accounts:two_factor", "accounts:two_factor_setup"):
        assert client.get(reverse(name))["Location"] == reverse("core:home")
    assert not TOTPDevice.objects.filter(user=officer).exists()


def test_the_roles_are_a_setting(client, default_data, make_user, settings):
    settings.TWO_FACTOR_ROLES = ["commune_officer"]
    officer = make_user(Role.COMMUNE_OFFICER, "dt-ubnd-long-khanh")
    assert sign_in(client, officer)["Location"].startswith(reverse("accounts:two_factor_setup"))


def test_admin_login_signs_no_one_in(client, admin_user):
    # The admin's own form is gone: its address sends to the one sign-in, keeping where to go next.
    response = client.get(reverse("admin:login") + "?next=/admin/accounts/user/")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login") + "?next=%2Fadmin%2Faccounts%2Fuser%2F"
    # A right password posted to it does nothing.
    response = sign_in(client, admin_user, path="admin:login")
    assert response.status_code == 302 and "_auth_user_id" not in client.session
    assert client.get(reverse("admin:index"))["Location"].startswith(reverse("admin:login"))


def test_thirty_wrong_tries_at_admin_login_get_nowhere_and_a_locked_account_stays_locked(client, admin_user, settings):
    settings.LOGIN_MAX_FAILURES = 5
    for _ in range(30):
        assert sign_in(client, admin_user, password="sai-mat-khau", path="admin:login").status_code == 302
    assert "_auth_user_id" not in client.session
    # Locked on the one sign-in...
    for _ in range(5):
        sign_in(client, admin_user, password="sai-mat-khau")
    assert FailedLogin.objects.filter(username=admin_user.username).count() == 5
    locked = sign_in(client, admin_user)
    assert locked.status_code == 200 and "_auth_user_id" not in client.session
    # ...and /admin/login/ is no way round it.
    sign_in(client, admin_user, path="admin:login")
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("admin:index")).status_code == 302


def test_admin_needs_the_second_step(client, admin_user):
    response = sign_in(client, admin_user, next="/admin/")
    assert response["Location"].startswith(reverse("accounts:two_factor_setup"))
    # Signed in with the password only: /admin/ sends to the second step, not in.
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:two_factor_setup"))
    client.get(reverse("accounts:two_factor_setup"))
    device = TOTPDevice.objects.get(user=admin_user)
    response = client.post(reverse("accounts:two_factor_setup"), {"token": code(device), "next": "/admin/"})
    assert response["Location"] == "/admin/"
    assert client.get(reverse("admin:index")).status_code == 200
    # The secret is not shown in the admin's device list.
    html = client.get(reverse("admin:otp_totp_totpdevice_changelist")).content.decode()
    assert device.key not in html


def test_staff_of_another_role_need_it_too_and_non_staff_are_refused(client, default_data, make_user):
    officer = make_user(Role.UNIT_OFFICER, "hn-hoinongdan")
    client.force_login(officer)  # force_login passes the second step when one is needed
    assert client.get(reverse("admin:login")).status_code == 403  # signed in, not staff
    officer.is_staff = True
    officer.save()
    client.post(reverse("accounts:logout"))
    assert sign_in(client, officer)["Location"].startswith(reverse("accounts:two_factor_setup"))


def test_wrong_codes_are_throttled(client, coordinator):
    device = TOTPDevice.objects.create(user=coordinator, name="x", confirmed=True)
    sign_in(client, coordinator)
    good = code(device)
    bad = "123456" if good != "123456" else "654321"
    client.post(reverse("accounts:two_factor"), {"token": bad})
    # Right after a wrong code the device waits (1 s, then 2, 4…): even the right code is refused.
    response = client.post(reverse("accounts:two_factor"), {"token": good})
    assert response.status_code == 200 and "Sai mã quá nhiều lần" in response.content.decode()
    device.refresh_from_db()
    assert device.throttling_failure_count == 1


def test_htmx_requests_are_sent_to_the_second_step_whole(client, coordinator):
    sign_in(client, coordinator)
    response = client.get(reverse("plans:dashboard"), headers={"HX-Request": "true"})
    assert response.status_code == 204 and response["HX-Redirect"].startswith(reverse("accounts:two_factor_setup"))
