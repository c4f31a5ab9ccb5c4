"""Writes about accounts: failed-login throttling, the first administrator, password changes."""

import datetime as dt
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from lantoa.accounts.models import FailedLogin
from lantoa.accounts.roles import Role
from lantoa.core.models import AuditLog
from lantoa.core.services import audit_log, snapshot


def _window_start():
    return timezone.now() - dt.timedelta(minutes=settings.LOGIN_LOCK_MINUTES)


def login_is_locked(*, username: str, ip: str | None) -> bool:
    """Locked when this client has failed too often on this account, or the account has from any clients,
    within the window. The client's address alone never locks: behind one proxy (an office, a province's
    network) many people share an address, and one person's mistakes must not lock out the others."""
    recent = FailedLogin.objects.filter(at__gte=_window_start(), username=(username or "").lower())
    by_client = recent.filter(ip=ip) if ip else recent.filter(ip__isnull=True)
    return by_client.count() >= settings.LOGIN_MAX_FAILURES or recent.count() >= settings.LOGIN_MAX_FAILURES_ACCOUNT


def login_failure_record(*, username: str, ip: str | None) -> None:
    FailedLogin.objects.create(username=(username or "").lower()[:150], ip=ip)


def login_success_clear(*, username: str) -> None:
    FailedLogin.objects.filter(username=(username or "").lower()).delete()


def failed_logins_prune() -> int:
    deleted, _count = FailedLogin.objects.filter(at__lt=_window_start() - dt.timedelta(days=1)).delete()
    return deleted


@transaction.atomic
def bootstrap_admin(*, username: str = "admin") -> str | None:
    """When no account exists yet, create an administrator with a one-time password and return it.

    The password is printed once by `make run`; it must be changed at first sign-in.
    """
    User = get_user_model()
    if User.objects.exists():
        return None
    password = secrets.token_urlsafe(12)
    user = User(username=username, role=Role.ADMIN, is_staff=True, is_superuser=True, must_change_password=True)
    user.set_password(password)
    user.save()
    audit_log(
        actor=None,
        action=AuditLog.Action.CREATE,
        obj=user,
        after=snapshot(user),
        verb="bootstrap_admin",
        source="system",
    )
    return password


@transaction.atomic
def password_changed(*, actor) -> None:
    User = get_user_model()
    User.objects.filter(Q(pk=actor.pk)).update(must_change_password=False)
    actor.must_change_password = False
    audit_log(actor=actor, action=AuditLog.Action.ACTION, obj=actor, before={}, after={}, verb="password_change")


@transaction.atomic
def password_reset_by_admin(*, actor, user) -> None:
    """An administrator set someone's password: it is a one-time password they must change."""
    User = get_user_model()
    one_time = actor.pk != user.pk
    User.objects.filter(pk=user.pk).update(must_change_password=one_time)
    audit_log(actor=actor, action=AuditLog.Action.ACTION, obj=user, before={}, after={}, verb="password_reset")
