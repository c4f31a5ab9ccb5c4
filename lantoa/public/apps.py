import datetime as dt

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicConfig(AppConfig):
    name = "lantoa.public"
    label = "public"
    verbose_name = _("Public site")

    def ready(self):
        from lantoa.core.scheduler import JOBS, Job
        from lantoa.core.selectors import VERB_LABELS
        from lantoa.plans.kpi import warning_providers
        from lantoa.public.selectors import dashboard_lines

        warning_providers.append(dashboard_lines)
        if not any(j.name == "public_leads_purge" for j in JOBS):
            JOBS.append(Job("public_leads_purge", "lantoa.public.tasks.leads_purge", daily_at=dt.time(2, 30)))
        VERB_LABELS.setdefault("lead_create", _("join request received"))
        VERB_LABELS.setdefault("lead_outcome_set", _("join request call recorded"))
        VERB_LABELS.setdefault("lead_join", _("person added from a join request"))
        VERB_LABELS.setdefault("lead_purge", _("join request deleted after the retention time"))
