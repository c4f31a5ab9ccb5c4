"""The budget of the plan (R8, §V and §VII.4): each unit's yearly estimate in its regular budget, what it
spent, and the finance office's check of both.

How an activity's cost becomes spending (never counted twice):
- a DONE activity with a cost counts as spending of its organiser in the year it started, directly from
  `Activity.cost` — nobody types it again;
- a `SpendingLine` may point to an activity (at most one line per activity, a unique constraint): the line
  is then that activity's spending (the settled amount with its voucher) and the activity's own cost is no
  longer counted. When the finance office checks an activity's cost, the check is kept on such a line.
So each activity is counted either through its cost or through its one line, whichever exists.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lantoa.activities.kinds import Kind
from lantoa.orgs.models import Unit

NEGATIVE_MESSAGE = _("The amount cannot be negative.")


class CheckStatus(models.TextChoices):
    PENDING = "pending", _("To check")
    ACCEPTED = "accepted", _("Accepted")
    QUERIED = "queried", _("Queried")


class Checked(models.Model):
    """The finance office's check (§VII.4: "kiểm tra việc sử dụng kinh phí theo quy định")."""

    check_status = models.CharField(
        _("finance check"), max_length=10, choices=CheckStatus.choices, default=CheckStatus.PENDING, editable=False
    )
    check_note = models.TextField(_("finance office's note"), blank=True, editable=False)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("checked by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True, editable=False)

    class Meta:
        abstract = True


class BudgetEstimate(Checked):
    """A unit's estimate for the plan's communication work in one year, per source of funds."""

    class Source(models.TextChoices):
        REGULAR = "regular", _("Regular budget")
        OTHER = "other", _("Other source")

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="budget_estimates")
    year = models.PositiveSmallIntegerField(_("year"))
    source = models.CharField(_("source of funds"), max_length=10, choices=Source.choices, default=Source.REGULAR)
    amount = models.DecimalField(_("amount (VND)"), max_digits=14, decimal_places=0)
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, editable=False, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    is_demo = models.BooleanField(_("demo data"), default=False, editable=False)

    class Meta:
        ordering = ["-year", "unit__name", "source"]
        verbose_name = _("budget estimate")
        verbose_name_plural = _("budget estimates")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year", "source"],
                name="budget_estimate_unit_year_source",
                violation_error_message=_("This unit already has an estimate from this source for that year."),
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="budget_estimate_amount_positive",
                violation_error_message=NEGATIVE_MESSAGE,
            ),
        ]

    def __str__(self):
        return f"{self.unit} {self.year} — {self.get_source_display()}"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("budget:unit", args=[self.unit_id, self.year])


class SpendingLine(Checked):
    """One item of spending of a unit in a year: tied to an activity (its cost) or not."""

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="spending_lines")
    year = models.PositiveSmallIntegerField(_("year"))
    spent_on = models.DateField(_("date"))
    description = models.CharField(_("description"), max_length=300)
    amount = models.DecimalField(_("amount (VND)"), max_digits=14, decimal_places=0)
    activity = models.ForeignKey(
        "activities.Activity",
        verbose_name=_("activity"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="spending_lines",
        help_text=_("The line then stands for the activity's cost, which is no longer counted on its own"),
    )
    # For lines tied to an activity the form and campaign are the activity's (read through it, never copied).
    campaign = models.ForeignKey(
        "activities.Campaign",
        verbose_name=_("campaign"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="spending_lines",
    )
    kind = models.CharField(_("form of communication"), max_length=20, choices=Kind.choices, blank=True)
    evidence = models.CharField(_("voucher or document number"), max_length=100, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, editable=False, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("entered at"), auto_now_add=True)
    is_demo = models.BooleanField(_("demo data"), default=False, editable=False)

    class Meta:
        ordering = ["-spent_on", "-id"]
        verbose_name = _("spending line")
        verbose_name_plural = _("spending lines")
        indexes = [models.Index(fields=["year", "unit"], name="budget_line_year_unit_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0), name="budget_line_amount_positive", violation_error_message=NEGATIVE_MESSAGE
            ),
            # One line per activity: what keeps an activity's cost from being counted twice.
            models.UniqueConstraint(
                fields=["activity"],
                condition=Q(activity__isnull=False),
                name="budget_line_one_per_activity",
                violation_error_message=_("This activity's cost is already on a spending line."),
            ),
        ]

    def __str__(self):
        return f"{self.spent_on:%d/%m/%Y} {self.description}"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("budget:unit", args=[self.unit_id, self.year])
