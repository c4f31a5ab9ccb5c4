from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AudienceConfig(AppConfig):
    name = "lantoa.audience"
    label = "audience"
    verbose_name = _("People, households and employers")

    def ready(self):
        from lantoa.activities.services import activity_changed_hooks
        from lantoa.audience import kpi  # noqa: F401  (registers T2, T3, T4)
        from lantoa.audience.services import reach_refresh_for_activity

        activity_changed_hooks.append(reach_refresh_for_activity)

        from lantoa.activities.views import detail_links
        from lantoa.audience.views import activity_reach_link

        detail_links.append(activity_reach_link)
