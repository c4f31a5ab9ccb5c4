"""The admin site: it has no sign-in form of its own (the one throttled sign-in of /accounts/login/ serves
it too) and lets in only active staff who passed the second step (TOTP) in this session."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode

from lantoa.accounts import two_factor


class LanToaAdminSite(admin.AdminSite):
    def has_permission(self, request):
        return super().has_permission(request) and two_factor.is_verified(request.user)

    def login(self, request, extra_context=None):
        """/admin/login/ signs no one in: it sends to the sign-in of the product (or its second step)."""
        target = request.GET.get("next") or reverse("admin:index", current_app=self.name)
        if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            target = reverse("admin:index", current_app=self.name)
        user = request.user
        if user.is_active and user.is_staff and not two_factor.is_verified(user):
            return redirect(f"{two_factor.step_url(user)}?{urlencode({'next': target})}")
        if user.is_authenticated:
            # Signed in, verified if need be, and still not let in: not staff.
            raise PermissionDenied
        return redirect(f"{reverse('accounts:login')}?{urlencode({'next': target})}")
