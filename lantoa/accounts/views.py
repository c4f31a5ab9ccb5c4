import math

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView

from lantoa.accounts import services, two_factor
from lantoa.accounts.forms import ThrottledAuthenticationForm, TokenForm


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse(settings.LOGIN_REDIRECT_URL)


class LoginView(auth_views.LoginView):
    """The one sign-in (/admin/login/ sends here): the password, throttled, then the second step for the
    accounts that need it. The session cookie ends with the browser unless "remember me" is ticked."""

    template_name = "registration/login.html"
    authentication_form = ThrottledAuthenticationForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        if form.cleaned_data.get("remember"):
            self.request.session.set_expiry(settings.SESSION_COOKIE_AGE)
        user = form.get_user()
        if two_factor.required(user):
            return redirect(f"{two_factor.step_url(user)}?{urlencode({'next': self.get_success_url()})}")
        return response


class LogoutView(auth_views.LogoutView):
    pass


class _SecondStepView(LoginRequiredMixin, FormView):
    form_class = TokenForm

    @staticmethod
    def pending(user) -> bool:
        """Signed in with the password, owing the second step."""
        return user.is_authenticated and two_factor.required(user) and not two_factor.is_verified(user)

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not self.pending(request.user):
            return redirect(_next_url(request))
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(next=_next_url(self.request), **kwargs)

    def throttled(self, form) -> bool:
        """After a wrong code the device waits (1 s, 2 s, 4 s… — django-otp's throttling) before the next."""
        allowed, details = self.device.verify_is_allowed()
        if allowed:
            return False
        until = (details or {}).get("locked_until")
        seconds = max(1, math.ceil((until - timezone.now()).total_seconds())) if until else 1
        form.add_error(
            "token", _("Too many wrong codes. Wait %(seconds)s seconds and try again.") % {"seconds": seconds}
        )
        return True


class TwoFactorView(_SecondStepView):
    """The second step: the code of the enrolled authenticator."""

    template_name = "registration/two_factor.html"

    def dispatch(self, request, *args, **kwargs):
        if self.pending(request.user):
            self.device = two_factor.confirmed_device(request.user)
            if self.device is None:
                return redirect(f"{reverse('accounts:two_factor_setup')}?{urlencode({'next': _next_url(request)})}")
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        if self.throttled(form):
            return self.form_invalid(form)
        if not two_factor.verify(self.request, self.device, form.cleaned_data["token"]):
            form.add_error("token", _("That code is not right. Type the code your app shows now."))
            return self.form_invalid(form)
        return redirect(_next_url(self.request))


class TwoFactorSetupView(_SecondStepView):
    """Enrolment: a QR code (and the secret as text) for the authenticator app, then its first code."""

    template_name = "registration/two_factor_setup.html"

    def dispatch(self, request, *args, **kwargs):
        if self.pending(request.user):
            if two_factor.confirmed_device(request.user) is not None:
                # Re-enrolling needs the current authenticator; a lost one is reset by an administrator.
                return redirect(f"{reverse('accounts:two_factor')}?{urlencode({'next': _next_url(request)})}")
            self.device = two_factor.enrolment_device(request.user)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        size, path = two_factor.qr_matrix_path(self.device.config_url)
        return super().get_context_data(
            qr_size=size, qr_path=path, secret=two_factor.secret_text(self.device), **kwargs
        )

    def form_valid(self, form):
        if self.throttled(form):
            return self.form_invalid(form)
        if not two_factor.confirm(self.request, self.device, form.cleaned_data["token"]):
            form.add_error("token", _("That code is not right. Type the code your app shows now."))
            return self.form_invalid(form)
        messages.success(
            self.request, _("Your authenticator app is set up. You will be asked for its code at each sign-in.")
        )
        return redirect(_next_url(self.request))


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "registration/password_change.html"
    success_url = reverse_lazy("core:home")

    def form_valid(self, form):
        with transaction.atomic():
            response = super().form_valid(form)
            services.password_changed(actor=self.request.user)
        messages.success(self.request, _("Your password has been changed."))
        return response
