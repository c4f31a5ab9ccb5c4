"""The communication team (R7.1) and who of it was trained (R7.2).

A team member is a person of the registry holding one team role in a unit and an area for a period; a
person holding two roles has two rows. A training class is an ordinary activity of kind "training"
(`lantoa.activities`); `TrainingAttendance` records which members attended and completed it.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lantoa.activities.kinds import Kind
from lantoa.activities.models import Activity
from lantoa.audience.models import Person
from lantoa.core.models import Dated
from lantoa.geo.models import Area
from lantoa.orgs.models import Unit


class Role(models.TextChoices):
    COLLABORATOR = "collaborator", _("Collaborator")
    INSURANCE_STAFF = "insurance_staff", _("Insurance-office staff")
    COLLECTION_AGENT = "collection_agent", _("Collection agent")
    REPORTER = "reporter", _("District reporter")
    HAMLET_HEAD = "hamlet_head", _("Hamlet head")
    PRESTIGIOUS = "prestigious", _("Prestigious person")
    RELIGIOUS = "religious", _("Religious dignitary")


class TeamMember(Dated):
    """One person in one team role (valid_from / valid_to: the period the role was held)."""

    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="team_roles")
    role = models.CharField(_("team role"), max_length=20, choices=Role.choices)
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="team_members")
    area = models.ForeignKey(
        Area,
        verbose_name=_("commune or hamlet"),
        on_delete=models.PROTECT,
        related_name="team_members",
        limit_choices_to={"level__in": [Area.Level.COMMUNE, Area.Level.HAMLET]},
    )
    organisation = models.CharField(
        _("organisation"), max_length=200, blank=True, help_text=_("E.g. “Bưu điện huyện” for a collection agent")
    )
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, editable=False, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    is_demo = models.BooleanField(_("demo data"), default=False, editable=False)

    class Meta(Dated.Meta):
        ordering = ["person__name_key", "role", "-valid_from", "id"]
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        indexes = [models.Index(fields=["role", "unit"]), models.Index(fields=["valid_from", "valid_to"])]

    def __str__(self):
        return f"{self.person} — {self.get_role_display()}"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("team:detail", args=[self.pk])

    # What the indicator pages show for a record behind a figure.
    @property
    def record_date(self):
        return self.valid_from

    @property
    def record_place(self):
        return self.area


class TrainingAttendance(models.Model):
    """A team member on the list of one training class: attended, and completed (what T1 counts)."""

    activity = models.ForeignKey(
        Activity,
        verbose_name=_("training class"),
        on_delete=models.CASCADE,
        related_name="training_attendance",
        limit_choices_to={"kind": Kind.TRAINING},
    )
    member = models.ForeignKey(
        TeamMember, verbose_name=_("team member"), on_delete=models.PROTECT, related_name="trainings"
    )
    attended = models.BooleanField(_("attended"), default=True)
    completed = models.BooleanField(_("completed"), default=False)
    note = models.CharField(_("note"), max_length=300, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False, editable=False)

    class Meta:
        ordering = ["member__person__name_key", "id"]
        verbose_name = _("training attendance")
        verbose_name_plural = _("training attendance")
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "member"],
                name="team_attendance_once",
                violation_error_message=_("This member is already on the class list."),
            ),
            models.CheckConstraint(
                condition=Q(completed=False) | Q(attended=True),
                name="team_attendance_completed_attended",
                violation_error_message=_("A trainee who did not attend cannot have completed the class."),
            ),
        ]

    def __str__(self):
        return f"{self.member} @ {self.activity}"
