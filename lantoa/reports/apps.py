from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "lantoa.reports"
    label = "reports"
    verbose_name = _("Reports")

    def ready(self):
        from lantoa.core.scheduler import JOBS, Job
        from lantoa.core.selectors import VERB_LABELS

        if not any(job.name == "report_reminders" for job in JOBS):
            import datetime as dt

            JOBS.append(Job("report_reminders", "lantoa.reports.tasks.reminders", daily_at=dt.time(7, 30)))
        for verb, label in {
            "report_create": _("report created"),
            "report_save": _("report saved"),
            "report_submit": _("report submitted"),
            "report_return": _("report returned"),
            "report_accept": _("report accepted"),
            "report_file": _("report document made"),
        }.items():
            VERB_LABELS.setdefault(verb, label)
