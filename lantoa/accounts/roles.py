"""The roles of REQUIREMENTS.md and what each may do. One table, read by the access gate."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    COORDINATOR = "coordinator", _("Coordinator (labour office)")
    INSURANCE = "insurance", _("Insurance office")
    CULTURE = "culture", _("Culture office")
    FINANCE = "finance", _("Finance office")
    UNIT_OFFICER = "unit_officer", _("Unit officer")
    COMMUNE_OFFICER = "commune_officer", _("Commune officer")
    COLLABORATOR = "collaborator", _("Collaborator")
    LEADER = "leader", _("Leader (read only)")
    ADMIN = "admin", _("System administrator")


# Roles whose work spans the whole plan: they read every unit's and every commune's records.
# The insurance office runs district-wide trainings, radio and SMS and reports to the province;
# the finance office checks every unit's spending.
SEES_ALL = {Role.COORDINATOR, Role.LEADER, Role.ADMIN, Role.INSURANCE, Role.FINANCE}
# Roles that may only read.
READ_ONLY = {Role.LEADER}
# Roles that may read the audit log.
AUDIT_READERS = {Role.COORDINATOR, Role.ADMIN}
# Roles that may edit plans, indicators and targets.
PLAN_EDITORS = {Role.COORDINATOR, Role.ADMIN}
# Roles that may manage units, areas and accounts.
ORG_EDITORS = {Role.COORDINATOR, Role.ADMIN}
# Roles that may compose, approve and send messages (SMS, Zalo) to people of their scope.
MESSAGE_SENDERS = {Role.COORDINATOR, Role.INSURANCE, Role.CULTURE, Role.UNIT_OFFICER, Role.COMMUNE_OFFICER, Role.ADMIN}
# Roles that may review (approve or reject) content of the library; never their own (R3.2).
CONTENT_REVIEWERS = {Role.COORDINATOR, Role.INSURANCE, Role.CULTURE, Role.ADMIN}
# Roles that may see personal data (phone, CCCD) of people outside their own unit.
PERSONAL_DATA_READERS = {Role.COORDINATOR, Role.ADMIN, Role.INSURANCE}


def role_of(user) -> str | None:
    if not getattr(user, "is_authenticated", False):
        return None
    if user.is_superuser:
        return Role.ADMIN
    return user.role or None


def has_role(user, roles) -> bool:
    return role_of(user) in roles
