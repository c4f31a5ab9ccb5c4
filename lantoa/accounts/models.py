from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from lantoa.accounts.roles import Role


class User(AbstractUser):
    """A person who signs in. Their unit comes from orgs.Membership; their role says what they may do."""

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, blank=True)
    phone = models.CharField(_("phone"), max_length=16, blank=True, help_text=_("Stored as +84…"))
    must_change_password = models.BooleanField(_("must change password"), default=False)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def get_full_name(self):
        # Vietnamese order: family and middle name (last_name) before the given name (first_name).
        return f"{self.last_name} {self.first_name}".strip()

    def __str__(self):
        full = self.get_full_name()
        return f"{full} ({self.username})" if full else self.username


class FailedLogin(models.Model):
    """A failed sign-in, kept for the throttling window."""

    username = models.CharField(max_length=150, db_index=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self):
        return f"{self.username} {self.ip} {self.at:%Y-%m-%d %H:%M}"
