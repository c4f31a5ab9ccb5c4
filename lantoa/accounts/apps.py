from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    default = True
    name = "lantoa.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from django.conf import settings
        from django.core.exceptions import ImproperlyConfigured

        from lantoa.accounts.roles import Role

        unknown = set(settings.TWO_FACTOR_ROLES) - set(Role.values)
        if unknown:
            raise ImproperlyConfigured(
                f"TWO_FACTOR_ROLES names unknown roles {sorted(unknown)}; the roles are {sorted(Role.values)}"
            )


class LanToaAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with its site replaced: no sign-in of its own, and a second step required."""

    default = False
    default_site = "lantoa.accounts.admin_site.LanToaAdminSite"
