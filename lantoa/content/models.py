"""The content library (R3): articles, leaflets, radio scripts, video links, slides and SMS templates,
tagged with the topics of §III.1 (the 11 reform contents of 28-NQ/TW among them), kept in versions and
reviewed before use: draft → in review → approved / rejected (with a reason), by a reviewer who is not
the author. Activities, radio broadcasts and message templates point to the items they used."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lantoa.orgs.models import Unit
from lantoa.taxonomy.models import Topic


class ContentItem(models.Model):
    class Kind(models.TextChoices):
        ARTICLE = "article", _("Article")
        LEAFLET = "leaflet", _("Leaflet")
        RADIO_SCRIPT = "radio_script", _("Radio script")
        VIDEO = "video", _("Video link")
        SLIDES = "slides", _("Slides")
        SMS = "sms", _("SMS template")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_REVIEW = "in_review", _("In review")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=300)
    unit = models.ForeignKey(Unit, verbose_name=_("owner unit"), on_delete=models.PROTECT, related_name="content_items")
    topics = models.ManyToManyField(Topic, verbose_name=_("topics"), blank=True, related_name="content_items")
    summary = models.TextField(_("summary"), blank=True)
    body = models.TextField(_("text"), blank=True, help_text=_("The script, article or SMS text itself"))
    link = models.URLField(_("link"), max_length=500, blank=True, help_text=_("For a video or a published post"))
    file = models.FileField(_("file"), upload_to="content/%Y/%m/", blank=True, max_length=300)
    file_name = models.CharField(_("file name"), max_length=255, blank=True, editable=False)
    version_number = models.PositiveIntegerField(_("version"), default=0, editable=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True)
    reason = models.TextField(_("reason for rejection"), blank=True, editable=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("sent for review at"), null=True, blank=True, editable=False)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True, editable=False)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    is_demo = models.BooleanField(_("demo data"), default=False, editable=False)
    # Accent-free title, summary and text: "luong huu" finds "Lương hưu".
    search_key = models.CharField(max_length=600, editable=False, blank=True, db_index=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("content item")
        verbose_name_plural = _("content items")
        indexes = [models.Index(fields=["kind", "status"], name="content_kind_status_idx")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("content:detail", args=[self.pk])

    @property
    def badge_class(self) -> str:
        """The shared badge colours: approved green, in review amber, rejected red, draft grey."""
        return {
            self.Status.APPROVED: "status-sent",
            self.Status.IN_REVIEW: "warn",
            self.Status.REJECTED: "status-failed",
        }.get(self.status, "status-draft")

    @property
    def record_date(self):
        return self.approved_at.date() if self.approved_at else None

    @property
    def record_place(self):
        return self.unit


class ContentVersion(models.Model):
    """What the item looked like at one save that changed its file, text or link."""

    item = models.ForeignKey(ContentItem, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    file = models.FileField(_("file"), upload_to="content/%Y/%m/", blank=True, max_length=300)
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    body = models.TextField(_("text"), blank=True)
    link = models.URLField(_("link"), max_length=500, blank=True)
    note = models.CharField(_("what changed"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        ordering = ["-number"]
        verbose_name = _("content version")
        verbose_name_plural = _("content versions")
        constraints = [models.UniqueConstraint(fields=["item", "number"], name="content_version_unique_number")]

    def __str__(self):
        return f"{self.item} v{self.number}"


class ContentReview(models.Model):
    """One review decision, kept: the history of approvals and rejections."""

    class Decision(models.TextChoices):
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    item = models.ForeignKey(ContentItem, on_delete=models.CASCADE, related_name="reviews")
    version = models.ForeignKey(
        ContentVersion, verbose_name=_("version"), null=True, on_delete=models.SET_NULL, related_name="reviews"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reviewer"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices)
    reason = models.TextField(_("reason"), blank=True)
    at = models.DateTimeField(_("at"))

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("content review")
        verbose_name_plural = _("content reviews")
        indexes = [models.Index(fields=["item", "decision", "at"], name="content_review_item_idx")]

    def __str__(self):
        return f"{self.item}: {self.decision}"
