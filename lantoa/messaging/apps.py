from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MessagingConfig(AppConfig):
    name = "lantoa.messaging"
    label = "messaging"
    verbose_name = _("SMS and Zalo")

    def ready(self):
        from lantoa.audience.views import person_links
        from lantoa.core.scheduler import JOBS, Job
        from lantoa.core.selectors import VERB_LABELS
        from lantoa.messaging import gateways, kpi  # noqa: F401  (registers the adapters and M9)
        from lantoa.messaging.views import person_messages_link

        person_links.append(person_messages_link)
        names = {job.name for job in JOBS}
        for job in (
            Job("messaging_tick", "lantoa.messaging.tasks.tick", every_minutes=1),
            Job("messaging_reminders", "lantoa.messaging.tasks.reminders", every_minutes=60),
        ):
            if job.name not in names:
                JOBS.append(job)
        for verb, label in {
            "template_save": _("message template saved"),
            "sms_broadcast_save": _("message broadcast saved"),
            "sms_broadcast_approve": _("message broadcast approved"),
            "sms_broadcast_cancel": _("message broadcast cancelled"),
            "optout_add": _("number opted out of messages"),
            "optout_remove": _("opt-out removed on request"),
            "optout_import": _("Do-Not-Call list imported"),
            "reminder_save": _("reminder saved"),
            "gateway_save": _("gateway saved"),
        }.items():
            VERB_LABELS.setdefault(verb, label)
