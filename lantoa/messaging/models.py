"""Messages to people of the registry: templates, broadcasts to segments, reminders relative to a date,
the gateways they leave through, and everything that protects people (consent, opt-outs, quiet hours,
a daily cap — `Policy`, dated, since the rules come from Decree 91/2020 and may change)."""

import datetime as dt
import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lantoa.audience.models import Person, Segment
from lantoa.core.models import Dated
from lantoa.orgs.models import Unit
from lantoa.taxonomy.models import Topic


def _new_token() -> str:
    return secrets.token_urlsafe(24)


class ChannelKind(models.TextChoices):
    SMS = "sms", _("SMS")
    ZALO = "zalo", _("Zalo")


class Policy(Dated):
    """The rules in force for a period (Decree 91/2020 for advertising messages, applied to every message
    because it is unclear whether public-service notices count). The one in force on a day applies."""

    name = models.CharField(_("name"), max_length=200)
    send_from = models.TimeField(_("send from"), default=dt.time(7, 0))
    send_until = models.TimeField(_("send until"), default=dt.time(22, 0))
    max_per_day = models.PositiveSmallIntegerField(
        _("messages per person per 24 hours"), default=3, validators=[MinValueValidator(1)]
    )
    require_consent = models.BooleanField(_("consent required"), default=True)
    approval_threshold = models.PositiveIntegerField(
        _("approval by a second person above (recipients)"),
        default=100,
        help_text=_("A broadcast to more recipients than this must be approved by someone other than its author."),
    )
    basis = models.CharField(_("legal basis"), max_length=300, blank=True)

    class Meta(Dated.Meta):
        ordering = ["-valid_from"]
        verbose_name = _("messaging rules")
        verbose_name_plural = _("messaging rules")

    def __str__(self):
        return self.name


class GatewayConfig(models.Model):
    """How a unit's messages leave: the kind of gateway and its settings. A unit without its own uses the
    one of the unit above it, then the default (no unit)."""

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20)
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="gateways",
        help_text=_("Empty: the default for every unit without its own."),
    )
    active = models.BooleanField(_("active"), default=True)
    url = models.CharField(_("address (URL)"), max_length=300, blank=True)
    username = models.CharField(_("user name"), max_length=200, blank=True)
    password = models.CharField(_("password"), max_length=200, blank=True)
    api_key = models.CharField(_("API key"), max_length=300, blank=True)
    secret = models.CharField(_("secret key"), max_length=300, blank=True)
    sender = models.CharField(_("sender / brandname"), max_length=30, blank=True)
    timeout_seconds = models.FloatField(
        _("timeout (seconds)"), default=10.0, validators=[MinValueValidator(0.1), MaxValueValidator(120)]
    )
    rate_per_second = models.FloatField(
        _("messages per second"), default=0, help_text=_("0: no limit"), validators=[MinValueValidator(0)]
    )
    cost_per_part = models.DecimalField(_("cost per SMS part (VND)"), max_digits=10, decimal_places=0, default=0)
    max_attempts = models.PositiveSmallIntegerField(
        _("attempts before giving up"), default=5, validators=[MinValueValidator(1), MaxValueValidator(20)]
    )
    options = models.JSONField(_("other settings"), default=dict, blank=True)
    # Callback addresses carry this token: a provider's report is believed only with it.
    hook_token = models.CharField(max_length=40, default=_new_token, editable=False)
    # Shared rate limit: workers reserve sending time up to here (see dispatch.reserve).
    busy_until = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["unit__code", "name"]
        verbose_name = _("gateway")
        verbose_name_plural = _("gateways")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "kind"], condition=Q(active=True), name="messaging_gateway_one_per_unit_kind"
            )
        ]

    def __str__(self):
        return self.name


class Template(models.Model):
    """A message with fields ({ho_ten}, {ngay_den_han} …) filled in for each person."""

    name = models.CharField(_("name"), max_length=200)
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="message_templates")
    channel = models.CharField(_("channel"), max_length=5, choices=ChannelKind.choices, default=ChannelKind.SMS)
    body = models.TextField(_("text"))
    accent_free = models.BooleanField(
        _("send without diacritics"),
        default=False,
        help_text=_("Cheaper: 160 characters per SMS instead of 70."),
    )
    zns_template_id = models.CharField(
        _("Zalo ZNS template id"), max_length=40, blank=True, help_text=_("The template approved by Zalo.")
    )
    topics = models.ManyToManyField(Topic, verbose_name=_("topics"), blank=True, related_name="message_templates")
    # The library's SMS template this message reuses (R3): its review status shows on both sides.
    content = models.ForeignKey(
        "content.ContentItem",
        verbose_name=_("content library item"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="message_templates",
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    is_demo = models.BooleanField(default=False, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("message template")
        verbose_name_plural = _("message templates")

    def __str__(self):
        return self.name


class Broadcast(models.Model):
    """One template sent to one segment.

    Lifecycle (each change is a conditional update in `services`, so two people or workers cannot both
    make it):
    - DRAFT: being composed; recipients are only previewed.
    - APPROVED: ready; goes out at `scheduled_at` (or at once). Above the policy's threshold only someone
      other than the author may approve.
    - SENDING: the fan-out has started (messages are queued in batches, resumable from `cursor`) or the
      workers are sending them.
    - SENT: every message reached a final state (delivered, failed or cancelled) — a broadcast whose
      messages all failed is still SENT; the counts tell.
    - FAILED: the broadcast itself could not go out (its segment became empty, its template broke).
    - CANCELLED: stopped by a person before or while sending; queued messages are cancelled, sent ones
      stay sent.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        APPROVED = "approved", _("Approved")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    title = models.CharField(pgettext_lazy("messaging", "title"), max_length=200)
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="broadcasts")
    template = models.ForeignKey(Template, verbose_name=_("template"), on_delete=models.PROTECT, related_name="+")
    segment = models.ForeignKey(Segment, verbose_name=_("recipients"), on_delete=models.PROTECT, related_name="+")
    scheduled_at = models.DateTimeField(_("send at"), null=True, blank=True, help_text=_("Empty: as soon as approved"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    # Text as approved: a later edit of the template does not change what this broadcast sends.
    body = models.TextField(_("text"), blank=True)
    accent_free = models.BooleanField(_("without diacritics"), default=False)
    channel = models.CharField(_("channel"), max_length=5, choices=ChannelKind.choices, default=ChannelKind.SMS)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("author")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Fan-out progress: the last person id queued, and the people left out by rule.
    cursor = models.BigIntegerField(default=0)
    fanout_done = models.BooleanField(default=False)
    queued = models.PositiveIntegerField(_("queued"), default=0)
    excluded = models.JSONField(_("left out"), default=dict, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    is_demo = models.BooleanField(default=False, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = pgettext_lazy("messaging", "broadcast")
        verbose_name_plural = pgettext_lazy("messaging", "broadcasts")
        indexes = [models.Index(fields=["status", "scheduled_at"])]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("messaging:broadcast", args=[self.pk])


class Reminder(models.Model):
    """A message N days before or after a date of each person (RapidPro's campaign events), at a time of
    day. Each (reminder, person, date) is sent at most once; a changed date gets its own reminder and a
    queued one for the old date is dropped."""

    class Field(models.TextChoices):
        NEXT_DUE = "next_due_date", _("next payment due")
        CONSENT = "consent_date", _("consent date")

    class Direction(models.TextChoices):
        BEFORE = "before", _("before")
        AFTER = "after", _("after")

    name = models.CharField(_("name"), max_length=200)
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="reminders")
    template = models.ForeignKey(Template, verbose_name=_("template"), on_delete=models.PROTECT, related_name="+")
    segment = models.ForeignKey(
        Segment,
        verbose_name=_("only for"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty: everyone the unit keeps who has the date"),
    )
    field = models.CharField(_("date field"), max_length=20, choices=Field.choices, default=Field.NEXT_DUE)
    days = models.PositiveSmallIntegerField(_("days"), default=7, validators=[MaxValueValidator(366)])
    direction = models.CharField(_("before or after"), max_length=6, choices=Direction.choices, default="before")
    send_at = models.TimeField(_("at"), default=dt.time(8, 0))
    late_days = models.PositiveSmallIntegerField(
        _("still send up to (days late)"),
        default=3,
        validators=[MaxValueValidator(30)],
        help_text=_("When the date is entered or moved after its reminder day, or the system was off."),
    )
    active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    last_run_on = models.DateField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")

    def __str__(self):
        return self.name

    @property
    def offset(self) -> int:
        """Days from the person's date to the reminder day."""
        return -self.days if self.direction == self.Direction.BEFORE else self.days


class Message(models.Model):
    """One message to one person. `key` makes queueing the same message twice a no-op:
    "b:<broadcast>:<person>", "r:<reminder>:<person>:<date>".

    Status: QUEUED (waiting: `not_before` holds quiet hours, back-off and the daily cap) → SENDING (a worker
    holds it until `lease_until` and is talking to the provider) → SENT (the provider accepted it) →
    DELIVERED / FAILED (the provider's report, with its reason). CANCELLED: its broadcast was cancelled,
    the person opted out or the reminder's date moved before it went out.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    key = models.CharField(max_length=60, unique=True)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="messages")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    broadcast = models.ForeignKey(Broadcast, null=True, blank=True, on_delete=models.CASCADE, related_name="messages")
    reminder = models.ForeignKey(Reminder, null=True, blank=True, on_delete=models.CASCADE, related_name="messages")
    template = models.ForeignKey(Template, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    anchor_date = models.DateField(null=True, blank=True)  # the reminder's date value it was made for
    gateway = models.ForeignKey(GatewayConfig, on_delete=models.PROTECT, related_name="messages")
    channel = models.CharField(max_length=5, choices=ChannelKind.choices, default=ChannelKind.SMS)
    phone = models.CharField(max_length=16)
    text = models.TextField()
    params = models.JSONField(default=dict, blank=True)  # Zalo ZNS: the template's field values
    unicode = models.BooleanField(default=True)
    parts = models.PositiveSmallIntegerField(default=1)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    not_before = models.DateTimeField()
    lease_until = models.DateTimeField(null=True, blank=True)
    lease_token = models.CharField(max_length=32, blank=True)
    provider_id = models.CharField(max_length=100, blank=True, db_index=True)
    queued_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    is_demo = models.BooleanField(default=False, editable=False)

    class Meta:
        ordering = ["-queued_at", "-id"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        indexes = [
            models.Index(fields=["status", "not_before"]),
            models.Index(fields=["phone", "sent_at"]),
            models.Index(fields=["broadcast", "status"]),
        ]

    def __str__(self):
        return f"{self.key} → {self.phone} ({self.status})"


class OutboxEntry(models.Model):
    """What the local outbox gateway "delivered": one row per message (written at most once)."""

    message_id = models.BigIntegerField(unique=True)
    phone = models.CharField(max_length=16)
    text = models.TextField()
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self):
        return f"{self.message_id} → {self.phone}"


class OptOut(models.Model):
    """A number that must not get messages: a reply "TC"/"HUY"/"STOP", a hand entry, or the national
    Do-Not-Call list. Removing one is a deliberate, audited act (`services.optout_remove`)."""

    class Source(models.TextChoices):
        REPLY = "reply", _("reply")
        HAND = "hand", _("by hand")
        DNC = "dnc", _("Do-Not-Call list")

    phone = models.CharField(_("phone"), max_length=16, unique=True)
    source = models.CharField(_("source"), max_length=5, choices=Source.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    # The unit that recorded it (the officer's unit; for a reply, the unit whose message was answered, else
    # the gateway's): who sees it besides the people's own units (`selectors.optout_list`). Empty: the
    # national Do-Not-Call list or a reply to the default gateway from a number nobody messaged.
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("since"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("opt-out")
        verbose_name_plural = _("opt-outs")

    def __str__(self):
        return self.phone


class ReportLog(models.Model):
    """Every delivery report received, also the duplicated, late and unknown ones (nothing is dropped)."""

    class Outcome(models.TextChoices):
        APPLIED = "applied", _("applied")
        DUPLICATE = "duplicate", _("duplicate")
        UNKNOWN = "unknown", _("unknown message")
        STALE = "stale", _("older than the status")

    message = models.ForeignKey(Message, null=True, blank=True, on_delete=models.SET_NULL, related_name="reports")
    # The gateway whose hook received it (reports are matched only to that gateway's messages).
    gateway = models.ForeignKey(GatewayConfig, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    gateway_kind = models.CharField(max_length=20)
    status = models.CharField(max_length=10)
    reason = models.CharField(max_length=300, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    raw = models.JSONField(default=dict)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at", "-id"]

    def __str__(self):
        return f"{self.gateway_kind} {self.status} ({self.outcome})"


class Inbound(models.Model):
    """A message people sent us (replies): kept, matched to people by number, acted on when it is an opt-out."""

    class Action(models.TextChoices):
        OPT_OUT = "opt_out", _("opted out")
        UNKNOWN_NUMBER = "unknown", _("unknown number")
        NONE = "none", _("kept")

    # The gateway whose hook received it: a reply is shown to the gateway's unit and to the units that keep
    # the number (`selectors.inbound_list`).
    gateway = models.ForeignKey(GatewayConfig, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    gateway_kind = models.CharField(max_length=20)
    phone = models.CharField(_("from"), max_length=20)
    text = models.TextField(_("text"))
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    people = models.PositiveIntegerField(_("people with this number"), default=0)
    raw = models.JSONField(default=dict)
    received_at = models.DateTimeField(_("received"), auto_now_add=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("incoming message")
        verbose_name_plural = _("incoming messages")

    def __str__(self):
        return f"{self.phone}: {self.text[:30]}"
