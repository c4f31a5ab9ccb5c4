from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    name = "lantoa.activities"
    label = "activities"
    verbose_name = _("Activities and campaigns")

    def ready(self):
        from lantoa.activities import kpi  # noqa: F401  (registers the indicator computations)
