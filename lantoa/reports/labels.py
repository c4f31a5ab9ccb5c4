"""Names of the figures a report carries, for screens, documents and sheets."""

from django.utils.translation import gettext_lazy as _

TOTAL_LABELS = {
    "activities": _("Activities held"),
    "participants": _("People present"),
    "estimated_reach": _("People reached (estimated)"),
    "people_reached": _("People reached (counted by name)"),
    "trainings": _("Training sessions"),
    "trainees": _("Trainees who attended"),
    "trainees_completed": _("Trainees who completed"),
    "messages_sent": _("SMS and Zalo messages sent"),
    "messages_delivered": _("Messages delivered"),
    "content_used": _("Content items used"),
    "questions": _("Questions and feedback collected"),
    "signups": _("Voluntary-BHXH sign-ups"),
    "vssid_logins": _("VssID logins set up"),
}

STATUS_LABELS = {
    "met": _("met"),
    "on_track": _("on track"),
    "behind": _("not met"),
    "no_data": _("no data yet"),
    "reported": _("reported"),
    "retired": _("not pursued"),
}


def total_label(key: str) -> str:
    return str(TOTAL_LABELS.get(key, key))


def status_label(status: str) -> str:
    return str(STATUS_LABELS.get(status, status))
