from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def valid_on(day, prefix: str = "") -> models.Q:
    """Rows of a dated model (see `Dated`) in force on `day`; `prefix` reaches a related one ("unit__")."""
    return (models.Q(**{f"{prefix}valid_from__isnull": True}) | models.Q(**{f"{prefix}valid_from__lte": day})) & (
        models.Q(**{f"{prefix}valid_to__isnull": True}) | models.Q(**{f"{prefix}valid_to__gte": day})
    )


class Dated(models.Model):
    """Something in force for a period: an area, a unit, someone's posting. Empty ends are open."""

    valid_from = models.DateField(_("from"), null=True, blank=True, help_text=_("Leave empty if not known"))
    valid_to = models.DateField(_("until"), null=True, blank=True, help_text=_("Leave empty while in force"))

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True)
                | models.Q(valid_from__isnull=True)
                | models.Q(valid_to__gte=models.F("valid_from")),
                name="%(app_label)s_%(class)s_valid_range",
                violation_error_message=_("The end date must be after the start date."),
            )
        ]

    def is_valid_on(self, day) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day <= self.valid_to)


class AuditLog(models.Model):
    """One row per write: who, when, what, and each changed field as [old, new]."""

    class Action(models.TextChoices):
        CREATE = "create", _("Created")
        UPDATE = "update", _("Updated")
        DELETE = "delete", _("Deleted")
        ACTION = "action", _("Action")

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_name = models.CharField(_("by (name)"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    verb = models.CharField(_("what happened"), max_length=80, blank=True)
    target_type = models.CharField(_("record type"), max_length=100, db_index=True)
    target_id = models.CharField(_("record id"), max_length=64, db_index=True)
    target_repr = models.CharField(_("record"), max_length=255)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    note = models.TextField(_("note"), blank=True)
    source = models.CharField(_("source"), max_length=20, default="app")
    # Accent-free text of record, actor and note: "buu dien" finds "Bưu điện".
    search_text = models.TextField(editable=False, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit record")
        verbose_name_plural = _("audit log")
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.target_repr}"


class ScheduledRun(models.Model):
    """A periodic job's run for one time slot; the unique pair keeps two schedulers from doubling it."""

    job = models.CharField(max_length=100)
    slot = models.CharField(max_length=40)
    enqueued_at = models.DateTimeField(auto_now_add=True)
    task_id = models.CharField(max_length=64, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["job", "slot"], name="core_scheduledrun_job_slot_unique")]

    def __str__(self):
        return f"{self.job}@{self.slot}"
