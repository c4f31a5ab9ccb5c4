from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "lantoa.documents"
    label = "documents"
    verbose_name = _("Report documents")

    def ready(self):
        from lantoa.core.selectors import VERB_LABELS

        for verb, label in {
            "report_template_upload": _("report template uploaded"),
            "report_template_activate": _("report template chosen"),
        }.items():
            VERB_LABELS.setdefault(verb, label)
