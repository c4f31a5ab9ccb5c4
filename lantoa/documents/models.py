"""Report templates a unit uploads to replace the default one (`layout.build_default_template`)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lantoa.orgs.models import Unit


class ReportKind(models.TextChoices):
    UNIT_ANNUAL = "unit_annual", _("Annual unit report")
    DISTRICT = "district", _("District report to the People's Committee")
    INSURANCE_PROVINCE = "insurance_province", _("Insurance office's report to the province")
    FINAL_EVALUATION = "final_evaluation", _("Final evaluation of the plan")


def template_path(instance, filename):
    return f"report-templates/{instance.unit_id}/{instance.kind}/v{instance.version}.docx"


class ReportTemplate(models.Model):
    """One uploaded version of a unit's template for one kind of report; uploads never overwrite, the
    active version (at most one per unit and kind) is the one used, the others are kept."""

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="report_templates")
    kind = models.CharField(_("kind of report"), max_length=30, choices=ReportKind.choices)
    version = models.PositiveIntegerField(_("version"))
    file = models.FileField(_("file"), upload_to=template_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    sha256 = models.CharField(max_length=64, editable=False)
    is_active = models.BooleanField(_("in use"), default=True)
    note = models.TextField(_("note"), blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["unit", "kind", "-version"]
        verbose_name = _("report template")
        verbose_name_plural = _("report templates")
        constraints = [
            models.UniqueConstraint(fields=["unit", "kind", "version"], name="documents_template_version_unique"),
            models.UniqueConstraint(
                fields=["unit", "kind"], condition=Q(is_active=True), name="documents_template_one_active"
            ),
        ]

    def __str__(self):
        return f"{self.unit} · {self.get_kind_display()} · v{self.version}"
