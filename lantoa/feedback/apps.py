from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "lantoa.feedback"
    label = "feedback"
    verbose_name = _("Feedback and public opinion")

    def ready(self):
        from lantoa.core.selectors import VERB_LABELS
        from lantoa.feedback.services import feedback_from_inbound
        from lantoa.messaging.services import INBOUND_HOOKS

        if feedback_from_inbound not in INBOUND_HOOKS:
            INBOUND_HOOKS.append(feedback_from_inbound)

        VERB_LABELS.setdefault("feedback_intake_create", _("feedback item received"))
        VERB_LABELS.setdefault("feedback_transition", _("feedback item status changed"))
        VERB_LABELS.setdefault("feedback_read_identity", _("denouncer's identity read"))
        VERB_LABELS.setdefault("feedback_extend", _("feedback time limit extended"))
        VERB_LABELS.setdefault("feedback_apologise", _("apology for a late answer sent"))
