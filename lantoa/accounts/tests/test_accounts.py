"""Sign-in in Vietnamese, failed-login throttling, one-time passwords, the first administrator."""

import pytest
from django.urls import reverse

from lantoa.accounts.models import FailedLogin
from lantoa.accounts.services import bootstrap_admin
from lantoa.core.models import AuditLog

pytestmark = pytest.mark.django_db


def test_login_page_is_vietnamese(client):
    html = client.get(reverse("accounts:login")).content.decode()
    assert 'lang="vi"' in html
    assert "Đăng nhập" in html and "Mật khẩu" in html


def test_login_and_logout(client, default_data, make_user):
    # A role without the second step (the coordinator's sign-in is in test_security.py).
    officer = make_user("unit_officer", "hn-hoinongdan")
    response = client.post(reverse("accounts:login"), {"username": officer.username, "password": "Mat-khau-2026!"})
    assert response.status_code == 302 and response["Location"] == reverse("core:home")
    assert client.get(reverse("plans:dashboard")).status_code == 200
    client.post(reverse("accounts:logout"))
    assert client.get(reverse("plans:dashboard")).status_code == 302


def test_failed_logins_are_throttled(client, coordinator, settings):
    settings.LOGIN_MAX_FAILURES = 3
    url = reverse("accounts:login")
    for _ in range(3):
        response = client.post(url, {"username": coordinator.username, "password": "wrong-password"})
        assert response.status_code == 200
    assert FailedLogin.objects.filter(username=coordinator.username).count() == 3
    response = client.post(url, {"username": coordinator.username, "password": "Mat-khau-2026!"})
    assert response.status_code == 200
    assert "Đăng nhập sai quá nhiều lần" in response.content.decode() or "quá nhiều" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_success_clears_failures(client, coordinator, settings):
    settings.LOGIN_MAX_FAILURES = 3
    url = reverse("accounts:login")
    client.post(url, {"username": coordinator.username, "password": "wrong"})
    client.post(url, {"username": coordinator.username, "password": "Mat-khau-2026!"})
    assert not FailedLogin.objects.filter(username=coordinator.username).exists()


def test_bootstrap_admin_once_with_random_password(django_user_model):
    first = bootstrap_admin()
    assert first and len(first) >= 12
    admin = django_user_model.objects.get(username="admin")
    assert admin.check_password(first) and admin.is_superuser and admin.must_change_password
    assert bootstrap_admin() is None
    second_db_password = django_user_model.objects.get(username="admin").password
    assert admin.password == second_db_password


def test_one_time_password_must_be_changed_first(client, default_data, make_user):
    user = make_user("unit_officer", "hn-hoinongdan", must_change_password=True)
    client.force_login(user)
    response = client.get(reverse("plans:dashboard"))
    assert response.status_code == 302 and response["Location"] == reverse("accounts:password_change")
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": "Mat-khau-2026!", "new_password1": "Hoi-nong-dan-2026", "new_password2": "Hoi-nong-dan-2026"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert not user.must_change_password and user.check_password("Hoi-nong-dan-2026")
    assert AuditLog.objects.filter(verb="password_change", target_id=str(user.pk)).exists()
    assert client.get(reverse("plans:dashboard")).status_code == 200


def test_password_change_errors_in_vietnamese(client, coordinator):
    client.force_login(coordinator)
    response = client.post(
        reverse("accounts:password_change"), {"old_password": "sai", "new_password1": "123", "new_password2": "123"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Mật khẩu cũ của bạn đã được nhập không chính xác" in html or "không chính xác" in html


def test_admin_password_reset_is_one_time_and_audited(client, django_user_model, default_data, make_user):
    admin = django_user_model.objects.create_superuser("root", password="x" * 12, role="admin")
    staff = make_user("unit_officer", "hn-hoinongdan")
    client.force_login(admin)
    response = client.post(
        reverse("admin:auth_user_password_change", args=[staff.pk]),
        {"password1": "Mot-lan-thoi-2026", "password2": "Mot-lan-thoi-2026", "usable_password": "true"},
    )
    assert response.status_code == 302
    staff.refresh_from_db()
    assert staff.check_password("Mot-lan-thoi-2026") and staff.must_change_password
    assert AuditLog.objects.filter(verb="password_reset", target_id=str(staff.pk), actor=admin).exists()


def test_short_new_password_is_refused_in_vietnamese(client, coordinator):
    coordinator.set_password("Mat-khau-cu-2026")
    coordinator.save()
    client.force_login(coordinator)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": "Mat-khau-cu-2026", "new_password1": "Ab#12345", "new_password2": "Ab#12345"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Mật khẩu quá ngắn: cần ít nhất 10 ký tự." in html
    assert "too short" not in html


def test_full_name_reads_family_name_first(make_user, default_data):
    from lantoa.accounts.roles import Role

    user = make_user(Role.COORDINATOR, "hn-ldtbxh")
    assert user.get_full_name() == f"Nguyễn Văn {Role.COORDINATOR}"
