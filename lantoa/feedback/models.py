"""The feedback desk (R6.1–R6.2): questions, petitions, complaints, denunciations and correction requests
from every channel, in one intake; and the dated rules that set their legal clocks.

An item belongs to the unit that must answer it (`unit`) and to the place it came from (`area`); both
decide who may read it through the access gate.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lantoa.core.models import Dated
from lantoa.geo.models import Area
from lantoa.orgs.models import Unit
from lantoa.taxonomy.models import Topic

MAX_TEXT = 10_000  # a 50,000-character paste is refused with a message, never cut silently


class Kind(models.TextChoices):
    """The kind sets the legal clock (`ClockRule`)."""

    QUESTION = "question", _("Question")
    PETITION = "petition", _("Petition or report")  # kiến nghị, phản ánh (Law on Citizen Reception 2013)
    COMPLAINT = "complaint", _("Complaint")  # khiếu nại (Law on Complaints 2011)
    DENUNCIATION = "denunciation", _("Denunciation")  # tố cáo (Law on Denunciations 2018)
    CORRECTION = "correction", _("Correction of published information")  # Law on Access to Information Art. 22


class IntakeChannel(models.TextChoices):
    CONFERENCE = "conference", _("Conference or meeting")
    HOTLINE = "hotline", _("Hotline call")
    VISIT = "visit", _("Household visit")
    OFFICE = "office", _("At the office")
    PUBLIC_FORM = "public_form", _("Public web form")
    SMS = "sms", _("SMS reply")
    ZALO = "zalo", _("Zalo")
    LETTER = "letter", _("Letter")
    PRESS = "press", _("Press or social media")
    IMPORT = "import", _("Hotline log import")


class Status(models.TextChoices):
    """The lifecycle (`services.TRANSITIONS` says which move is allowed from where).

    NEW: received, nobody has looked at it. ACCEPTED: the unit takes it on (a complaint's acceptance step).
    TRANSFERRED: sent on to the competent unit with a reason; it is NEW there again (the asker is told).
    REFUSED: not accepted, with the legal reason (the asker is told). IN_PROGRESS: being handled.
    ANSWERED: the answer went (or is going) back to the asker. CLOSED: nothing more to do. A closed, refused or
    answered item may be reopened: it goes back to IN_PROGRESS, its clock restarting from the reopening.
    """

    NEW = "new", _("New")
    ACCEPTED = "accepted", _("Accepted")
    TRANSFERRED = "transferred", _("Transferred")
    REFUSED = "refused", _("Refused")
    IN_PROGRESS = "in_progress", _("In progress")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed")


OPEN_STATUSES = (Status.NEW, Status.ACCEPTED, Status.TRANSFERRED, Status.IN_PROGRESS)


class DayCount(models.TextChoices):
    WORKING = "working", _("working days")
    CALENDAR = "calendar", _("calendar days")


class ClockRule(Dated):
    """How long a unit has for one kind of item, in force for the items received in a period.

    The rule in force on the day an item arrives is the one that counts (the 01/09/2026 change to the
    correction deadline applies to items received from that day). A calendar-day period whose last day is a
    holiday or a weekend ends on the next working day (Civil Code 2015, Art. 148).
    """

    kind = models.CharField(_("kind"), max_length=15, choices=Kind.choices)
    day_count = models.CharField(_("days counted as"), max_length=10, choices=DayCount.choices)
    days = models.PositiveSmallIntegerField(_("time limit (days)"))
    complex_days = models.PositiveSmallIntegerField(_("time limit when complex"), null=True, blank=True)
    remote_days = models.PositiveSmallIntegerField(_("time limit in remote areas"), null=True, blank=True)
    remote_complex_days = models.PositiveSmallIntegerField(
        _("time limit in remote areas when complex"), null=True, blank=True
    )
    accept_days = models.PositiveSmallIntegerField(
        _("days to accept or refuse"), null=True, blank=True, help_text=_("Only for kinds with an acceptance step")
    )
    max_extensions = models.PositiveSmallIntegerField(_("extensions allowed"), default=0)
    extension_days = models.PositiveSmallIntegerField(_("days per extension"), default=0)
    legal_basis = models.CharField(_("legal basis"), max_length=300, blank=True)
    needs_confirmation = models.BooleanField(_("to be confirmed against the gazette"), default=False)

    class Meta(Dated.Meta):
        ordering = ["kind", "valid_from"]
        verbose_name = _("legal time limit")
        verbose_name_plural = _("legal time limits")

    def __str__(self):
        return f"{self.get_kind_display()}: {self.days} {self.get_day_count_display()}"


class Holiday(models.Model):
    """A day off for public offices: a public holiday, a Tết day, a compensatory day (data, yearly)."""

    date = models.DateField(_("date"), unique=True)
    name = models.CharField(_("name"), max_length=150)

    class Meta:
        ordering = ["date"]
        verbose_name = _("public holiday")
        verbose_name_plural = _("public holidays")

    def __str__(self):
        return f"{self.date:%d/%m/%Y} {self.name}"


def _tracking_code() -> str:
    # No 0/O/1/I: read out over the phone without mistakes.
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(8))


class Item(models.Model):
    """One question, petition, complaint, denunciation or correction request, from any channel."""

    code = models.CharField(_("tracking code"), max_length=12, unique=True, default=_tracking_code, editable=False)
    kind = models.CharField(_("kind"), max_length=15, choices=Kind.choices, default=Kind.QUESTION)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.NEW)
    channel = models.CharField(_("channel"), max_length=12, choices=IntakeChannel.choices)
    person = models.ForeignKey(
        "audience.Person",
        verbose_name=_("person in the registry"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="feedback_items",
    )
    anonymous = models.BooleanField(_("anonymous"), default=False)
    asker_name = models.CharField(_("name of the person asking"), max_length=150, blank=True)
    asker_phone = models.CharField(_("phone of the person asking"), max_length=20, blank=True, db_index=True)
    area = models.ForeignKey(
        Area,
        verbose_name=_("place (commune or hamlet)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="feedback_items",
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("responsible unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="feedback_items",
    )
    topic = models.ForeignKey(
        Topic, verbose_name=_("topic"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(_("content"))
    activity = models.ForeignKey(
        "activities.Activity",
        verbose_name=_("activity it came from"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="feedback_items",
    )
    # Where it came from outside the form: "inbound:<id>", "import:<file>:<row>", "portal".
    source_ref = models.CharField(max_length=120, blank=True)
    received_on = models.DateField(_("received on"), db_index=True)
    # The clock, worked out from the rule in force on `received_on` (or on the reopening day).
    clock_rule = models.ForeignKey(ClockRule, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    clock_start = models.DateField(_("clock starts"), null=True, blank=True)
    accept_due = models.DateField(_("accept or refuse by"), null=True, blank=True)
    due_on = models.DateField(_("answer due"), null=True, blank=True, db_index=True)
    is_complex = models.BooleanField(_("complex case"), default=False)
    is_remote = models.BooleanField(_("remote area"), default=False)
    extensions = models.PositiveSmallIntegerField(_("extensions"), default=0)
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handling officer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    answer = models.TextField(_("answer"), blank=True)
    first_answer_at = models.DateTimeField(_("first answered at"), null=True, blank=True)
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    reminded_on = models.DateField(null=True, blank=True, editable=False)  # the deadline reminder went out
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("entered at"), auto_now_add=True)
    search_key = models.CharField(max_length=400, editable=False, blank=True, db_index=True)
    is_demo = models.BooleanField(default=False, editable=False)

    class Meta:
        ordering = ["-received_on", "-id"]
        verbose_name = _("feedback item")
        verbose_name_plural = _("feedback items")
        indexes = [
            models.Index(fields=["unit", "status", "received_on"], name="feedback_unit_status_idx"),
            models.Index(fields=["area", "received_on"], name="feedback_area_day_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(text=""), name="feedback_item_text", violation_error_message=_("Enter the content.")
            )
        ]

    def __str__(self):
        return f"{self.code} — {self.text[:60]}"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("feedback:detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def record_date(self):
        return self.received_on

    @property
    def record_place(self):
        return self.area


def attachment_path(instance, filename):
    return f"feedback/{instance.item.received_on:%Y/%m}/{instance.item_id}/{filename}"


class Attachment(models.Model):
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=attachment_path)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.original_name


class Event(models.Model):
    """One line of an item's timeline: a status change, a transfer, an answer sent, an apology, a note."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("at"), auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_status = models.CharField(max_length=12, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=Status.choices, blank=True)
    from_unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    to_unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    note = models.TextField(_("note"), blank=True)
    # The message sent to the asker with this step (answer, transfer notice, apology), when one was.
    message = models.ForeignKey(
        "messaging.Message", null=True, blank=True, on_delete=models.SET_NULL, related_name="feedback_events"
    )

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.item_id}: {self.from_status} → {self.to_status}"
