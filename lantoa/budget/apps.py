from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BudgetConfig(AppConfig):
    name = "lantoa.budget"
    label = "budget"
    verbose_name = _("Budget")

    def ready(self):
        from lantoa.activities.views import detail_links
        from lantoa.budget.views import activity_budget_link
        from lantoa.core.selectors import VERB_LABELS

        if activity_budget_link not in detail_links:
            detail_links.append(activity_budget_link)
        for verb, label in {
            "budget_estimate_save": _("budget estimate saved"),
            "budget_estimate_check": _("budget estimate checked"),
            "budget_line_save": _("spending line saved"),
            "budget_line_check": _("spending line checked"),
            "budget_line_delete": _("spending line deleted"),
        }.items():
            VERB_LABELS.setdefault(verb, label)
