from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContentConfig(AppConfig):
    name = "lantoa.content"
    label = "content"
    verbose_name = _("Content library")

    def ready(self):
        from lantoa.activities.views import detail_links
        from lantoa.content import kpi  # noqa: F401  (implements T5)
        from lantoa.content.views import activity_content_link
        from lantoa.core.selectors import VERB_LABELS

        detail_links.append(activity_content_link)
        VERB_LABELS.setdefault("content_save", _("content saved"))
        VERB_LABELS.setdefault("content_submit", _("content sent for review"))
        VERB_LABELS.setdefault("content_approved", _("content approved"))
        VERB_LABELS.setdefault("content_rejected", _("content rejected"))
