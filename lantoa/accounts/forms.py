from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from lantoa.accounts import services


def client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") if request else None


class ThrottledAuthenticationForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "locked": _("Too many failed sign-in attempts. Please wait %(minutes)s minutes and try again."),
    }

    def clean(self):
        from django.conf import settings

        username = self.cleaned_data.get("username", "")
        ip = client_ip(self.request)
        if services.login_is_locked(username=username, ip=ip):
            raise forms.ValidationError(
                self.error_messages["locked"], code="locked", params={"minutes": settings.LOGIN_LOCK_MINUTES}
            )
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            services.login_failure_record(username=username, ip=ip)
            raise
        services.login_success_clear(username=username)
        return cleaned
