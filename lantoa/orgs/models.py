from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lantoa.core.models import Dated
from lantoa.geo.models import Area


class Unit(Dated):
    """An office, organisation or commune People's Committee taking part in a plan (§VII)."""

    class Kind(models.TextChoices):
        PEOPLES_COMMITTEE = "peoples_committee", _("People's Committee (district / province)")
        LABOUR_OFFICE = "labour_office", _("Labour office")
        INSURANCE_OFFICE = "insurance_office", _("Social insurance office")
        CULTURE_OFFICE = "culture_office", _("Culture and information office")
        RADIO_CENTRE = "radio_centre", _("Culture, sports and radio centre")
        FINANCE_OFFICE = "finance_office", _("Finance and planning office")
        OTHER_OFFICE = "other_office", _("Other office")
        POLICE = "police", _("Police")
        POST_OFFICE = "post_office", _("Post office")
        PROCURACY = "procuracy", _("Procuracy")
        COURT = "court", _("Court")
        FATHERLAND_FRONT = "fatherland_front", _("Fatherland Front")
        ASSOCIATION = "association", _("Member association")
        COMMUNE_COMMITTEE = "commune_committee", _("Commune People's Committee")

    code = models.SlugField(_("code"), max_length=60, unique=True, help_text=_("Short stable identifier"))
    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=60, blank=True)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    area = models.ForeignKey(Area, verbose_name=_("area"), on_delete=models.PROTECT, related_name="units")
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_from",
    )
    search_key = models.CharField(max_length=200, editable=False, db_index=True)
    note = models.TextField(_("note"), blank=True)
    # Document data (Decree 30/2020): kept on the unit, never defaulted in code.
    authority = models.CharField(
        _("governing body"),
        max_length=200,
        blank=True,
        help_text=_("Printed above the unit's name on its documents when it has no parent unit (UBND tỉnh Đồng Tháp)"),
    )
    doc_symbol = models.CharField(
        _("abbreviation in document symbols"),
        max_length=30,
        blank=True,
        help_text=_("e.g. SNV: its reports are numbered …/BC-SNV"),
    )

    class Meta(Dated.Meta):
        ordering = ["search_key"]  # accent-free: Vietnamese order, not code-point order
        verbose_name = _("unit")
        verbose_name_plural = _("units")

    def __str__(self):
        return self.name


class UnitName(models.Model):
    """A name the unit had before a rename, and until when."""

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="former_names")
    name = models.CharField(_("name"), max_length=200)
    valid_from = models.DateField(_("from"), null=True, blank=True)
    valid_to = models.DateField(_("until"))

    class Meta:
        ordering = ["unit", "valid_to"]
        verbose_name = _("former name")
        verbose_name_plural = _("former names")

    def __str__(self):
        return f"{self.name} (→ {self.valid_to:%d/%m/%Y})"


class Membership(Dated):
    """A user working in a unit for a period."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships"
    )
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="memberships")
    position = models.CharField(_("position"), max_length=120, blank=True)

    class Meta(Dated.Meta):
        ordering = ["-valid_from"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            *Dated.Meta.constraints,
            models.UniqueConstraint(
                fields=["user"], condition=Q(valid_to__isnull=True), name="orgs_one_open_membership"
            ),
        ]

    def __str__(self):
        return f"{self.user} @ {self.unit}"


class UnitDuty(Dated):
    """A duty a unit holds for a period, such as writing the aggregate report: who holds it follows the
    reorganisations (the labour office, then the home-affairs office it merged into, then its successor)."""

    class Duty(models.TextChoices):
        AGGREGATE_REPORT = "aggregate_report", _("Gathers the units' annual reports and writes the aggregate report")
        FINAL_EVALUATION = "final_evaluation", _("Writes the final evaluation of the plan")
        INSURANCE_REPORT = "insurance_report", _("Writes the social insurance office's report to the province")

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="duties")
    duty = models.CharField(_("duty"), max_length=30, choices=Duty.choices)
    symbol = models.CharField(
        _("document symbol"),
        max_length=30,
        blank=True,
        help_text=_("Of the report written under this duty, e.g. BC-UBND; empty: BC- and the unit's abbreviation"),
    )
    recipients = models.TextField(
        _("default recipients"), blank=True, help_text=_("Of the report written under this duty; one per line")
    )
    note = models.TextField(_("note"), blank=True)

    class Meta(Dated.Meta):
        ordering = ["duty", "valid_from"]
        verbose_name = _("duty of a unit")
        verbose_name_plural = _("duties of units")

    def __str__(self):
        return f"{self.get_duty_display()} · {self.unit}"
