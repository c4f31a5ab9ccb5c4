"""Reports the plan demands (§VII, R9): each unit's annual report to the district People's Committee
through the labour office, the district report, the insurance office's report to the province, and the
2022–2025 final evaluation. A report's figures are computed from the records while it is a draft and
frozen into `figures` when it is submitted; the documents made from it are kept in the library
(`ReportFile`).

Workflow of a report (every step a conditional update in services):
    draft ──submit──▶ submitted ──accept──▶ accepted
      ▲                   │
      └──── returned ◀──return (comments on sections)
    returned ──submit──▶ submitted (figures frozen again)
Only unit reports are accepted or returned (by the labour office as coordinator); the district, insurance
and final reports end at "submitted" (issued).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lantoa.documents.models import ReportKind
from lantoa.orgs.models import Unit
from lantoa.plans.models import Plan

NARRATIVE = (
    ("results", _("Results")),
    ("shortcomings", _("Shortcomings and their causes")),
    ("proposals", _("Proposals")),
)


class Report(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned")
        ACCEPTED = "accepted", _("Accepted")

    kind = models.CharField(_("kind of report"), max_length=30, choices=ReportKind.choices)
    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.PROTECT, related_name="reports")
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="reports")
    year = models.PositiveSmallIntegerField(_("year"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    doc_number = models.CharField(_("number and symbol"), max_length=60, blank=True)
    results = models.TextField(_("results"), blank=True)
    shortcomings = models.TextField(_("shortcomings and their causes"), blank=True)
    proposals = models.TextField(_("proposals"), blank=True)
    signer_position = models.CharField(_("signer's position"), max_length=120, blank=True)
    signer_name = models.CharField(_("signer's name"), max_length=120, blank=True)
    recipients = models.TextField(_("recipients"), blank=True, help_text=_("One per line"))
    due_date = models.DateField(_("due date"), null=True, blank=True)
    figures = models.JSONField(_("figures frozen at submission"), null=True, blank=True, editable=False)
    frozen_at = models.DateTimeField(_("figures frozen at"), null=True, blank=True, editable=False)
    submissions = models.PositiveSmallIntegerField(_("times submitted"), default=0, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True, editable=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True, editable=False)
    is_demo = models.BooleanField(default=False, editable=False)

    class Meta:
        ordering = ["-year", "kind", "unit__name"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [
            models.UniqueConstraint(fields=["kind", "plan", "unit", "year"], name="reports_one_per_unit_year"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.unit} · {self.year}"

    @property
    def is_frozen(self) -> bool:
        return self.status in (self.Status.SUBMITTED, self.Status.ACCEPTED)

    @property
    def may_decide(self) -> bool:
        return self.kind == ReportKind.UNIT_ANNUAL


class ReportComment(models.Model):
    """The coordinator's comment on one section when returning a report (or any time)."""

    SECTIONS = (("figures", _("Figures")), *NARRATIVE, ("general", _("General")))

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="comments")
    section = models.CharField(_("section"), max_length=20, choices=SECTIONS)
    text = models.TextField(_("comment"))
    round = models.PositiveSmallIntegerField(_("submission"), default=0)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("comment on a report")
        verbose_name_plural = _("comments on reports")

    def __str__(self):
        return f"{self.report} · {self.section}"


def report_file_path(instance, filename):
    return f"reports/{instance.requested_at:%Y/%m}/{instance.pk or 'new'}-{filename}"


class ReportFile(models.Model):
    """One generated document of the library: who asked, when, from which data, and its progress."""

    class Format(models.TextChoices):
        DOCX = "docx", "DOCX"
        PDF = "pdf", "PDF"
        XLSX = "xlsx", "XLSX"

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        RUNNING = "running", _("Being made")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    report = models.ForeignKey(Report, verbose_name=_("report"), on_delete=models.CASCADE, related_name="files")
    format = models.CharField(_("format"), max_length=4, choices=Format.choices)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    step = models.CharField(_("step"), max_length=200, blank=True)
    file = models.FileField(_("file"), upload_to=report_file_path, max_length=200, blank=True)
    filename = models.CharField(_("file name"), max_length=200, blank=True)
    size = models.PositiveIntegerField(_("size (bytes)"), default=0)
    sha256 = models.CharField(max_length=64, blank=True, editable=False)
    source = models.JSONField(_("made from"), default=dict, blank=True)
    # The figures a draft's document was made from (the final evaluation is submitted with these: computing
    # them takes minutes at province scale, too long for a request).
    figures = models.JSONField(null=True, blank=True, editable=False)
    error = models.TextField(_("error"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("generated report file")
        verbose_name_plural = _("generated report files")

    def __str__(self):
        return self.filename or f"{self.report} · {self.format}"


class ReportReminder(models.Model):
    """One e-mail reminder per unit and year about an annual report not yet submitted."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    recipients = models.TextField(blank=True)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="reports_reminder_once")]

    def __str__(self):
        return f"{self.unit} · {self.year}"
