from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from lantoa.accounts import services
from lantoa.accounts.clients import client_ip

__all__ = ["ThrottledAuthenticationForm", "TokenForm", "client_ip"]


class ThrottledAuthenticationForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "locked": _("Too many failed sign-in attempts. Please wait %(minutes)s minutes and try again."),
    }

    remember = forms.BooleanField(
        label=_("Remember me on this computer"),
        required=False,
        help_text=_("Stay signed in after the browser is closed. Not on a shared computer."),
    )

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


class TokenForm(forms.Form):
    """The 6-digit code of the authenticator app."""

    token = forms.CharField(
        label=_("Code from your authenticator app"),
        max_length=12,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "autofocus": True, "pattern": "[0-9 ]*"}
        ),
    )
