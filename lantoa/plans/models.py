from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lantoa.geo.models import Area
from lantoa.orgs.models import Unit


class Plan(models.Model):
    """A communication plan: a numbered document with a period and indicators with yearly targets."""

    number = models.CharField(_("number and symbol"), max_length=60, help_text=_("e.g. 123/KH-UBND"))
    title = models.CharField(_("title"), max_length=300)
    issuer = models.ForeignKey(
        Unit, verbose_name=_("issuing unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="plans"
    )
    issuer_name = models.CharField(
        _("issuer (if not a unit here)"),
        max_length=200,
        blank=True,
        help_text=_("For a higher-level plan, e.g. the provincial People's Committee"),
    )
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("implements plan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    copied_from = models.ForeignKey(
        "self", verbose_name=_("copied from"), null=True, blank=True, on_delete=models.SET_NULL, related_name="copies"
    )
    start_year = models.PositiveSmallIntegerField(_("first year"))
    end_year = models.PositiveSmallIntegerField(_("last year"))
    areas = models.ManyToManyField(Area, verbose_name=_("areas covered"), blank=True, related_name="plans")
    document = models.FileField(_("document"), upload_to="plans/%Y/", blank=True)
    summary = models.TextField(_("summary"), blank=True)
    is_default = models.BooleanField(_("default plan"), default=False)

    class Meta:
        ordering = ["-start_year", "number"]
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_year__gte=models.F("start_year")),
                name="plans_plan_period",
                violation_error_message=_("The last year must not be before the first year."),
            ),
            models.UniqueConstraint(fields=["is_default"], condition=Q(is_default=True), name="plans_one_default"),
            models.UniqueConstraint(fields=["number", "title"], name="plans_plan_number_title_unique"),
        ]

    def __str__(self):
        return f"{self.number} — {self.title}"

    @property
    def years(self) -> list[int]:
        return list(range(self.start_year, self.end_year + 1))

    @property
    def short_label(self) -> str:
        """How a picker names the plan: "15/KH-UBND (2026–2030)"."""
        return f"{self.number} ({self.start_year}–{self.end_year})"

    @property
    def issuer_label(self) -> str:
        return self.issuer.name if self.issuer else self.issuer_name


class Indicator(models.Model):
    """A target of the plan. Its value is computed by a registered computation, never typed in."""

    class Direction(models.TextChoices):
        AT_LEAST = "gte", _("at least (≥)")
        AT_MOST = "lte", _("at most (≤)")
        RANGE = "range", _("within a range")
        YES_NO = "yes_no", _("yes / no")
        REPORT = "report", _("reported, no threshold")

    class Measure(models.TextChoices):
        PERCENT = "percent", _("percent (%)")
        COUNT = "count", _("number")
        PER_WEEK = "per_week", _("number per week")
        PER_UNIT = "per_unit", _("number per organisation")
        YES_NO = "yes_no", _("yes / no")

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="indicators")
    code = models.CharField(_("code"), max_length=10)
    name = models.CharField(_("indicator"), max_length=300)
    description = models.TextField(_("wording in the plan"), blank=True)
    section = models.CharField(_("section of the plan"), max_length=40, blank=True)
    group = models.CharField(_("group"), max_length=20, blank=True, help_text=_("Targets (§II) or milestones (§VI)"))
    measure = models.CharField(_("unit of measure"), max_length=10, choices=Measure.choices)
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices)
    computation = models.CharField(_("computation"), max_length=60)
    params = models.JSONField(_("computation parameters"), default=dict, blank=True)
    note = models.TextField(_("note"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    reference = models.ForeignKey(
        "ReferenceTarget",
        verbose_name=_("national target followed"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="indicators",
        help_text=_("Shown beside the yearly targets, with its source"),
    )
    retired_from = models.PositiveSmallIntegerField(
        _("retired from"),
        null=True,
        blank=True,
        help_text=_("The first year the plan no longer pursues this indicator; empty while pursued"),
    )

    class Meta:
        ordering = ["plan", "order", "code"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="plans_indicator_code_unique")]

    def __str__(self):
        return f"{self.code} {self.name}"

    def pursued_in(self, year: int) -> bool:
        return self.retired_from is None or year < self.retired_from

    def clean(self):
        from lantoa.plans.kpi import registry

        if self.computation and self.computation not in registry:
            raise ValidationError(
                {"computation": _("No computation named “%(name)s” is registered.") % {"name": self.computation}}
            )


class Target(models.Model):
    """The target of an indicator for one year, for the whole plan or one area / unit."""

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="targets"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    area = models.ForeignKey(Area, verbose_name=_("area"), null=True, blank=True, on_delete=models.PROTECT)
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), null=True, blank=True, on_delete=models.PROTECT)
    min_value = models.DecimalField(_("minimum"), max_digits=12, decimal_places=2, null=True, blank=True)
    max_value = models.DecimalField(_("maximum"), max_digits=12, decimal_places=2, null=True, blank=True)
    expected = models.BooleanField(_("expected (yes / no)"), null=True, blank=True)
    label = models.CharField(
        _("as written"), max_length=120, blank=True, help_text=_("How the plan states this target, e.g. “05 - 10 cuộc”")
    )
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        ordering = ["indicator", "year", "area", "unit"]
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        constraints = [
            models.CheckConstraint(
                condition=Q(min_value__isnull=True)
                | Q(max_value__isnull=True)
                | Q(max_value__gte=models.F("min_value")),
                name="plans_target_min_le_max",
                violation_error_message=_("The maximum must not be below the minimum."),
            ),
            # One target per indicator, year and scope (whole plan, one area, or one unit).
            models.UniqueConstraint(
                fields=["indicator", "year"],
                condition=Q(area__isnull=True, unit__isnull=True),
                name="plans_target_one_plan_wide",
                violation_error_message=_("There is already a target for this year in this scope."),
            ),
            models.UniqueConstraint(
                fields=["indicator", "year", "area"],
                condition=Q(area__isnull=False, unit__isnull=True),
                name="plans_target_one_per_area",
                violation_error_message=_("There is already a target for this year in this scope."),
            ),
            models.UniqueConstraint(
                fields=["indicator", "year", "unit"],
                condition=Q(unit__isnull=False, area__isnull=True),
                name="plans_target_one_per_unit",
                violation_error_message=_("There is already a target for this year in this scope."),
            ),
        ]

    def __str__(self):
        return f"{self.indicator.code} {self.year}: {self.display}"

    @property
    def extra_label(self) -> str:
        """The plan's own wording when it says more than the figure ("05 - 10 cuộc", "80% (nội suy)")."""
        from lantoa.plans.targets import wording_adds_to

        return self.label if wording_adds_to(self.label, self.display) else ""

    @property
    def display(self) -> str:
        from lantoa.plans.targets import target_display

        return target_display(self)


class ReferenceTarget(models.Model):
    """A national target a plan may follow (Resolution 28-NQ/TW, Resolution 403/NQ-CP …): dated
    reference data with its source, not a target of any plan here."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("target"), max_length=300)
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)
    measure = models.CharField(_("unit of measure"), max_length=10, choices=Indicator.Measure.choices)
    year = models.PositiveSmallIntegerField(_("by year"))
    source = models.CharField(_("source"), max_length=300)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    computation = models.CharField(
        _("computation it relates to"),
        max_length=60,
        blank=True,
        help_text=_("An indicator with this computation shows this value beside its targets"),
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["year", "code"]
        verbose_name = _("national reference target")
        verbose_name_plural = _("national reference targets")

    def __str__(self):
        return f"{self.name} ({self.year}): {self.value}"
