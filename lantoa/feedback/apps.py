from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "lantoa.feedback"
    label = "feedback"
    verbose_name = _("Feedback and public opinion")

    def ready(self):
        from lantoa.core.selectors import VERB_LABELS

        VERB_LABELS.setdefault("feedback_intake_create", _("feedback item received"))
        VERB_LABELS.setdefault("feedback_transition", _("feedback item status changed"))
        VERB_LABELS.setdefault("feedback_read_identity", _("denouncer's identity read"))
