from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "lantoa.plans"
    label = "plans"
    verbose_name = _("Plans and indicators")

    def ready(self):
        from lantoa.plans.kpi import warning_providers
        from lantoa.plans.selectors import pace_warnings

        warning_providers.append(pace_warnings)
