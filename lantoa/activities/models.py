from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lantoa.activities.kinds import Channel, Kind
from lantoa.geo.models import Area
from lantoa.orgs.models import Unit
from lantoa.taxonomy.models import TargetGroup, Topic


class Campaign(models.Model):
    """A campaign (§III.3): the May "Month of universal BHXH", holidays and themes."""

    class Type(models.TextChoices):
        MAY = "may", _("Month of universal BHXH (May)")
        HOLIDAY = "holiday", _("Holiday campaign")
        THEMATIC = "thematic", _("Thematic campaign")

    name = models.CharField(_("name"), max_length=200)
    type = models.CharField(_("type"), max_length=10, choices=Type.choices)
    theme = models.CharField(_("theme"), max_length=300, blank=True)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    organiser = models.ForeignKey(Unit, verbose_name=_("organiser"), on_delete=models.PROTECT, related_name="campaigns")
    units = models.ManyToManyField(
        Unit, verbose_name=_("participating units"), blank=True, related_name="campaigns_joined"
    )
    note = models.TextField(_("note"), blank=True)
    search_key = models.CharField(max_length=300, editable=False, db_index=True)
    is_demo = models.BooleanField(_("demo data"), default=False, editable=False)

    class Meta:
        ordering = ["-start_date"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")),
                name="activities_campaign_dates",
                violation_error_message=_("The end date must be after the start date."),
            )
        ]

    def __str__(self):
        return self.name


class CampaignTarget(models.Model):
    """A campaign's own target, computed from the activities linked to it."""

    class Measure(models.TextChoices):
        ACTIVITIES = "activities", _("activities held")
        PEOPLE = "people", _("people reached")
        SIGNUPS = "signups", _("voluntary-BHXH sign-ups")
        VSSID = "vssid", _("VssID logins set up")

    campaign = models.ForeignKey(Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="targets")
    measure = models.CharField(_("measure"), max_length=12, choices=Measure.choices)
    value = models.PositiveIntegerField(_("target"))

    class Meta:
        verbose_name = _("campaign target")
        verbose_name_plural = _("campaign targets")
        constraints = [models.UniqueConstraint(fields=["campaign", "measure"], name="activities_campaign_measure")]

    def __str__(self):
        return f"{self.get_measure_display()}: {self.value}"


class Activity(models.Model):
    """One communication activity of a unit (R2.2), planned, done or cancelled."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    title = models.CharField(_("activity name"), max_length=300)
    kind = models.CharField(_("form"), max_length=20, choices=Kind.choices)
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices)
    # Derived from the channel by the service (§II.2.4); kept for fast counting of T6.
    modern = models.BooleanField(_("modern form"), default=False, editable=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DONE)
    start_date = models.DateField(_("date"))
    end_date = models.DateField(_("end date"), null=True, blank=True, help_text=_("Only if it lasted several days"))
    organiser = models.ForeignKey(
        Unit, verbose_name=_("organiser"), on_delete=models.PROTECT, related_name="activities"
    )
    co_organisers = models.ManyToManyField(
        Unit, verbose_name=_("co-organisers"), blank=True, related_name="co_activities"
    )
    area = models.ForeignKey(
        Area, verbose_name=_("place (commune or hamlet)"), on_delete=models.PROTECT, related_name="activities"
    )
    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("campaign"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="activities",
    )
    topics = models.ManyToManyField(Topic, verbose_name=_("topics"), blank=True, related_name="activities")
    content_used = models.ManyToManyField(
        "content.ContentItem", verbose_name=_("content used"), blank=True, related_name="activities"
    )
    participants = models.PositiveIntegerField(_("people present"), default=0, editable=False)
    estimated_reach = models.PositiveIntegerField(
        _("estimated reach"),
        null=True,
        blank=True,
        help_text=_("For leaflets, posts and pieces without named people: an estimate, shown apart"),
    )
    materials = models.CharField(_("materials used"), max_length=300, blank=True)
    material_quantity = models.PositiveIntegerField(_("quantity of materials"), null=True, blank=True)
    cost = models.DecimalField(_("cost (VND)"), max_digits=14, decimal_places=0, null=True, blank=True)
    signups = models.PositiveIntegerField(_("voluntary-BHXH sign-ups"), default=0)
    vssid_logins = models.PositiveIntegerField(_("people left with a working VssID login"), default=0)
    questions = models.PositiveIntegerField(_("questions and feedback collected"), default=0)
    link = models.URLField(_("link"), blank=True)
    views = models.PositiveIntegerField(_("views"), null=True, blank=True)
    interactions = models.PositiveIntegerField(_("likes, shares and comments"), null=True, blank=True)
    note = models.TextField(_("results and notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("entered by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("entered at"), auto_now_add=True)
    search_key = models.CharField(max_length=400, editable=False, db_index=True)
    is_demo = models.BooleanField(_("demo data"), default=False, editable=False)

    class Meta:
        ordering = ["-start_date", "-id"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        indexes = [models.Index(fields=["status", "start_date"]), models.Index(fields=["kind", "start_date"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="activities_activity_dates",
                violation_error_message=_("The end date must be after the start date."),
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("activities:detail", args=[self.pk])

    @property
    def record_date(self):
        return self.start_date

    @property
    def record_place(self):
        return self.area


class Audience(models.Model):
    """How many people of a target group an activity reached."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="audiences")
    group = models.ForeignKey(TargetGroup, verbose_name=_("target group"), on_delete=models.PROTECT)
    headcount = models.PositiveIntegerField(_("people"))

    class Meta:
        verbose_name = _("audience")
        verbose_name_plural = _("audiences")
        constraints = [models.UniqueConstraint(fields=["activity", "group"], name="activities_audience_group")]

    def __str__(self):
        return f"{self.group}: {self.headcount}"


def evidence_path(instance, filename):
    return f"evidence/{instance.activity.start_date:%Y/%m}/{instance.activity_id}/{filename}"


class Evidence(models.Model):
    """A photo or attendance sheet proving an activity."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(_("file"), upload_to=evidence_path)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")

    def __str__(self):
        return self.original_name
