import datetime as dt

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoordinationConfig(AppConfig):
    name = "lantoa.coordination"
    label = "coordination"
    verbose_name = _("Coordination and direction")

    def ready(self):
        from lantoa.audience.views import person_links
        from lantoa.coordination import kpi  # noqa: F401  (implements M1, M2, M3)
        from lantoa.coordination.views import person_leader_link
        from lantoa.core.scheduler import JOBS, Job
        from lantoa.core.selectors import VERB_LABELS

        if person_leader_link not in person_links:
            person_links.append(person_leader_link)
        if "coordination_plan_reminders" not in {job.name for job in JOBS}:
            JOBS.append(
                Job("coordination_plan_reminders", "lantoa.coordination.tasks.plan_reminders", daily_at=dt.time(7, 0))
            )
        for verb, label in {
            "leader_email_set": _("leader's e-mail saved"),
            "briefing_save": _("briefing of leaders saved"),
            "unit_plan_save": _("annual plan saved"),
            "unit_plan_file": _("annual plan filed"),
            "unit_plan_accept": _("annual plan accepted"),
            "unit_plan_return": _("annual plan returned to draft"),
            "agreement_save": _("coordination agreement saved"),
            "agreement_review_save": _("agreement review saved"),
            "inspection_save": _("inspection saved"),
            "award_save": _("award saved"),
        }.items():
            VERB_LABELS.setdefault(verb, label)
