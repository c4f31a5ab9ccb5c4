"""Coordination and direction (R7.3, R7.4): leaders informed (M1), units' annual plans (M2), coordination
agreements and their reviews (M3), inspections and awards.

Leaders are not stored here: they are the staff-list postings with `is_leader` (audience.StaffPosting),
dated, so "the leaders of unit X" always means those in post on the day in question.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from lantoa.audience.models import Person
from lantoa.orgs.models import Unit
from lantoa.taxonomy.models import Topic

PLAN_MAX_BYTES = 10 * 1024 * 1024


def _user_fk(verbose_name):
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=verbose_name,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )


class LeaderContact(models.Model):
    """A leader's e-mail address, kept here rather than on the registry's Person (few people have one,
    and only leaders are written to)."""

    person = models.OneToOneField(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="leader_contact"
    )
    email = models.EmailField(_("e-mail"))
    updated_at = models.DateTimeField(auto_now=True)
    is_demo = models.BooleanField(default=False, editable=False)

    class Meta:
        verbose_name = _("leader's e-mail")
        verbose_name_plural = _("leaders' e-mails")

    def __str__(self):
        return f"{self.person} <{self.email}>"


class Briefing(models.Model):
    """Information given to leaders: a conference, an e-mail, an official document, a training (M1)."""

    class Kind(models.TextChoices):
        CONFERENCE = "conference", _("Conference")
        EMAIL = "email", _("E-mail")
        DOCUMENT = "document", _("Official document (công văn)")
        TRAINING = "training", _("Training")

    date = models.DateField(_("date"), db_index=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=255)
    topics = models.ManyToManyField(Topic, verbose_name=_("topics"), blank=True, related_name="briefings")
    document_number = models.CharField(_("document number"), max_length=60, blank=True)
    unit = models.ForeignKey(
        Unit, verbose_name=_("giving unit"), on_delete=models.PROTECT, related_name="briefings_given"
    )
    # "All leaders of units X, Y": kept as said; the people are resolved into `leaders` when saved.
    informed_units = models.ManyToManyField(
        Unit, verbose_name=_("units informed"), blank=True, related_name="briefings_received"
    )
    leaders = models.ManyToManyField(Person, verbose_name=_("leaders informed"), blank=True, related_name="briefings")
    body = models.TextField(_("content"), blank=True)
    note = models.TextField(_("note"), blank=True)
    created_by = _user_fk(_("recorded by"))
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    is_demo = models.BooleanField(default=False, editable=False)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("briefing of leaders")
        verbose_name_plural = _("briefings of leaders")

    def __str__(self):
        return f"{self.date:%d/%m/%Y} {self.title}"

    def get_absolute_url(self):
        return reverse("coordination:briefing", args=[self.pk])

    @property
    def record_date(self):
        return self.date


class UnitPlan(models.Model):
    """A unit's (or commune's) yearly BHXH communication plan (M2)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        FILED = "filed", _("Filed")
        ACCEPTED = "accepted", _("Accepted")

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="annual_plans")
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=255)
    document = models.FileField(_("plan document"), upload_to="coordination/plans/%Y/", blank=True)
    filed_on = models.DateField(_("filed on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accepted by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True, editable=False)
    note = models.TextField(_("note"), blank=True)
    created_by = _user_fk(_("recorded by"))
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    is_demo = models.BooleanField(default=False, editable=False)

    class Meta:
        ordering = ["-year", "unit__search_key"]
        verbose_name = _("annual plan")
        verbose_name_plural = _("annual plans")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year"],
                name="coordination_one_plan_per_unit_year",
                violation_error_message=_("This unit already has a plan for that year."),
            )
        ]

    def __str__(self):
        return f"{self.unit} — {self.year}: {self.title}"

    def get_absolute_url(self):
        return reverse("coordination:plan", args=[self.pk])

    @property
    def record_date(self):
        return self.filed_on


class PlanReminder(models.Model):
    """A reminder sent to a unit without a plan for the year: one per (unit, year), so the daily job
    never sends it twice."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField(auto_now_add=True)
    recipients = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="coordination_reminder_once")]

    def __str__(self):
        return f"{self.unit} {self.year}"


class Agreement(models.Model):
    """A coordination programme (quy chế / chương trình phối hợp) between units (M3)."""

    title = models.CharField(_("title"), max_length=255)
    number = models.CharField(_("number"), max_length=60, blank=True)
    parties = models.ManyToManyField(Unit, verbose_name=_("parties"), related_name="agreements")
    signed_on = models.DateField(_("signed on"))
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"), null=True, blank=True)
    content = models.TextField(_("content"), blank=True)
    created_by = _user_fk(_("recorded by"))
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    is_demo = models.BooleanField(default=False, editable=False)

    class Meta:
        ordering = ["-signed_on", "-id"]
        verbose_name = _("coordination agreement")
        verbose_name_plural = _("coordination agreements")
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__isnull=True) | Q(period_end__gte=models.F("period_start")),
                name="coordination_agreement_period",
                violation_error_message=_("The agreement cannot end before it starts."),
            )
        ]

    def __str__(self):
        return f"{self.number} {self.title}".strip()

    def get_absolute_url(self):
        return reverse("coordination:agreement", args=[self.pk])


class AgreementReview(models.Model):
    """A review of an agreement: sơ kết (interim) or tổng kết (final), and whether it was signed again."""

    class Kind(models.TextChoices):
        INTERIM = "interim", _("Interim review (sơ kết)")
        FINAL = "final", _("Final review (tổng kết)")

    agreement = models.ForeignKey(
        Agreement, verbose_name=_("agreement"), on_delete=models.CASCADE, related_name="reviews"
    )
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    outcome = models.TextField(_("outcome"))
    re_signed = models.BooleanField(_("signed again / next period considered"), default=False)
    next_agreement = models.ForeignKey(
        Agreement,
        verbose_name=_("next agreement"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="preceding_reviews",
    )
    created_by = _user_fk(_("recorded by"))
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    is_demo = models.BooleanField(default=False, editable=False)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("agreement review")
        verbose_name_plural = _("agreement reviews")

    def __str__(self):
        return f"{self.get_kind_display()} {self.date:%d/%m/%Y} — {self.agreement}"

    def get_absolute_url(self):
        return reverse("coordination:agreement", args=[self.agreement_id])

    @property
    def record_date(self):
        return self.date


class Inspection(models.Model):
    """An inspection, supervision or review of a unit's communication work (R7.4)."""

    class Kind(models.TextChoices):
        INSPECTION = "inspection", _("Inspection (kiểm tra)")
        SUPERVISION = "supervision", _("Supervision (giám sát)")
        INTERIM = "interim", _("Interim review (sơ kết)")
        FINAL = "final", _("Final review (tổng kết)")

    unit = models.ForeignKey(Unit, verbose_name=_("unit inspected"), on_delete=models.PROTECT, related_name="+")
    inspecting_unit = models.ForeignKey(
        Unit, verbose_name=_("inspecting unit"), on_delete=models.PROTECT, related_name="+"
    )
    date = models.DateField(_("date"), db_index=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    findings = models.TextField(_("findings"))
    recommendations = models.TextField(_("recommendations"), blank=True)
    created_by = _user_fk(_("recorded by"))
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    is_demo = models.BooleanField(default=False, editable=False)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")

    def __str__(self):
        return f"{self.date:%d/%m/%Y} {self.get_kind_display()} — {self.unit}"

    def get_absolute_url(self):
        return reverse("coordination:inspection", args=[self.pk])


class Award(models.Model):
    """A commendation (giấy khen, bằng khen) to a person of the registry or to a unit / organisation."""

    date = models.DateField(_("date"), db_index=True)
    title = models.CharField(_("award"), max_length=200, help_text=_("e.g. Giấy khen, Bằng khen"))
    awarded_by = models.ForeignKey(Unit, verbose_name=_("awarded by"), on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(
        Person, verbose_name=_("person awarded"), null=True, blank=True, on_delete=models.PROTECT, related_name="awards"
    )
    recipient_unit = models.ForeignKey(
        Unit, verbose_name=_("unit awarded"), null=True, blank=True, on_delete=models.PROTECT, related_name="awards"
    )
    recipient_name = models.CharField(
        _("organisation awarded"), max_length=255, blank=True, help_text=_("When it is not a unit of the list")
    )
    reason = models.TextField(_("reason"), blank=True)
    decision_number = models.CharField(_("decision number"), max_length=60, blank=True)
    created_by = _user_fk(_("recorded by"))
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    is_demo = models.BooleanField(default=False, editable=False)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("award")
        verbose_name_plural = _("awards")

    def __str__(self):
        return f"{self.date:%d/%m/%Y} {self.title} — {self.recipient}"

    def get_absolute_url(self):
        return reverse("coordination:award", args=[self.pk])

    @property
    def recipient(self) -> str:
        if self.person_id:
            return str(self.person)
        if self.recipient_unit_id:
            return str(self.recipient_unit)
        return self.recipient_name
