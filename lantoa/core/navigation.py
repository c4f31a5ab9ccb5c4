"""The sections of the product, in menu order. Sections still to be built say what they will hold."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    url_name: str
    coming: str = ""  # what will be here; empty once the section is built
    requirement: str = ""


SECTIONS = [
    Section("dashboard", _("Dashboard"), "plans:dashboard"),
    Section("plans", _("Plans and targets"), "plans:list"),
    Section("activities", _("Activities"), "activities:list"),
    Section("radio", _("Commune radio"), "radio:list"),
    Section("campaigns", _("Campaigns"), "activities:campaigns"),
    Section("audience", _("People and employers"), "audience:list"),
    Section("messaging", _("SMS and Zalo"), "messaging:list"),
    Section("content", _("Content library"), "content:list"),
    Section("team", _("Team and training"), "team:list"),
    Section("coordination", _("Coordination and direction"), "coordination:list"),
    Section("feedback", _("Feedback and public opinion"), "feedback:list"),
    Section("leads", _("Join requests"), "public:lead_list"),
    Section("budget", _("Budget"), "budget:list"),
    Section("reports", _("Reports"), "reports:list"),
    Section("areas", _("Areas"), "geo:list"),
    Section("units", _("Units"), "orgs:list"),
]

SECTION_BY_KEY = {s.key: s for s in SECTIONS}
