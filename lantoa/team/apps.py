from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TeamConfig(AppConfig):
    name = "lantoa.team"
    label = "team"
    verbose_name = _("Team and training")

    def ready(self):
        from lantoa.activities.views import detail_links
        from lantoa.audience.views import person_links
        from lantoa.core.selectors import VERB_LABELS
        from lantoa.team import imports, kpi  # noqa: F401  (T1; the "team" import layout registers itself)
        from lantoa.team.views import activity_trainees_link, person_roles_link

        detail_links.append(activity_trainees_link)
        person_links.append(person_roles_link)
        VERB_LABELS.setdefault("team_member_save", _("team member saved"))
        VERB_LABELS.setdefault("team_member_end", _("team member's role ended"))
        VERB_LABELS.setdefault("training_attendance_add", _("trainee added to a class"))
        VERB_LABELS.setdefault("training_attendance_mark", _("trainee's attendance marked"))
        VERB_LABELS.setdefault("training_attendance_remove", _("trainee removed from a class"))
        VERB_LABELS.setdefault("import_team", _("team members imported"))
