from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RadioConfig(AppConfig):
    name = "lantoa.radio"
    label = "radio"
    verbose_name = _("Commune radio")

    def ready(self):
        from lantoa.core.selectors import VERB_LABELS
        from lantoa.plans.kpi import warning_providers
        from lantoa.radio import kpi  # noqa: F401  (replaces the waiting M7 computation)
        from lantoa.radio.selectors import dashboard_warnings

        warning_providers.append(dashboard_warnings)

        VERB_LABELS.setdefault("broadcast_save", _("radio broadcast saved"))
        VERB_LABELS.setdefault("broadcast_delete", _("radio broadcast deleted"))
