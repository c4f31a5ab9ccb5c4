"""Two-factor sign-in (TOTP through django-otp): who needs it, their authenticator, its QR code.

Administrators, the coordinator (settings.TWO_FACTOR_ROLES) and every account that may open /admin/
give, after their password, the 6-digit code of an authenticator app (RFC 6238, 30 s steps). The first
time, they enrol one: the sign-in shows a QR code and the secret as text, and a code it then gives
confirms it. An administrator resets a lost one by deleting the account's TOTP device in /admin/.
"""

import base64

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from lantoa.accounts.roles import has_role
from lantoa.core.models import AuditLog
from lantoa.core.services import audit_log

DEVICE_NAME = "Lan Tỏa"


def required(user) -> bool:
    """Whether this account must pass the second step before using the product."""
    if not getattr(user, "is_authenticated", False):
        return False
    return user.is_staff or user.is_superuser or has_role(user, set(settings.TWO_FACTOR_ROLES))


def is_verified(user) -> bool:
    """Whether this session passed the second step (django-otp's middleware keeps it per session)."""
    check = getattr(user, "is_verified", None)
    return bool(check and check())


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def step_url(user) -> str:
    """The page of the second step this account is at: the code, or the enrolment when it has none."""
    return reverse("accounts:two_factor" if confirmed_device(user) else "accounts:two_factor_setup")


@transaction.atomic
def enrolment_device(user) -> TOTPDevice:
    """The authenticator being enrolled: one unconfirmed device per account, kept until it is confirmed, so
    that reloading the page does not change the secret the person is typing in."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def secret_text(device: TOTPDevice) -> str:
    """The secret as an authenticator app asks for it: base32, in groups of four."""
    b32 = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(b32[i : i + 4] for i in range(0, len(b32), 4))


def clean_token(token: str) -> str:
    return "".join(ch for ch in (token or "") if not ch.isspace())


def verify(request, device: TOTPDevice, token: str) -> bool:
    """Check a code against the device (its own throttling and replay rules apply); on success the session
    is verified."""
    token = clean_token(token)
    if not token.isdecimal() or not device.verify_token(token):
        return False
    request.session.cycle_key()  # the session gained a right: a new key, as at the password step
    otp_login(request, device)
    return True


@transaction.atomic
def confirm(request, device: TOTPDevice, token: str) -> bool:
    """Enrolment: the first right code confirms the device; other devices of the account are removed."""
    if not verify(request, device, token):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    audit_log(
        actor=request.user,
        action=AuditLog.Action.ACTION,
        obj=request.user,
        before={},
        after={},
        verb="two_factor_enrol",
    )
    return True


def qr_matrix_path(data: str) -> tuple[int, str]:
    """The QR code of `data` as (size, SVG path): one 1×1 square per dark module, a 4-module quiet zone
    included. Drawn by the template as inline SVG, so the page needs no image, script or other origin."""
    import qrcode

    qr = qrcode.QRCode(border=4, error_correction=qrcode.constants.ERROR_CORRECT_M)
    qr.add_data(data)
    qr.make(fit=True)
    matrix = qr.get_matrix()
    parts = [f"M{x} {y}h1v1h-1z" for y, row in enumerate(matrix) for x, dark in enumerate(row) if dark]
    return len(matrix), "".join(parts)
